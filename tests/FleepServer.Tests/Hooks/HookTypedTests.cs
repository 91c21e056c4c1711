using System.Net.Http.Headers;
using System.Text;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Hooks;

/// <summary>
/// Typed hooks (docs/hooks.md, "Typed hooks"): a <c>slack</c> hook takes Slack's incoming-webhook
/// payload, a <c>github</c> hook GitHub's webhook deliveries, each rendered as one readable
/// message; the types whose payloads are not read refuse them by name. The bodies below are
/// shaped like the products' documented deliveries.
/// </summary>
public sealed class HookTypedTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const string SlackMessage = """
        {
          "channel": "#deploys",
          "username": "deploy-bot",
          "icon_emoji": ":rocket:",
          "text": "New deploy of <https://example.com/app|app> to *production* by <@U024BE7LH>: 2 &lt;changes&gt; &amp; fixes",
          "attachments": [
            {
              "fallback": "Deploy 1234 finished: https://ci.example.com/1234",
              "color": "#36a64f",
              "pretext": "Build <https://ci.example.com/1234|#1234> finished",
              "author_name": "Bobby Tables",
              "title": "Release notes",
              "title_link": "https://example.com/notes",
              "text": "Everything _passed_",
              "fields": [
                {"title": "Priority", "value": "High", "short": false},
                {"title": "Environment", "value": "<https://prod.example.com|prod>", "short": true}
              ],
              "footer": "CI",
              "ts": 123456789
            },
            {"fallback": "Only a fallback here", "color": "danger"}
          ]
        }
        """;

    private const string PushEvent = """
        {
          "ref": "refs/heads/main",
          "before": "9049f1265b7d61be4a8904a9a27120d2064dab3b",
          "after": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
          "created": false,
          "deleted": false,
          "forced": false,
          "base_ref": null,
          "compare": "https://github.com/octo-org/hello-world/compare/9049f1265b7d...0d1a26e67d8f",
          "commits": [
            {
              "id": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
              "tree_id": "f9d2a07e9488b91af2641b26b9407fe22a451433",
              "distinct": true,
              "message": "Fix the build\n\nThe cache key missed the lock file.",
              "timestamp": "2026-11-29T19:40:15+02:00",
              "url": "https://github.com/octo-org/hello-world/commit/6dcb09b5b57875f334f61aebed695e2e4193db5e",
              "author": {"name": "Mona Lisa", "email": "mona@example.com", "username": "monalisa"},
              "committer": {"name": "GitHub", "email": "noreply@github.com", "username": "web-flow"},
              "added": [], "removed": [], "modified": ["ci.yml"]
            },
            {
              "id": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
              "tree_id": "a9d2a07e9488b91af2641b26b9407fe22a451433",
              "distinct": true,
              "message": "Add a test",
              "timestamp": "2026-11-29T19:41:00+02:00",
              "url": "https://github.com/octo-org/hello-world/commit/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
              "author": {"name": "Hubot", "email": "hubot@example.com", "username": "hubot"},
              "committer": {"name": "Hubot", "email": "hubot@example.com", "username": "hubot"},
              "added": ["test.txt"], "removed": [], "modified": []
            }
          ],
          "head_commit": {"id": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "message": "Add a test"},
          "repository": {
            "id": 35129377, "node_id": "MDEwOlJlcG9zaXRvcnkzNTEyOTM3Nw==", "name": "hello-world",
            "full_name": "octo-org/hello-world", "private": false,
            "owner": {"name": "octo-org", "login": "octo-org", "id": 6811672},
            "html_url": "https://github.com/octo-org/hello-world", "default_branch": "main"
          },
          "pusher": {"name": "monalisa", "email": "mona@example.com"},
          "sender": {"login": "monalisa", "id": 583231, "type": "User"}
        }
        """;

    private const string PullRequestEvent = """
        {
          "action": "opened",
          "number": 42,
          "pull_request": {
            "url": "https://api.github.com/repos/octo-org/hello-world/pulls/42",
            "html_url": "https://github.com/octo-org/hello-world/pull/42",
            "number": 42,
            "state": "open",
            "title": "Add the *fast* path",
            "user": {"login": "hubot", "id": 2},
            "body": "Makes it faster.",
            "merged": false,
            "head": {"ref": "fast-path"},
            "base": {"ref": "main"}
          },
          "repository": {"id": 35129377, "name": "hello-world", "full_name": "octo-org/hello-world"},
          "sender": {"login": "hubot", "id": 2, "type": "User"}
        }
        """;

    private const string MergedEvent = """
        {
          "action": "closed",
          "number": 42,
          "pull_request": {"html_url": "https://github.com/octo-org/hello-world/pull/42", "number": 42,
                           "title": "Add the fast path", "user": {"login": "hubot"}, "merged": true},
          "repository": {"full_name": "octo-org/hello-world"},
          "sender": {"login": "monalisa"}
        }
        """;

    private const string IssuesEvent = """
        {
          "action": "closed",
          "issue": {
            "url": "https://api.github.com/repos/octo-org/hello-world/issues/7",
            "html_url": "https://github.com/octo-org/hello-world/issues/7",
            "number": 7,
            "title": "Crash on start",
            "user": {"login": "octocat"},
            "state": "closed",
            "labels": [{"name": "bug"}]
          },
          "repository": {"full_name": "octo-org/hello-world"},
          "sender": {"login": "monalisa"}
        }
        """;

    private const string PingEvent = """
        {
          "zen": "Keep it logically awesome.",
          "hook_id": 12345678,
          "hook": {"type": "Repository", "id": 12345678, "events": ["push", "pull_request"], "active": true,
                   "config": {"content_type": "json", "insecure_ssl": "0", "url": "https://chat.example.org/hook/x"}},
          "repository": {"full_name": "octo-org/hello-world"},
          "sender": {"login": "monalisa"}
        }
        """;

    private const string StarEvent = """
        {"action": "created", "starred_at": "2026-11-29T19:40:15Z",
         "repository": {"full_name": "octo-org/hello-world"}, "sender": {"login": "octocat"}}
        """;

    private async Task<FleepResponse> PostGitHubAsync(HookedConversation hooked, string eventName, string body,
        string contentType = "application/json")
    {
        using var client = server.NewClient();
        var request = new HttpRequestMessage(HttpMethod.Post, hooked.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType)),
        };
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/044aadd");
        return await client.SendAsync(request);
    }

    private static async Task<(string Xml, string? SenderName)> OnlyMessageAsync(HookedConversation hooked)
    {
        var messages = await hooked.MessagesAsync();
        var message = Assert.Single(messages);
        Assert.Equal(hooked.HookKey, message.Str("hook_key"));
        return (message.Str("message"), message.Has("sender_name") ? message.Str("sender_name") : null);
    }

    [Fact]
    public async Task A_slack_payload_renders_text_links_and_attachments()
    {
        using var hooked = await HookedConversation.CreateAsync(server, "slack");
        using var sender = server.NewClient();

        var posted = await sender.PostRawAsync(hooked.Url, SlackMessage);

        Assert.Equal("{}", posted.EnsureOk().Json.GetRawText());
        var (xml, senderName) = await OnlyMessageAsync(hooked);
        Assert.Equal("deploy-bot", senderName);
        Assert.Equal(
            "<msg>" +
            "<p>New deploy of <a href=\"https://example.com/app\">app</a> to <b>production</b> by @U024BE7LH: 2 &lt;changes&gt; &amp; fixes</p>" +
            "<p>Build <a href=\"https://ci.example.com/1234\">#1234</a> finished<br/>" +
            "<b><a href=\"https://example.com/notes\">Release notes</a></b><br/>" +
            "Everything <i>passed</i><br/>" +
            "<b>Priority</b>: High<br/>" +
            "<b>Environment</b>: <a href=\"https://prod.example.com\">prod</a></p>" +
            "<p>Only a fallback here</p>" +
            "</msg>",
            xml);
    }

    [Fact]
    public async Task A_slack_payload_may_come_as_the_form_field_payload()
    {
        using var hooked = await HookedConversation.CreateAsync(server, "slack");
        using var sender = server.NewClient();
        var json = """{"text": "Disk <!here>: see <https://grafana.example.com/d/1>\n```df -h\n/dev/sda1 95%```", "username": "grafana"}""";

        (await sender.PostRawAsync(hooked.Url, "payload=" + Uri.EscapeDataString(json), "application/x-www-form-urlencoded")).EnsureOk();

        var (xml, senderName) = await OnlyMessageAsync(hooked);
        Assert.Equal("grafana", senderName);
        Assert.Equal(
            "<msg><p>Disk @here: see <a href=\"https://grafana.example.com/d/1\">https://grafana.example.com/d/1</a></p>" +
            "<pre>df -h\n/dev/sda1 95%</pre></msg>",
            xml);
    }

    [Theory]
    [InlineData("""{"username": "bot"}""", "application/json", "empty_message")]
    [InlineData("""{"text": null, "attachments": []}""", "application/json", "empty_message")]
    [InlineData("just text", "application/x-www-form-urlencoded", "bad_request")]
    [InlineData("payload=not-json", "application/x-www-form-urlencoded", "bad_request")]
    [InlineData("""["text"]""", "application/json", "bad_request")]
    public async Task A_slack_hook_refuses_what_is_not_a_slack_message(string body, string contentType, string errorId)
    {
        using var hooked = await HookedConversation.CreateAsync(server, "slack");
        using var sender = server.NewClient();

        (await sender.PostRawAsync(hooked.Url, body, contentType)).AssertError(400, errorId);

        Assert.Empty(await hooked.MessagesAsync());
    }

    [Fact]
    public async Task A_github_push_lists_its_commits()
    {
        using var hooked = await HookedConversation.CreateAsync(server, "github");

        (await PostGitHubAsync(hooked, "push", PushEvent)).EnsureOk();

        var (xml, senderName) = await OnlyMessageAsync(hooked);
        Assert.Equal("GitHub", senderName);
        Assert.Equal(
            "<msg><p>[octo-org/hello-world] monalisa pushed 2 commits to branch main " +
            "<a href=\"https://github.com/octo-org/hello-world/compare/9049f1265b7d...0d1a26e67d8f\">compare</a><br/>" +
            "<a href=\"https://github.com/octo-org/hello-world/commit/6dcb09b5b57875f334f61aebed695e2e4193db5e\">6dcb09b</a> Fix the build (Mona Lisa)<br/>" +
            "<a href=\"https://github.com/octo-org/hello-world/commit/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c\">0d1a26e</a> Add a test (Hubot)</p></msg>",
            xml);
    }

    [Fact]
    public async Task A_github_push_may_come_form_encoded()
    {
        using var hooked = await HookedConversation.CreateAsync(server, "github");

        (await PostGitHubAsync(hooked, "push", "payload=" + Uri.EscapeDataString(PushEvent), "application/x-www-form-urlencoded")).EnsureOk();

        var (xml, _) = await OnlyMessageAsync(hooked);
        Assert.StartsWith("<msg><p>[octo-org/hello-world] monalisa pushed 2 commits to branch main ", xml);
    }

    [Theory]
    [InlineData("pull_request", PullRequestEvent,
        "<msg><p>[octo-org/hello-world] hubot opened pull request #42: Add the <b>fast</b> path<br/>" +
        "<a href=\"https://github.com/octo-org/hello-world/pull/42\">https://github.com/octo-org/hello-world/pull/42</a></p></msg>")]
    [InlineData("pull_request", MergedEvent,
        "<msg><p>[octo-org/hello-world] monalisa merged pull request #42: Add the fast path<br/>" +
        "<a href=\"https://github.com/octo-org/hello-world/pull/42\">https://github.com/octo-org/hello-world/pull/42</a></p></msg>")]
    [InlineData("issues", IssuesEvent,
        "<msg><p>[octo-org/hello-world] monalisa closed issue #7: Crash on start<br/>" +
        "<a href=\"https://github.com/octo-org/hello-world/issues/7\">https://github.com/octo-org/hello-world/issues/7</a></p></msg>")]
    [InlineData("ping", PingEvent, "<msg><p>[octo-org/hello-world] GitHub webhook is set up: Keep it logically awesome.</p></msg>")]
    [InlineData("star", StarEvent, "<msg><p>[octo-org/hello-world] GitHub event star (created) by octocat</p></msg>")]
    public async Task Github_events_read_as_one_line_each(string eventName, string body, string expectedXml)
    {
        using var hooked = await HookedConversation.CreateAsync(server, "github");

        (await PostGitHubAsync(hooked, eventName, body)).EnsureOk();

        var (xml, senderName) = await OnlyMessageAsync(hooked);
        Assert.Equal("GitHub", senderName);
        Assert.Equal(expectedXml, xml);
    }

    [Fact]
    public async Task A_github_hook_needs_the_event_header()
    {
        using var hooked = await HookedConversation.CreateAsync(server, "github");
        using var sender = server.NewClient();

        var response = await sender.PostRawAsync(hooked.Url, PushEvent);

        response.AssertError(400, "missing_param");
        Assert.Contains("X-GitHub-Event", response.Json.Str("error_message"));
        Assert.Empty(await hooked.MessagesAsync());
    }

    [Theory]
    [InlineData("gitlab", """{"object_kind": "push", "ref": "refs/heads/main", "commits": []}""")]
    [InlineData("jira", """{"webhookEvent": "jira:issue_created", "issue": {"key": "FLEEP-1"}}""")]
    [InlineData("bitbucket", """{"push": {"changes": []}, "repository": {"full_name": "a/b"}}""")]
    public async Task Types_whose_payloads_are_not_read_say_so(string hookType, string body)
    {
        using var hooked = await HookedConversation.CreateAsync(server, hookType);
        using var sender = server.NewClient();

        var response = await sender.PostRawAsync(hooked.Url, body);

        response.AssertError(400, "unsupported_hook_type");
        Assert.Contains(hookType, response.Json.Str("error_message"));
        Assert.Empty(await hooked.MessagesAsync());
    }
}
