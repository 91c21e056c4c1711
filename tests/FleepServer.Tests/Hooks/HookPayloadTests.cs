using System.Text;
using FleepServer.Data;
using FleepServer.Domain.Hooks;
using FleepServer.Errors;

namespace FleepServer.Tests.Hooks;

/// <summary>
/// The body parser of <c>/hook/&lt;token&gt;</c> on its own (docs/hooks.md, "Incoming posts"):
/// bytes, Content-Type and hook type in, messages or a Fleep error out. No server, no database.
/// </summary>
public sealed class HookPayloadTests
{
    private const string Form = "application/x-www-form-urlencoded";
    private const string JsonType = "application/json";

    private static HookMessage One(string body, string? contentType, string hookType = HookTypes.Plain) =>
        Assert.Single(HookPayloads.Parse(hookType, HookPayload.Of(body, contentType)));

    private static FleepException Refused(string body, string? contentType, string hookType = HookTypes.Plain) =>
        Refused(Encoding.UTF8.GetBytes(body), contentType, hookType);

    private static FleepException Refused(byte[] body, string? contentType, string hookType = HookTypes.Plain) =>
        Assert.Throws<FleepException>(() => HookPayloads.Parse(hookType, new HookPayload(body, contentType)));

    [Theory]
    [InlineData("""{"message": "build green", "user": "Jenkins"}""", JsonType)]
    [InlineData("""{"message": "build green", "sender_name": "Jenkins"}""", JsonType)]
    [InlineData("""{"message": "build green", "user": "  Jenkins "}""", "application/json; charset=utf-8")]
    // JSON labelled as a form (curl -d '{…}') is still JSON.
    [InlineData("""{"message": "build green", "user": "Jenkins"}""", Form)]
    [InlineData("""{"message": "build green", "user": "Jenkins"}""", null)]
    // netdata's shell notifier: single quotes, curl's form Content-Type.
    [InlineData("{ 'message': 'build green', 'user': 'Jenkins' }", Form)]
    [InlineData("message=build+green&user=Jenkins", Form)]
    [InlineData("message=build%20green&user=Jenkins&", Form)] // the PHP sample's trailing '&'
    [InlineData("user=Jenkins&message=build+green", null)]
    public void Every_body_form_gives_the_message_and_the_sender(string body, string? contentType)
    {
        var message = One(body, contentType);

        Assert.Equal("build green", message.Text);
        Assert.Equal("Jenkins", message.SenderName);
    }

    [Theory]
    [InlineData("""{"message": "hi", "user": " "}""", JsonType)]
    [InlineData("""{"message": "hi", "user": null}""", JsonType)]
    [InlineData("""{"message": "hi"}""", JsonType)]
    [InlineData("message=hi&user=+", Form)]      // the PHP library's user=" "
    [InlineData("message=hi&user=%20", Form)]
    [InlineData("message=hi&user=", Form)]
    [InlineData("{ 'message': 'hi', 'user': '' }", Form)]
    public void A_blank_user_means_no_sender_name(string body, string contentType)
    {
        var message = One(body, contentType);

        Assert.Equal("hi", message.Text);
        Assert.Null(message.SenderName);
    }

    [Theory]
    [InlineData("some text", Form, "some text")]
    [InlineData("some text", null, "some text")]
    [InlineData("disk 95% full on db1", Form, "disk 95% full on db1")]
    [InlineData("line one%0Aline two", Form, "line one\nline two")]
    [InlineData("C++ build passed", Form, "C++ build passed")]
    [InlineData("plain text, = signs kept", "text/plain", "plain text, = signs kept")]
    [InlineData("[ALERT] disk full", Form, "[ALERT] disk full")]
    [InlineData("{build} done", Form, "{build} done")]
    public void A_bare_string_is_the_message_text(string body, string? contentType, string expected)
    {
        var message = One(body, contentType);

        Assert.Equal(expected, message.Text);
        Assert.Null(message.SenderName);
    }

    [Theory]
    [InlineData("""{"message": "one\ntwo"}""", JsonType)]
    [InlineData("message=one%0Atwo", Form)]
    [InlineData("message=one%0D%0Atwo", Form)]
    [InlineData("{ 'message': 'one\\ntwo' }", Form)]
    public void Line_breaks_reach_the_text(string body, string contentType)
    {
        var text = One(body, contentType).Text.Replace("\r\n", "\n");

        Assert.Equal("one\ntwo", text);
    }

    [Fact]
    public void Percent_escapes_are_utf8()
    {
        var message = One("message=T%C3%B5nu+%E2%9C%93&user=J%C3%BCrgen", Form);

        Assert.Equal("Tõnu ✓", message.Text);
        Assert.Equal("Jürgen", message.SenderName);
    }

    [Fact]
    public void Netdata_values_keep_their_apostrophes_and_escapes()
    {
        var message = One("{ 'message': 'db1's disk is 95% full\\nsee it', 'user': 'netdata on db1' }", Form);

        Assert.Equal("db1's disk is 95% full\nsee it", message.Text);
        Assert.Equal("netdata on db1", message.SenderName);
    }

    [Fact]
    public void Multipart_fields_are_read()
    {
        const string boundary = "----fleep42";
        var body = $"--{boundary}\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nbuild *green*\r\nsecond line\r\n" +
                   $"--{boundary}\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nJenkins\r\n--{boundary}--\r\n";

        var message = One(body, $"multipart/form-data; boundary={boundary}");

        Assert.Equal("build *green*\r\nsecond line", message.Text);
        Assert.Equal("Jenkins", message.SenderName);
    }

    [Fact]
    public void Multipart_files_are_refused_not_dropped()
    {
        const string boundary = "xyz";
        var body = $"--{boundary}\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nreport\r\n" +
                   $"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nfile body\r\n--{boundary}--\r\n";

        var error = Refused(body, $"multipart/form-data; boundary={boundary}");

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("invalid_param", error.ErrorId);
        Assert.Contains("'files'", error.ErrorMessage);
    }

    [Theory]
    [InlineData("", Form, "empty_message")]
    [InlineData("   \n ", Form, "empty_message")]
    [InlineData("", JsonType, "empty_message")]
    [InlineData("""{"message": ""}""", JsonType, "empty_message")]
    [InlineData("""{"message": "  "}""", JsonType, "empty_message")]
    [InlineData("""{"user": "Jenkins"}""", JsonType, "empty_message")]
    [InlineData("message=&user=Jenkins", Form, "empty_message")]
    [InlineData("""{"message": 42}""", JsonType, "invalid_param")]
    [InlineData("""{"message": "hi", "user": ["x"]}""", JsonType, "invalid_param")]
    [InlineData("""["message", "hi"]""", JsonType, "bad_request")]
    [InlineData("""[{"message": "hi"}]""", Form, "bad_request")]
    [InlineData("""{"message": "truncated""", JsonType, "bad_request")]
    [InlineData("message=hi", JsonType, "bad_request")]
    [InlineData("--x\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nhi\r\n--x--\r\n", "multipart/form-data", "bad_request")]
    [InlineData("not multipart at all", "multipart/form-data; boundary=x", "bad_request")]
    public void Unusable_bodies_are_400s(string body, string contentType, string errorId)
    {
        var error = Refused(body, contentType);

        Assert.Equal(400, error.StatusCode);
        Assert.Equal(errorId, error.ErrorId);
    }

    [Fact]
    public void Invalid_utf8_is_refused_in_the_body_and_in_escapes()
    {
        var raw = Refused([0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x3d, 0xC3, 0x28], Form);
        var escaped = Refused("message=%C3%28", Form);
        var json = Refused([.. "{\"message\": \""u8.ToArray(), 0xFF, .. "\"}"u8.ToArray()], JsonType);

        Assert.All(new[] { raw, escaped, json }, e => Assert.Equal((400, "bad_request"), (e.StatusCode, e.ErrorId)));
        Assert.Contains("UTF-8", raw.ErrorMessage);
    }

    [Theory]
    [InlineData(JsonType)]
    [InlineData(Form)]
    public void Deep_json_nesting_is_refused_without_recursion(string contentType)
    {
        var body = new string('[', 100_000) + new string(']', 100_000);
        var objects = string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000);

        Assert.Equal("bad_request", Refused(body, contentType).ErrorId);
        Assert.Contains("nested", Refused(objects, contentType).ErrorMessage);
    }

    [Fact]
    public void Values_the_database_cannot_hold_are_refused()
    {
        Assert.Equal("invalid_param", Refused($$"""{"message": "hi", "user": "{{new string('x', 1025)}}"}""", JsonType).ErrorId);
        Assert.Equal("invalid_param", Refused($$"""{"message": "{{new string('x', 307_201)}}"}""", JsonType).ErrorId);
        Assert.Equal("invalid_param", Refused("""{"message": "hi", "user": "a\u0000b"}""", JsonType).ErrorId);
        Assert.Equal("invalid_param", Refused("message=a%00b", Form).ErrorId);
    }

    [Fact]
    public void Import_batches_keep_order_time_sender_and_key()
    {
        var messages = HookPayloads.Parse(HookTypes.Import, HookPayload.Of("""
            {"messages": [
              {"message_key": "k1", "message": "first", "posted_time": 1330000000, "sender_name": "Old Bot"},
              {"message_key": null, "message": "second", "posted_time": "1330000060"}]}
            """, JsonType));

        Assert.Equal(2, messages.Count);
        Assert.Equal(("first", "Old Bot", "k1"), (messages[0].Text, messages[0].SenderName, messages[0].MessageKey));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_330_000_000), messages[0].PostedTime);
        Assert.Equal(("second", null, null), (messages[1].Text, messages[1].SenderName, messages[1].MessageKey));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_330_000_060), messages[1].PostedTime);
    }

    [Theory]
    [InlineData("message=hi")]
    [InlineData("""{"messages": "hi"}""")]
    [InlineData("""{"messages": [1]}""")]
    [InlineData("""{"messages": []}""")]
    [InlineData("""{"messages": [{"message": "hi", "posted_time": 99999999999999}]}""")]
    [InlineData("""{"messages": [{"message": "hi", "posted_time": "soon"}]}""")]
    [InlineData("""{"messages": [{"message": ""}]}""")]
    public void Bad_import_batches_are_400s(string body)
    {
        Assert.Equal(400, Refused(body, JsonType, HookTypes.Import).StatusCode);
    }

    [Theory]
    [InlineData("jira")]
    [InlineData("gitlab")]
    [InlineData("trello")]
    public void Other_types_refuse_their_products_payloads_by_name(string hookType)
    {
        var error = Refused("""{"webhookEvent": "jira:issue_created", "issue": {"key": "X-1"}}""", JsonType, hookType);
        var bare = Refused("some text", Form, hookType);

        Assert.Equal((400, "unsupported_hook_type"), (error.StatusCode, error.ErrorId));
        Assert.Contains(hookType, error.ErrorMessage);
        Assert.Equal("unsupported_hook_type", bare.ErrorId);
    }

    [Theory]
    [InlineData("ifttt", """{"message": "it rained", "user": "IFTTT"}""", JsonType)]
    [InlineData("zapier", "message=it+rained&user=IFTTT", Form)]
    public void Other_types_take_the_plain_format(string hookType, string body, string contentType)
    {
        var message = One(body, contentType, hookType);

        Assert.Equal(("it rained", "IFTTT"), (message.Text, message.SenderName));
    }

    [Fact]
    public void A_push_of_many_commits_lists_twenty_and_counts_the_rest()
    {
        var commits = string.Join(",", Enumerable.Range(1, 25).Select(i =>
            $$$"""{"id": "{{{i:x7}}}{{{new string('0', 33)}}}", "message": "change {{{i}}}\n\nbody", "author": {"name": "Dev {{{i}}}"}}"""));
        var body = $$$"""{"ref": "refs/heads/release", "commits": [{{{commits}}}], "pusher": {"name": "ci"}, "repository": {"full_name": "o/r"}}""";

        var message = Assert.Single(HookPayloads.Parse(HookTypes.GitHub, HookPayload.Of(body, JsonType) with { GitHubEvent = "push" }));

        var lines = message.Text.Split('\n');
        Assert.Equal(1 + GitHubPayloads.MaxListedCommits + 1, lines.Length);
        Assert.Equal("[o/r] ci pushed 25 commits to branch release", lines[0]);
        Assert.Equal("0000001 change 1 (Dev 1)", lines[1]);
        Assert.Equal("… and 5 more", lines[^1]);
        Assert.Equal("GitHub", message.SenderName);
    }

    [Theory]
    [InlineData("""{"ref": "refs/heads/old", "deleted": true, "commits": [], "pusher": {"name": "ci"}}""", "ci deleted branch old")]
    [InlineData("""{"ref": "refs/tags/v1.2", "created": true, "commits": [], "pusher": {"name": "ci"}}""", "ci created tag v1.2")]
    public void Branch_and_tag_changes_without_commits_say_what_happened(string body, string expected)
    {
        var message = Assert.Single(HookPayloads.Parse(HookTypes.GitHub, HookPayload.Of(body, JsonType) with { GitHubEvent = "push" }));

        Assert.Equal(expected, message.Text);
    }

    [Fact(Timeout = 30_000)]
    public async Task Slack_text_full_of_fences_and_open_brackets_is_rendered_quickly()
    {
        var text = string.Concat(Enumerable.Repeat("```<x ", 25_000));
        var body = System.Text.Json.JsonSerializer.Serialize(new { text });

        var message = await Task.Run(() => Assert.Single(HookPayloads.Parse(HookTypes.Slack, HookPayload.Of(body, JsonType))));

        Assert.True(message.Text.Length > 100_000);
    }
}
