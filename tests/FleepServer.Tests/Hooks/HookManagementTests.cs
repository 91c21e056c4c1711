using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Hooks;

/// <summary>
/// create_hook, show_hooks, configure_hook and drop_hook through HTTP (docs/hooks.md, "Management
/// and import"): what every member receives, what only the owner sees, who may do what, and the
/// answers to bad input.
/// </summary>
public sealed class HookManagementTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const string SystemState = "urn:fleep:message:mk_message_state:system";

    [Fact]
    public async Task A_hook_from_creation_to_drop_reaches_every_member_with_the_url_for_the_owner_alone()
    {
        using var a = await server.NewAccountAsync("Alice");
        using var b = await server.NewAccountAsync("Bob");
        using var c = await server.NewAccountAsync("Carol");
        using var outsider = await server.NewAccountAsync("Mallory");
        var conv = await a.CreateConversationAsync("ci", b, c);
        (await outsider.SendAsync(await outsider.CreateConversationAsync("elsewhere", a), "hi")).EnsureOk();
        var horizons = new Dictionary<FleepTestClient, long>();
        foreach (var client in new[] { a, b, c, outsider })
        {
            horizons[client] = await client.HorizonAsync();
        }

        // create_hook: the hook system message, the hook record and hook_info.
        var created = (await a.ConvAsync("create_hook", conv, new { hook_name = "CI" })).EnsureOk();
        var info = created.Json.GetProperty("hook_info");
        var key = info.Str("hook_key");
        var url = info.Str("hook_url");
        var hookId = info.GetProperty("hook_id").GetGuid();
        AssertHookRecord(info, conv, owner: a, key, "CI", "plain", isActive: true, ownerView: true, url);
        var hookMessage = Assert.Single(created.Messages());
        AssertSystemMessage(hookMessage, "hook", "CI", key, a.AccountId);
        var answerRecord = Assert.Single(created.Stream(), r => r.Str("mk_rec_type") == "hook");
        AssertHookRecord(answerRecord, conv, owner: a, key, "CI", "plain", isActive: true, ownerView: true, url);

        // show_hooks: the owner sees the URL, the others null.
        var ownShow = HooksOf(await a.ConvAsync("show_hooks", conv, new { from_message_nr = (long?)null }));
        Assert.Single(ownShow);
        AssertHookRecord(ownShow[0], conv, owner: a, key, "CI", "plain", isActive: true, ownerView: true, url);
        var otherShow = HooksOf(await b.ConvAsync("show_hooks", conv));
        Assert.Single(otherShow);
        AssertHookRecord(otherShow[0], conv, owner: a, key, "CI", "plain", isActive: true, ownerView: false, url);

        // Posts in the three plain forms: JSON, form fields and the whole body.
        using var anonymous = server.NewClient();
        (await anonymous.PostRawAsync(url, """{"message": "build *green*", "user": "Jenkins"}""")).EnsureOk();
        (await anonymous.PostRawAsync(url, "message=deploy+done&user=Ansible", "application/x-www-form-urlencoded")).EnsureOk();
        var bare = await anonymous.PostRawAsync(url, "disk almost full", "application/x-www-form-urlencoded");
        bare.EnsureOk();
        Assert.Equal("{}", bare.Json.GetRawText());

        foreach (var (member, isOwner) in new[] { (a, true), (b, false), (c, false) })
        {
            var records = await member.PollToEndAsync(horizons[member]);
            var hooks = records.Where(r => r.Str("mk_rec_type") == "hook").ToList();
            Assert.Single(hooks);
            AssertHookRecord(hooks[0], conv, owner: a, key, "CI", "plain", isActive: true, ownerView: isOwner, url);

            var messages = records.Where(r => r.Str("mk_rec_type") == "message").DistinctBy(r => r.Long("message_nr")).ToList();
            Assert.Equal(4, messages.Count);
            AssertSystemMessage(messages[0], "hook", "CI", key, a.AccountId);
            var texts = messages.Skip(1).ToList();
            Assert.Equal(["<msg><p>build <b>green</b></p></msg>", "<msg><p>deploy done</p></msg>", "<msg><p>disk almost full</p></msg>"],
                texts.Select(t => t.Str("message")));
            Assert.Equal(Enumerable.Range(0, 3).Select(i => messages[0].Long("message_nr") + 1 + i), texts.Select(t => t.Long("message_nr")));
            foreach (var text in texts)
            {
                Assert.Equal("text", text.Str("mk_message_type"));
                Assert.Equal(a.AccountId, text.GetProperty("account_id").GetGuid());
                Assert.Equal(key, text.Str("hook_key"));
            }

            Assert.Equal("Jenkins", texts[0].Str("sender_name"));
            Assert.Equal("Ansible", texts[1].Str("sender_name"));
            Assert.False(texts[2].Has("sender_name"), $"no sender was given: {texts[2]}");
            horizons[member] = await member.HorizonAsync();
        }

        // drop_hook: unhook message, the record with is_active false to every member, the URL dead at once.
        var dropped = (await b.ConvAsync("drop_hook", conv, new { hook_key = key })).EnsureOk();
        AssertSystemMessage(dropped.Message(), "unhook", "CI", key, b.AccountId);
        var next = await anonymous.PostRawAsync(url, """{"message": "after the drop"}""");
        next.AssertError(404, "hook_not_found");
        (await b.ConvAsync("drop_hook", conv, new { hook_key = key })).AssertError(431, "hook_inactive");
        Assert.Empty(HooksOf(await a.ConvAsync("show_hooks", conv)));

        foreach (var (member, isOwner) in new[] { (a, true), (b, false), (c, false) })
        {
            var records = await member.PollToEndAsync(horizons[member]);
            var hooks = records.Where(r => r.Str("mk_rec_type") == "hook").ToList();
            Assert.Single(hooks);
            AssertHookRecord(hooks[0], conv, owner: a, key, "CI", "plain", isActive: false, ownerView: isOwner, url);
            var messages = records.Where(r => r.Str("mk_rec_type") == "message").ToList();
            Assert.Single(messages);
            AssertSystemMessage(messages[0], "unhook", "CI", key, b.AccountId);
        }

        // History stays: the hook's messages are still in the flow with their hook_key.
        var flow = (await c.ConvAsync("sync", conv, new { from_message_nr = 1, mk_direction = "forward" })).EnsureOk().Messages();
        Assert.Equal(3, flow.Count(m => m.Str("mk_message_type") == "text" && m.Has("hook_key") && m.Str("hook_key") == key));
        Assert.DoesNotContain(flow, m => m.Str("message").Contains("after the drop"));

        // The outsider's stream never carried the hook.
        var outsiderRecords = await outsider.PollToEndAsync(horizons[outsider]);
        Assert.DoesNotContain(outsiderRecords, r => r.Str("mk_rec_type") == "hook");
        Assert.DoesNotContain(outsiderRecords, r => r.GetRawText().Contains(hookId.ToString()));
    }

    [Fact]
    public async Task The_name_defaults_to_the_owners_display_name_and_every_documented_type_is_accepted()
    {
        using var a = await server.NewAccountAsync("Annika");
        using var b = await server.NewAccountAsync("Bob");
        var conv = await a.CreateConversationAsync("types", b);

        var unnamed = (await a.ConvAsync("create_hook", conv)).EnsureOk().Json.GetProperty("hook_info");
        Assert.Equal("Annika", unnamed.Str("hook_name"));
        Assert.Equal("plain", unnamed.Str("mk_hook_type"));
        AssertSystemMessage(Assert.Single((await b.ConvAsync("sync", conv, new { from_message_nr = 1, mk_direction = "forward" })).EnsureOk().Messages(),
            m => m.Str("mk_message_type") == "hook"), "hook", "Annika", unnamed.Str("hook_key"), a.AccountId);

        // Every mk_hook_type.
        string[] all =
        [
            "plain", "slack", "import", "github", "gitlab", "bitbucket", "jira", "confluence", "newrelic", "pivotaltracker", "ifttt", "zapier",
            "sameroom", "trello",
        ];
        Assert.Equal(14, all.Length);
        var keys = new List<string>();
        foreach (var type in all)
        {
            var hook = (await b.ConvAsync("create_hook", conv, new { hook_name = "h-" + type, mk_hook_type = type })).EnsureOk().Json.GetProperty("hook_info");
            Assert.Equal(type, hook.Str("mk_hook_type"));
            Assert.Equal("h-" + type, hook.Str("hook_name"));
            Assert.Equal(b.AccountId, hook.GetProperty("account_id").GetGuid());
            keys.Add(hook.Str("hook_key"));
        }

        Assert.Equal(all.Length, keys.Distinct().Count());
        var shown = HooksOf(await a.ConvAsync("show_hooks", conv));
        Assert.Equal(all.Length + 1, shown.Count);
        Assert.Equal(all.Append("plain").Order(), shown.Select(h => h.Str("mk_hook_type")).Order());
        Assert.All(shown.Skip(1), h => Assert.Equal(JsonValueKind.Null, h.GetProperty("hook_url").ValueKind));

        // Refusals: unknown type, outgoing settings on a type that does not deliver, a URL that is not http(s).
        var before = await CountsAsync(conv);
        (await a.ConvAsync("create_hook", conv, new { mk_hook_type = "telegram" })).AssertError(400, "invalid_param");
        (await a.ConvAsync("create_hook", conv, new { mk_hook_type = "github", outgoing_url = "https://example.org/in" })).AssertError(400, "invalid_param");
        (await a.ConvAsync("create_hook", conv, new { mk_hook_type = "import", outgoing_disabled = true })).AssertError(400, "invalid_param");
        foreach (var bad in new[] { "ftp://example.org/in", "javascript:alert(1)", "/relative/path", "http://" })
        {
            (await a.ConvAsync("create_hook", conv, new { outgoing_url = bad })).AssertError(400, "invalid_param");
        }

        Assert.Equal(before, await CountsAsync(conv));

        // A delivering type takes an outgoing URL, shown to its owner only (delivery switched off: nothing is sent in this test).
        var outgoing = (await a.ConvAsync("create_hook", conv, new
        {
            mk_hook_type = "slack", outgoing_url = "http://127.0.0.1:9/sink", outgoing_disabled = true,
        })).EnsureOk().Json.GetProperty("hook_info");
        Assert.Equal("http://127.0.0.1:9/sink", outgoing.Str("outgoing_url"));
        Assert.True(outgoing.Bool("outgoing_disabled"));
        var seenByB = Assert.Single(HooksOf(await b.ConvAsync("show_hooks", conv)), h => h.Str("hook_key") == outgoing.Str("hook_key"));
        AssertNullOrAbsent(seenByB, "outgoing_url");
        AssertNullOrAbsent(seenByB, "outgoing_disabled");
    }

    [Fact]
    public async Task Configure_renames_for_everyone_and_only_the_owner_changes_the_outgoing_settings()
    {
        using var a = await server.NewAccountAsync("Alice");
        using var b = await server.NewAccountAsync("Bob");
        var conv = await a.CreateConversationAsync("configure", b);
        var info = (await a.ConvAsync("create_hook", conv, new { hook_name = "Old name" })).EnsureOk().Json.GetProperty("hook_info");
        var key = info.Str("hook_key");
        var url = info.Str("hook_url");
        var ha = await a.HorizonAsync();
        var hb = await b.HorizonAsync();

        // Any member renames; the record goes to every member, each in its own view.
        var renamed = (await b.ConvAsync("configure_hook", conv, new { hook_key = key, hook_name = "New name" })).EnsureOk();
        var answerRecord = Assert.Single(renamed.Stream(), r => r.Str("mk_rec_type") == "hook");
        AssertHookRecord(answerRecord, conv, owner: a, key, "New name", "plain", isActive: true, ownerView: false, url);
        var ownerRecords = (await a.PollToEndAsync(ha)).Where(r => r.Str("mk_rec_type") == "hook").ToList();
        Assert.Single(ownerRecords);
        AssertHookRecord(ownerRecords[0], conv, owner: a, key, "New name", "plain", isActive: true, ownerView: true, url);
        var memberRecords = (await b.PollToEndAsync(hb)).Where(r => r.Str("mk_rec_type") == "hook").ToList();
        Assert.Single(memberRecords);
        AssertHookRecord(memberRecords[0], conv, owner: a, key, "New name", "plain", isActive: true, ownerView: false, url);
        Assert.Equal("New name", Assert.Single(HooksOf(await a.ConvAsync("show_hooks", conv))).Str("hook_name"));
        Assert.Equal("New name", Assert.Single(HooksOf(await b.ConvAsync("show_hooks", conv))).Str("hook_name"));

        // The outgoing settings are the owner's.
        var before = await CountsAsync(conv);
        (await b.ConvAsync("configure_hook", conv, new { hook_key = key, outgoing_url = "http://127.0.0.1:9/b" })).AssertError(431, "not_hook_owner");
        (await b.ConvAsync("configure_hook", conv, new { hook_key = key, outgoing_disabled = true })).AssertError(431, "not_hook_owner");
        (await a.ConvAsync("configure_hook", conv, new { hook_key = "no-such-key" })).AssertError(430, "not_found");
        (await a.ConvAsync("configure_hook", conv, new { hook_name = "no key" })).AssertError(400, "missing_param");
        (await a.ConvAsync("drop_hook", conv, new { })).AssertError(400, "missing_param");
        (await a.ConvAsync("drop_hook", conv, new { hook_key = "no-such-key" })).AssertError(430, "not_found");
        (await a.ConvAsync("configure_hook", conv, new { hook_key = key, outgoing_url = "gopher://x" })).AssertError(400, "invalid_param");
        Assert.Equal(before, await CountsAsync(conv));

        var configured = (await a.ConvAsync("configure_hook", conv, new
        {
            hook_key = key, outgoing_url = "http://127.0.0.1:9/a", outgoing_disabled = true,
        })).EnsureOk();
        var own = Assert.Single(configured.Stream(), r => r.Str("mk_rec_type") == "hook");
        Assert.Equal("http://127.0.0.1:9/a", own.Str("outgoing_url"));
        Assert.True(own.Bool("outgoing_disabled"));
        Assert.Equal("New name", own.Str("hook_name"));

        // A dropped hook is no longer configured.
        (await a.ConvAsync("drop_hook", conv, new { hook_key = key })).EnsureOk();
        (await b.ConvAsync("configure_hook", conv, new { hook_key = key, hook_name = "again" })).AssertError(431, "hook_inactive");
    }

    [Fact]
    public async Task Outsiders_and_removed_members_get_the_unknown_conversation_answer_and_leavers_the_leaver_answer()
    {
        using var a = await server.NewAccountAsync("Alice");
        using var b = await server.NewAccountAsync("Bob");
        using var removed = await server.NewAccountAsync("Removed");
        using var leaver = await server.NewAccountAsync("Leaver");
        using var outsider = await server.NewAccountAsync("Outsider");
        var conv = await a.CreateConversationAsync("private", b, removed, leaver);
        (await a.ConvAsync("remove_members", conv, new { account_ids = new[] { removed.AccountId } })).EnsureOk();
        (await leaver.ConvAsync("leave", conv)).EnsureOk();
        var info = (await a.ConvAsync("create_hook", conv, new { hook_name = "Secret hook", mk_hook_type = "import" })).EnsureOk().Json.GetProperty("hook_info");
        var key = info.Str("hook_key");
        var hookId = info.GetProperty("hook_id").GetGuid();
        var horizons = new Dictionary<FleepTestClient, long>
        {
            [removed] = await removed.HorizonAsync(), [leaver] = await leaver.HorizonAsync(), [outsider] = await outsider.HorizonAsync(),
        };

        var unknown = await outsider.ConvAsync("show_hooks", Guid.NewGuid());
        unknown.AssertError(430, "not_found");
        (string Method, object Body)[] calls =
        [
            ("create_hook", new { hook_name = "intruder" }),
            ("configure_hook", new { hook_key = key, hook_name = "intruder" }),
            ("show_hooks", new { }),
            ("drop_hook", new { hook_key = key }),
            ("import", new { hook_id = hookId, messages = new[] { new { message = "intruder" } } }),
        ];
        var before = await CountsAsync(conv);
        foreach (var caller in new[] { outsider, removed })
        {
            foreach (var (method, body) in calls)
            {
                var response = await caller.ConvAsync(method, conv, body);
                Assert.True(response.StatusCode == 430, $"{method}: got {response.StatusCode} {response.Json}");
                Assert.Equal(unknown.Json.GetRawText(), response.Json.GetRawText());
                Assert.DoesNotContain("Secret", response.Json.GetRawText());
            }
        }

        foreach (var (method, body) in calls)
        {
            (await leaver.ConvAsync(method, conv, body)).AssertError(431, "member_left");
        }

        Assert.Equal(before, await CountsAsync(conv));

        // A change of the hook after they were gone reaches none of them.
        (await b.ConvAsync("configure_hook", conv, new { hook_key = key, hook_name = "Renamed" })).EnsureOk();
        (await a.ConvAsync("drop_hook", conv, new { hook_key = key })).EnsureOk();
        foreach (var (client, horizon) in horizons)
        {
            var records = await client.PollToEndAsync(horizon);
            Assert.DoesNotContain(records, r => r.Str("mk_rec_type") == "hook");
            Assert.DoesNotContain(records, r => r.GetRawText().Contains(key));
        }
    }

    [Fact]
    public async Task A_hook_whose_owner_left_answers_404_until_the_owner_is_back()
    {
        using var a = await server.NewAccountAsync("Alice");
        using var b = await server.NewAccountAsync("Bob");
        var conv = await a.CreateConversationAsync("owner leaves", b);
        var info = (await a.ConvAsync("create_hook", conv, new { hook_name = "CI" })).EnsureOk().Json.GetProperty("hook_info");
        var url = info.Str("hook_url");
        using var anonymous = server.NewClient();
        (await anonymous.PostRawAsync(url, """{"message": "before"}""")).EnsureOk();

        (await a.ConvAsync("leave", conv)).EnsureOk();
        var before = await CountsAsync(conv);
        (await anonymous.PostRawAsync(url, """{"message": "while away"}""")).AssertError(404, "hook_not_found");
        (await b.ConvAsync("import", conv, new { hook_id = info.GetProperty("hook_id").GetGuid(), messages = new[] { new { message = "x" } } }))
            .AssertError(431, "hook_owner_left");
        Assert.Equal(before, await CountsAsync(conv));

        (await b.ConvAsync("add_members", conv, new { account_ids = new[] { a.AccountId } })).EnsureOk();
        (await anonymous.PostRawAsync(url, """{"message": "back"}""")).EnsureOk();
        var flow = (await b.ConvAsync("sync", conv, new { from_message_nr = 1, mk_direction = "forward" })).EnsureOk().Messages();
        Assert.Equal(["<msg><p>before</p></msg>", "<msg><p>back</p></msg>"],
            flow.Where(m => m.Has("hook_key")).Select(m => m.Str("message")));
    }

    [Fact]
    public async Task Bad_bodies_are_fleep_400s_and_write_nothing()
    {
        using var a = await server.NewAccountAsync("Alice");
        var conv = await a.CreateConversationAsync("strict");
        var key = (await a.ConvAsync("create_hook", conv)).EnsureOk().Json.GetProperty("hook_info").Str("hook_key");
        var before = await CountsAsync(conv);

        (string Method, string Body, string ErrorId)[] bodies =
        [
            ("create_hook", """{"hook_name": "x", """, "bad_request"),
            ("create_hook", """["hook_name"]""", "bad_request"),
            ("create_hook", """{"hook_name": 12}""", "invalid_param"),
            ("create_hook", """{"hook_name": ["x"]}""", "invalid_param"),
            ("create_hook", """{"hook_name": "NAME_1025"}""", "invalid_param"),
            ("create_hook", """{"mk_hook_type": 1}""", "invalid_param"),
            ("create_hook", """{"outgoing_disabled": "maybe"}""", "invalid_param"),
            ("create_hook", """{"external_account_id": "not-a-uuid"}""", "invalid_param"),
            ("create_hook", """{"from_message_nr": -1}""", "invalid_param"),
            ("configure_hook", """{"hook_key": 5}""", "invalid_param"),
            ("configure_hook", """{"hook_key": "KEY", "hook_name": "NAME_1025"}""", "invalid_param"),
            ("configure_hook", """{"hook_key": "KEY", "hook_name": {"a": 1}}""", "invalid_param"),
            ("configure_hook", """{"hook_key": ""}""", "missing_param"),
            ("drop_hook", """{"hook_key": ["KEY"]}""", "invalid_param"),
            ("drop_hook", """{"hook_key": "KEY", "from_message_nr": 1000000}""", "invalid_param"),
            ("show_hooks", """{"from_message_nr": """, "bad_request"),
        ];
        foreach (var (method, body, errorId) in bodies)
        {
            var json = body.Replace("NAME_1025", new string('n', 1025)).Replace("KEY", key);
            json = json.StartsWith('{') && json.EndsWith('}') ? json.Insert(json.Length - 1, $", \"ticket\": \"{a.Ticket}\"") : json;
            var response = await a.PostRawAsync($"/api/conversation/{method}/{conv}", json);
            Assert.True(response.StatusCode == 400, $"{method} {body}: got {response.StatusCode} {response.Json}");
            response.AssertError(400, errorId);
        }

        Assert.Equal(before, await CountsAsync(conv));
        var longest = (await a.ConvAsync("create_hook", conv, new { hook_name = new string('n', 1024) })).EnsureOk();
        Assert.Equal(1024, longest.Json.GetProperty("hook_info").Str("hook_name").Length);
    }

    internal static List<JsonElement> HooksOf(FleepResponse show) => show.EnsureOk().Json.GetProperty("hooks").EnumerateArray().ToList();

    /// <summary>A hook record field by field against Fleep's HookInfo, as <paramref name="ownerView"/> says who looks.</summary>
    internal static void AssertHookRecord(JsonElement record, Guid conv, FleepTestClient owner, string key, string name, string type,
        bool isActive, bool ownerView, string url)
    {
        Assert.Equal("hook", record.Str("mk_rec_type"));
        Assert.Equal(conv, record.GetProperty("conversation_id").GetGuid());
        Assert.Equal(owner.AccountId, record.GetProperty("account_id").GetGuid());
        Assert.NotEqual(Guid.Empty, record.GetProperty("hook_id").GetGuid());
        Assert.Equal(key, record.Str("hook_key"));
        Assert.Equal(name, record.Str("hook_name"));
        Assert.Equal(isActive, record.Bool("is_active"));
        Assert.Equal(type, record.Str("mk_hook_type"));
        Assert.Equal(JsonValueKind.Null, record.GetProperty("avatar_urls").ValueKind);
        if (ownerView)
        {
            Assert.Equal(url, record.Str("hook_url"));
            Assert.Equal("", record.Str("outgoing_url"));
            Assert.False(record.Bool("outgoing_disabled"));
            AssertNullOrAbsent(record, "outgoing_disable_reason");
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, record.GetProperty("hook_url").ValueKind);
            AssertNullOrAbsent(record, "outgoing_url");
            AssertNullOrAbsent(record, "outgoing_disabled");
            AssertNullOrAbsent(record, "outgoing_disable_reason");
        }
    }

    /// <summary>A <c>hook</c> or <c>unhook</c> system message.</summary>
    internal static void AssertSystemMessage(JsonElement message, string type, string name, string key, Guid author)
    {
        Assert.Equal("message", message.Str("mk_rec_type"));
        Assert.Equal(type, message.Str("mk_message_type"));
        Assert.Equal(SystemState, message.Str("mk_message_state"));
        Assert.Equal(author, message.GetProperty("account_id").GetGuid());
        using var body = JsonDocument.Parse(message.Str("message"));
        Assert.Equal(name, body.RootElement.Str("hook_name"));
        Assert.Equal(key, body.RootElement.Str("hook_key"));
    }

    internal static void AssertNullOrAbsent(JsonElement record, string field) =>
        Assert.True(!record.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null, $"{field} should not be shown: {record}");

    private async Task<(long Last, int Messages, int Hooks, string Names)> CountsAsync(Guid conv)
    {
        await using var db = server.OpenDb();
        var last = await db.Conversations.Where(c => c.Id == conv).Select(c => c.LastMessageNr).SingleAsync();
        var hooks = await db.Hooks.AsNoTracking().Where(h => h.ConversationId == conv).OrderBy(h => h.Id).ToListAsync();
        return (last, await db.Messages.CountAsync(m => m.ConversationId == conv), hooks.Count,
            string.Join("|", hooks.Select(h => $"{h.HookName}/{h.IsActive}/{h.OutgoingUrl}/{h.OutgoingDisabled}")));
    }
}
