using System.Net.Http.Headers;
using System.Text;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Hooks;

/// <summary>
/// <c>POST /hook/&lt;token&gt;</c> on a plain hook (docs/hooks.md, "Plain hooks"): every body
/// form real senders use becomes the hook owner's text message in the members' polls, with
/// <c>sender_name</c> only when a name was given; the answer is exactly <c>{}</c>; unusable bodies
/// and unknown or dropped hooks get small JSON Fleep errors and post nothing.
/// </summary>
public sealed class HookIncomingTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const string Form = "application/x-www-form-urlencoded";

    /// <summary>
    /// The default cap (1 MiB, appsettings.json): a 10 MB body is refused before it is read, and
    /// nothing is posted. The sender asks <c>Expect: 100-continue</c> first, as curl does for bodies
    /// over 1 MB, so it gets the 413 instead of sending 10 MB into a closed connection.
    /// </summary>
    [Fact]
    public async Task A_ten_megabyte_body_is_a_413_under_the_default_cap_and_posts_nothing()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, hooked.Url)
        {
            Content = new StringContent("message=" + new string('x', 10_000_000), System.Text.Encoding.UTF8, Form),
        };
        request.Headers.ExpectContinue = true;

        var answer = await sender.SendAsync(request);

        answer.AssertError(413, "request_too_large");
        (await sender.PostRawAsync(hooked.Url, "message=after", Form)).EnsureOk();
        var message = Assert.Single(await hooked.MessagesAsync());
        Assert.Equal("<msg><p>after</p></msg>", message.Str("message"));
    }

    public static TheoryData<string, string?, string, string?> BodyForms => new()
    {
        // Fleep's blog, Hook.java, netdata's Go notifier
        { """{"message": "build *green*\non main", "user": "Jenkins"}""", "application/json", "<msg><p>build <b>green</b><br/>on main</p></msg>", "Jenkins" },
        { """{"message": "build done", "sender_name": "CI"}""", "application/json; charset=utf-8", "<msg><p>build done</p></msg>", "CI" },
        // netdata's shell notifier: single quotes, curl's form Content-Type
        { "{ 'message': 'db1 disk 95% full\\nsee https://netdata.example.com', 'user': 'netdata' }", Form,
            "<msg><p>db1 disk 95% full<br/>see <a href=\"https://netdata.example.com\">https://netdata.example.com</a></p></msg>", "netdata" },
        // the PHP sample: a trailing '&', and the PHP library's user=" "
        { "message=Deploy+finished%0Ahttps%3A%2F%2Fexample.com%3C%3Clog%3E%3E&user=PHP&", Form,
            "<msg><p>Deploy finished<br/><a href=\"https://example.com\">log</a></p></msg>", "PHP" },
        { "message=no+name&user=+", Form, "<msg><p>no name</p></msg>", null },
        // curl --data "some text"
        { "backup failed on db1", Form, "<msg><p>backup failed on db1</p></msg>", null },
        { "backup failed%0A%0Aretry at 03:00", null, "<msg><p>backup failed</p><p>retry at 03:00</p></msg>", null },
        { "T%C3%B5nu's build ✓", Form, "<msg><p>Tõnu's build ✓</p></msg>", null },
    };

    [Theory]
    [MemberData(nameof(BodyForms))]
    public async Task Every_body_form_posts_the_owners_message(string body, string? contentType, string expectedXml, string? expectedSender)
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();

        var response = await sender.PostRawAsync(hooked.Url, body, contentType);

        Assert.Equal(200, response.EnsureOk().StatusCode);
        Assert.Equal("{}", response.Json.GetRawText());
        var message = Assert.Single(await hooked.MessagesAsync());
        Assert.Equal(hooked.Owner.AccountId, message.GetProperty("account_id").GetGuid());
        Assert.Equal(hooked.HookKey, message.Str("hook_key"));
        Assert.Equal(expectedXml, message.Str("message"));
        if (expectedSender is null)
        {
            Assert.False(message.Has("sender_name"), $"no sender_name expected: {message}");
        }
        else
        {
            Assert.Equal(expectedSender, message.Str("sender_name"));
        }
    }

    [Fact]
    public async Task Multipart_fields_post_the_message()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();
        using var content = new MultipartFormDataContent("fleep-boundary")
        {
            { new StringContent("nightly *ok*", Encoding.UTF8), "message" },
            { new StringContent("Node", Encoding.UTF8), "user" },
        };

        (await sender.SendAsync(new HttpRequestMessage(HttpMethod.Post, hooked.Url) { Content = content })).EnsureOk();

        var message = Assert.Single(await hooked.MessagesAsync());
        Assert.Equal("<msg><p>nightly <b>ok</b></p></msg>", message.Str("message"));
        Assert.Equal("Node", message.Str("sender_name"));
    }

    [Fact]
    public async Task Multipart_files_become_attachments_of_the_posted_message()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();
        var file = new ByteArrayContent("%PDF-1.4 report"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        using var content = new MultipartFormDataContent
        {
            { new StringContent("report attached"), "message" },
            { file, "files", "report.pdf" },
        };

        (await sender.SendAsync(new HttpRequestMessage(HttpMethod.Post, hooked.Url) { Content = content })).EnsureOk();

        var message = Assert.Single(await hooked.MessagesAsync());
        Assert.Matches("^<msg><p>report attached</p><file key=\"[A-Za-z0-9_-]{22}\">report.pdf</file></msg>$", message.Str("message"));
    }

    [Fact]
    public async Task A_trailing_slash_is_tolerated()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();

        (await sender.PostRawAsync(hooked.Url + "/", """{"message": "with slash"}""")).EnsureOk();

        var message = Assert.Single(await hooked.MessagesAsync());
        Assert.Equal("<msg><p>with slash</p></msg>", message.Str("message"));
    }

    [Theory]
    [InlineData("", Form, "empty_message")]
    [InlineData("   ", null, "empty_message")]
    [InlineData("""{"message": ""}""", "application/json", "empty_message")]
    [InlineData("""{"user": "Jenkins"}""", "application/json", "empty_message")]
    [InlineData("message=&user=x", Form, "empty_message")]
    [InlineData("""{"message": "cut""", "application/json", "bad_request")]
    public async Task An_unusable_body_is_a_400_with_a_fleep_error_and_posts_nothing(string body, string? contentType, string errorId)
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();

        var response = await sender.PostRawAsync(hooked.Url, body, contentType);

        response.AssertError(400, errorId);
        Assert.Equal(3, response.Json.EnumerateObject().Count());
        Assert.Empty(await hooked.MessagesAsync());
    }

    [Fact]
    public async Task Posts_arrive_in_order_and_a_dropped_hook_answers_404()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();
        for (var i = 1; i <= 3; i++)
        {
            (await sender.PostRawAsync(hooked.Url, $"message=post+{i}", Form)).EnsureOk();
        }

        (await hooked.Owner.ConvAsync("drop_hook", hooked.ConversationId, new { hook_key = hooked.HookKey })).EnsureOk();
        var afterDrop = await sender.PostRawAsync(hooked.Url, "message=too+late", Form);

        afterDrop.AssertError(404, "hook_not_found");
        var messages = await hooked.MessagesAsync();
        Assert.Equal(3, messages.Count);
        Assert.Equal(["<msg><p>post 1</p></msg>", "<msg><p>post 2</p></msg>", "<msg><p>post 3</p></msg>"],
            messages.Select(m => m.Str("message")));
    }
}
