using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Hooks;

/// <summary>A server whose hook limits are small enough to reach in a test.</summary>
public sealed class TightHookLimitsFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    public const int PostsPerWindow = 3;
    public const int MaxBodyBytes = 4096;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Hooks:PostsPerWindow"] = PostsPerWindow.ToString(),
        ["Fleep:Hooks:Window"] = "00:10:00",
        ["Fleep:Hooks:MaxBodyBytes"] = MaxBodyBytes.ToString(),
    };
}

/// <summary>
/// What <c>/hook/&lt;token&gt;</c> does against abuse: a rate limit per hook (429 with
/// Retry-After), a body cap (413, by Content-Length and while reading a chunked body), one 404 for
/// every token that names no active hook, whatever its shape, a 400 and never a 500 for hostile
/// bodies, and request logs that never hold the token.
/// </summary>
public sealed class HookAbuseTests(TightHookLimitsFixture server) : IClassFixture<TightHookLimitsFixture>
{
    private const string Form = "application/x-www-form-urlencoded";

    [Fact]
    public async Task Each_hook_has_its_own_rate_limit_answered_with_429_and_retry_after()
    {
        using var busy = await HookedConversation.CreateAsync(server);
        using var quiet = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();
        for (var i = 1; i <= TightHookLimitsFixture.PostsPerWindow; i++)
        {
            (await sender.PostRawAsync(busy.Url, $"message=post+{i}", Form)).EnsureOk();
        }

        var refused = await sender.PostRawAsync(busy.Url, "message=one+too+many", Form);
        var other = await sender.PostRawAsync(quiet.Url, "message=unaffected", Form);

        refused.AssertError(429, "too_many_requests");
        var retryAfter = int.Parse(refused.Raw.Headers.RetryAfter!.ToString());
        Assert.InRange(retryAfter, 1, 600);
        other.EnsureOk();
        Assert.Equal(TightHookLimitsFixture.PostsPerWindow, (await busy.MessagesAsync()).Count);
        Assert.Single(await quiet.MessagesAsync());
    }

    [Fact]
    public async Task A_body_over_the_cap_is_a_413_by_content_length_and_while_read_chunked()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();
        var atLimit = "message=" + new string('a', TightHookLimitsFixture.MaxBodyBytes - "message=".Length);
        var overLimit = atLimit + "a";

        var byLength = await sender.PostRawAsync(hooked.Url, overLimit, Form);
        var chunked = await sender.SendAsync(new HttpRequestMessage(HttpMethod.Post, hooked.Url) { Content = new ChunkedContent(overLimit + overLimit) });
        var fits = await sender.PostRawAsync(hooked.Url, atLimit, Form);

        byLength.AssertError(413, "request_too_large");
        chunked.AssertError(413, "request_too_large");
        fits.EnsureOk();
        var message = Assert.Single(await hooked.MessagesAsync());
        Assert.Equal($"<msg><p>{atLimit["message=".Length..]}</p></msg>", message.Str("message"));
    }

    [Fact]
    public async Task Ten_thousand_random_tokens_find_nothing_and_answer_like_a_dropped_hook()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        (await hooked.Owner.ConvAsync("drop_hook", hooked.ConversationId, new { hook_key = hooked.HookKey })).EnsureOk();
        using var sender = server.NewClient();
        var dropped = await sender.PostRawAsync(hooked.Url, "message=hello", Form);
        dropped.AssertError(404, "hook_not_found");
        var droppedBody = dropped.Json.GetRawText();

        var tokens = Enumerable.Range(0, 10_000).Select(_ => Base64UrlToken()).ToList();
        var answers = new System.Collections.Concurrent.ConcurrentBag<(int Status, string Body)>();
        await Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (token, ct) =>
        {
            var response = await sender.PostRawAsync($"/hook/{token}", "message=guess", Form, ct: ct);
            answers.Add((response.StatusCode, response.Json.GetRawText()));
        });

        Assert.Equal(10_000, answers.Count);
        Assert.Equal([(404, droppedBody)], answers.Distinct());
    }

    [Theory]
    [InlineData("/hook/AAAAAAAAAAAAAAAAAAAAAAA")]                 // 23 characters
    [InlineData("/hook/AAAAAAAAAAAAAAAAAAAAA")]                   // 21
    [InlineData("/hook/AAAAAAAAAAAAAAAAAAAA!A")]                  // 22 with a character outside base64url
    [InlineData("/hook/AAAAAAAAAAAAAAAAAAAA%C3%A4")]
    [InlineData("/hook/AAAAAAAAAAAAAAAAAAAAAA/extra")]
    [InlineData("/hook/..%2F..%2Fapi%2Faccount%2Fsync")]
    [InlineData("/hook/")]
    [InlineData("/hook")]
    public async Task Malformed_tokens_get_the_same_404(string path)
    {
        using var sender = server.NewClient();

        var response = await sender.PostRawAsync(path, "message=guess", Form);

        response.AssertError(404, "hook_not_found");
        Assert.Equal("""{"error_id":"hook_not_found","error_message":"No active hook has this URL.","status_code":404}""", response.Json.GetRawText());
    }

    [Fact]
    public async Task A_very_long_token_gets_the_same_404()
    {
        using var sender = server.NewClient();

        var response = await sender.PostRawAsync("/hook/" + new string('A', 4000), "message=guess", Form);

        response.AssertError(404, "hook_not_found");
    }

    [Fact]
    public async Task The_real_tokens_extra_segment_is_not_the_hook()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();

        (await sender.PostRawAsync(hooked.Url + "/more", "message=x", Form)).AssertError(404, "hook_not_found");

        Assert.Empty(await hooked.MessagesAsync());
    }

    public static TheoryData<string, byte[], string?> HostileBodies()
    {
        var data = new TheoryData<string, byte[], string?>
        {
            { "invalid UTF-8", [.. "message=caf"u8, 0xC3, 0x28], Form },
            { "invalid UTF-8 in JSON", [.. "{\"message\": \"caf"u8, 0xFF, .. "\"}"u8], "application/json" },
            { "overlong encoding", [.. "message="u8, 0xC0, 0xAF], Form },
            { "deep array nesting", Encoding.UTF8.GetBytes(new string('[', 2000) + new string(']', 2000)), "application/json" },
            { "deep object nesting", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 500)) + "1" + new string('}', 500)), Form },
            { "JSON array", """[{"message": "hi"}]"""u8.ToArray(), "application/json" },
            { "message as number", """{"message": 42}"""u8.ToArray(), "application/json" },
            { "message as object", """{"message": {"text": "hi"}}"""u8.ToArray(), "application/json" },
            { "user as list", """{"message": "hi", "user": ["a"]}"""u8.ToArray(), "application/json" },
            { "NUL in user", """{"message": "hi", "user": "a\u0000b"}"""u8.ToArray(), "application/json" },
            { "NUL in form", "message=a%00b"u8.ToArray(), Form },
            { "user too long", Encoding.UTF8.GetBytes("message=hi&user=" + new string('u', 1025)), Form },
            { "multipart without boundary", "--x\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nhi\r\n--x--\r\n"u8.ToArray(), "multipart/form-data" },
            { "multipart garbage", "no parts here"u8.ToArray(), "multipart/form-data; boundary=abc" },
            { "multipart truncated", "--abc\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nhi"u8.ToArray(), "multipart/form-data; boundary=abc" },
            { "truncated JSON", """{"message": "hi" """u8.ToArray(), "application/json" },
            { "form body labelled JSON", "message=hi"u8.ToArray(), "application/json" },
            { "bad content type", "message=hi"u8.ToArray(), "multipart/form-data; boundary=\"unterminated" },
        };
        var random = new Random(20261130);
        var noise = new byte[3000];
        random.NextBytes(noise);
        data.Add("random bytes", noise, "application/octet-stream");
        return data;
    }

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task Hostile_bodies_are_400s_never_500s(string what, byte[] body, string? contentType)
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();
        var request = new HttpRequestMessage(HttpMethod.Post, hooked.Url) { Content = new ByteArrayContent(body) };
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        var response = await sender.SendAsync(request);

        Assert.True(response.StatusCode == 400, $"{what}: expected 400, got {response.StatusCode} {response.Json}");
        response.AssertError(400);
        Assert.Empty(await hooked.MessagesAsync());
    }

    [Fact]
    public async Task Import_hooks_refuse_impossible_times()
    {
        using var hooked = await HookedConversation.CreateAsync(server, "import");
        using var sender = server.NewClient();

        var response = await sender.PostRawAsync(hooked.Url, """{"messages": [{"message": "old", "posted_time": 99999999999999}]}""");

        response.AssertError(400, "invalid_param");
        Assert.Contains("posted_time", response.Json.Str("error_message"));
    }

    [Fact]
    public async Task The_request_log_names_the_hook_path_without_its_token()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();

        (await sender.PostRawAsync(hooked.Url, "message=logged", Form)).EnsureOk();
        (await sender.PostRawAsync(hooked.Url + "/", "", Form)).AssertError(400, "empty_message");

        await server.Logs.WaitForAsync(line => line.Contains("\"/hook/***\"") && line.Contains("-> 200"));
        await server.Logs.WaitForAsync(line => line.Contains("\"/hook/***\"") && line.Contains("-> 400"));
        Assert.DoesNotContain(server.Logs.RenderAll(), line => line.Contains(hooked.Token, StringComparison.OrdinalIgnoreCase));
    }

    private static string Base64UrlToken() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    /// <summary>A body sent with Transfer-Encoding: chunked, its length not announced.</summary>
    private sealed class ChunkedContent(string text) : HttpContent
    {
        private readonly byte[] bytes = Encoding.UTF8.GetBytes(text);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += 1024)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(1024, bytes.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}

/// <summary>
/// A hook post that fails for a reason nobody planned (here: a broken messages table) is a 500
/// whose log says what went wrong, with the correlation id, but not the hook's token.
/// </summary>
public sealed class HookErrorLogTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task An_unexpected_failure_logs_no_token()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        await using (var db = server.OpenDb())
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE messages RENAME COLUMN sender_name TO sender_name_gone");
        }

        using var sender = server.NewClient();
        var response = await sender.PostRawAsync(hooked.Url, """{"message": "boom", "user": "CI"}""");

        response.AssertError(500, "internal_error");
        var correlationId = response.Json.Str("correlation_id");
        await server.Logs.WaitForAsync(line => line.Contains(correlationId) && line.Contains("PostgresException"));
        await server.Logs.WaitForAsync(line => line.Contains("\"/hook/***\"") && line.Contains("-> 500"));
        var logs = server.Logs.RenderAll().ToList();
        Assert.Contains(logs, line => line.Contains(correlationId) && line.Contains("/hook/***"));
        Assert.DoesNotContain(logs, line => line.Contains(hooked.Token, StringComparison.OrdinalIgnoreCase));
    }
}
