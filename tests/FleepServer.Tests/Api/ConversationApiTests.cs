using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Api;

/// <summary>api/conversation create, sync, list and store as Fleep documented them.</summary>
public sealed class ConversationApiTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Create_returns_the_full_init_header_and_the_create_message()
    {
        using var a = await server.NewAccountAsync("alice");
        using var b = await server.NewAccountAsync("bob");
        using var c = await server.NewAccountAsync("carol");

        var response = (await a.PostAsync("/api/conversation/create",
            new { topic = "readings", account_ids = new[] { b.AccountId }, emails = c.Email.ToUpperInvariant() })).EnsureOk();

        var h = response.Header();
        var conv = h.GetProperty("conversation_id").GetGuid();
        Assert.Equal("conv", h.Str("mk_rec_type"));
        Assert.Equal(a.AccountId, h.GetProperty("profile_id").GetGuid());
        Assert.Equal("ic_full", h.Str("mk_init_mode"));
        Assert.True(h.Bool("is_init"));
        Assert.True(h.Bool("is_full"));
        Assert.False(h.Bool("is_tiny"));
        Assert.Equal(a.AccountId, h.GetProperty("creator_id").GetGuid());
        Assert.Equal("readings", h.Str("topic"));
        Assert.Equal(1, h.Long("topic_message_nr"));
        Assert.Equal(new[] { a.AccountId, b.AccountId, c.AccountId }.Order(), h.Ids("members").Order());
        foreach (var empty in new[] { "leavers", "guests", "admins", "passive", "pending", "teams", "default_members", "export_files" })
        {
            Assert.Empty(h.GetProperty(empty).EnumerateArray());
        }

        // The creator's view: listed and not archived, so under its Recent system label (docs/labels.md).
        Assert.Equal(["Recent"], h.Strings("labels"));
        Assert.Single(h.Ids("label_ids"));

        Assert.True(h.Bool("can_post"));
        foreach (var (field, value) in new (string, long)[]
                 {
                     ("begin_message_nr", 1), ("join_message_nr", 1), ("bw_message_nr", 1), ("fw_message_nr", 1), ("read_message_nr", 1),
                     ("read_inbox_nr", 0), ("send_message_nr", 1), ("show_message_nr", 1), ("last_message_nr", 1), ("inbox_message_nr", 1),
                     ("last_inbox_nr", 0), ("unread_count", 0), ("snooze_interval", 0), ("snooze_time", 0),
                 })
        {
            Assert.True(value == h.Long(field), $"{field}: expected {value}, got {h.GetProperty(field)}");
        }

        var now = server.Clock.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(now, h.Long("last_message_time"));
        Assert.Equal(now, h.Long("inbox_time"));
        Assert.Equal("default", h.Str("mk_alert_level"));
        Assert.False(h.Bool("is_muted"));
        Assert.Equal("cct_default", h.Str("mk_conv_type"));
        Assert.False(h.Bool("is_list"));
        Assert.False(h.Bool("is_managed"));
        Assert.Equal(JsonValueKind.Null, h.GetProperty("organisation_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, h.GetProperty("pin_cursor").ValueKind);
        Assert.Equal(JsonValueKind.Null, h.GetProperty("pin_sync_state").ValueKind);
        Assert.False(h.Bool("is_mark_unread"));
        Assert.Equal("1", h.Str("export_progress"));
        Assert.Matches(@"^http://127\.0\.0\.1:\d+/chat/[A-Za-z0-9_-]{16}$", h.Str("autojoin_url"));
        Assert.False(h.Has("is_deleted"));

        Assert.Equal(1, response.Json.Long("result_message_nr"));
        var create = response.Message();
        Assert.Equal(conv, create.GetProperty("conversation_id").GetGuid());
        Assert.Equal(1, create.Long("message_nr"));
        Assert.Equal(a.AccountId, create.GetProperty("account_id").GetGuid());
        Assert.Equal(a.AccountId, create.GetProperty("profile_id").GetGuid());
        Assert.Equal("create", create.Str("mk_message_type"));
        Assert.Equal("urn:fleep:message:mk_message_state:system", create.Str("mk_message_state"));
        Assert.Equal($"{{\"members\": [\"{b.AccountId}\", \"{c.AccountId}\"], \"topic\": \"readings\", \"org_name\": null, \"organisation_id\": null}}",
            create.Str("message"));
        Assert.Equal(0, create.Long("inbox_nr"));
        Assert.Equal(0, create.Long("prev_message_nr"));
        Assert.Equal(now, create.Long("posted_time"));
        Assert.Empty(create.GetProperty("tags").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, create.GetProperty("lock_account_id").ValueKind);
        Assert.False(create.Has("flow_message_nr"));
        Assert.False(create.Has("revision_message_nr"));
    }

    [Fact]
    public async Task Create_with_an_initial_message_posts_it_as_message_2()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();

        var response = (await a.PostAsync("/api/conversation/create",
            new { topic = (string?)null, account_ids = new[] { b.AccountId }, message = "hello *all*" })).EnsureOk();

        var messages = response.Messages();
        Assert.Equal([1L, 2L], messages.Select(m => m.Long("message_nr")));
        Assert.Equal("<msg><p>hello <b>all</b></p></msg>", messages[1].Str("message"));
        Assert.Equal(1, messages[1].Long("inbox_nr"));
        var h = response.Header();
        Assert.Equal("", h.Str("topic"));
        Assert.Equal(2, h.Long("last_message_nr"));
        Assert.Equal(2, h.Long("read_message_nr"));
        Assert.Equal(2, h.Long("fw_message_nr"));
        Assert.Equal(1, h.Long("last_inbox_nr"));

        var bob = await b.HeaderAsync(h.GetProperty("conversation_id").GetGuid());
        Assert.Equal(0, bob.Long("read_message_nr"));
        Assert.Equal(1, bob.Long("unread_count"));
        Assert.Equal(2, bob.Long("inbox_message_nr"));
    }

    [Fact]
    public async Task Sync_without_anchor_is_the_init_around_the_read_horizon_and_forward_sync_walks_the_flow()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("flow", b);
        for (var i = 1; i <= 3; i++)
        {
            (await a.SendAsync(conv, $"m{i}")).EnsureOk();
        }

        // Python client: {"from_message_nr": null, "mk_direction": "forward"} behaves as the default init.
        var init = (await b.ConvAsync("sync", conv, new { from_message_nr = (long?)null, mk_direction = "forward" })).EnsureOk();
        var h = init.Header();
        Assert.True(h.Bool("is_init"));
        Assert.Equal("ic_full", h.Str("mk_init_mode"));
        Assert.Equal(1, h.Long("bw_message_nr"));
        Assert.Equal(4, h.Long("fw_message_nr"));
        Assert.Equal(0, h.Long("read_message_nr"));
        Assert.Equal(2, h.Long("inbox_message_nr"));
        Assert.Equal(3, h.Long("unread_count"));
        Assert.Equal([1L, 2L, 3L, 4L], init.Messages().Select(m => m.Long("message_nr")));
        Assert.All(init.Messages(), m => Assert.Equal(b.AccountId, m.GetProperty("profile_id").GetGuid()));

        // FleepSharp sends from_message_nr 0 for "not given": the same init.
        var zero = (await b.ConvAsync("sync", conv, new { from_message_nr = 0 })).EnsureOk();
        Assert.True(zero.Header().Bool("is_init"));

        // An edit is a new flow entry: forward sync from 4 returns message 2 with flow_message_nr 5.
        (await a.MessageAsync("edit", conv, new { message_nr = 2, message = "m1 edited" })).EnsureOk();
        var forward = (await b.ConvAsync("sync", conv, new { from_message_nr = 4, mk_direction = "forward" })).EnsureOk();
        var edited = forward.Message();
        Assert.Equal(2, edited.Long("message_nr"));
        Assert.Equal(5, edited.Long("flow_message_nr"));
        Assert.Equal(5, edited.Long("revision_message_nr"));
        Assert.Equal("<msg><p>m1 edited</p></msg>", edited.Str("message"));
        Assert.Equal(a.AccountId, edited.GetProperty("edit_account_id").GetGuid());
        Assert.Equal(5, forward.Header().Long("fw_message_nr"));
        Assert.False(forward.Header().Has("is_init"));

        // ic_forward: only new messages, no revisions.
        var newOnly = (await b.ConvAsync("sync", conv, new { from_message_nr = 2, mk_direction = "ic_forward" })).EnsureOk();
        Assert.Equal([3L, 4L], newOnly.Messages().Select(m => m.Long("message_nr")));
    }

    [Fact]
    public async Task Forward_sync_comes_in_batches_until_fw_reaches_the_last_message()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("batches");
        for (var i = 0; i < 60; i++)
        {
            (await a.SendAsync(conv, $"n{i}")).EnsureOk();
        }

        var seen = new List<long>();
        long fw = 1;
        var calls = 0;
        while (true)
        {
            var batch = (await a.ConvAsync("sync", conv, new { from_message_nr = fw, mk_direction = "forward" })).EnsureOk();
            seen.AddRange(batch.Messages().Select(m => m.Long("message_nr")));
            var next = batch.Header().Long("fw_message_nr");
            calls++;
            if (next == batch.Header().Long("last_message_nr"))
            {
                break;
            }

            Assert.True(next > fw);
            fw = next;
        }

        Assert.Equal(Enumerable.Range(2, 60).Select(i => (long)i), seen);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Backward_sync_pages_down_to_the_join_point()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("backward");
        for (var i = 0; i < 60; i++)
        {
            (await a.SendAsync(conv, $"n{i}")).EnsureOk();
        }

        var first = (await a.ConvAsync("sync", conv, new { from_message_nr = 61, mk_direction = "backward" })).EnsureOk();
        Assert.Equal(Enumerable.Range(11, 50).Select(i => (long)i), first.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(11, first.Header().Long("bw_message_nr"));

        var second = (await a.ConvAsync("sync_backward", conv, new { from_message_nr = 11 })).EnsureOk();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), second.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(second.Header().Long("join_message_nr"), second.Header().Long("bw_message_nr"));
    }

    [Fact]
    public async Task Sync_modes_header_tiny_end_and_flow()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("modes", b);
        for (var i = 0; i < 20; i++)
        {
            (await a.SendAsync(conv, $"n{i}")).EnsureOk();
        }

        (await b.MessageAsync("mark_read", conv, new { message_nr = 8 })).EnsureOk();

        var header = (await b.ConvAsync("sync", conv, new { mk_direction = "ic_header" })).EnsureOk();
        Assert.Empty(header.Stream());
        Assert.Equal("ic_header", header.Header().Str("mk_init_mode"));
        Assert.False(header.Header().Has("is_init"));

        var tiny = (await b.ConvAsync("sync", conv, new { mk_direction = "ic_tiny" })).EnsureOk();
        Assert.True(tiny.Header().Bool("is_tiny"));
        Assert.Equal(9, tiny.Header().Long("inbox_message_nr"));
        Assert.Equal(9, tiny.Message().Long("message_nr"));
        Assert.Equal(9, tiny.Header().Long("bw_message_nr"));
        Assert.Equal(9, tiny.Header().Long("fw_message_nr"));

        var full = (await b.ConvAsync("sync", conv, new { mk_direction = "ic_full" })).EnsureOk();
        Assert.Equal(Enumerable.Range(4, 10).Select(i => (long)i), full.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(4, full.Header().Long("bw_message_nr"));
        Assert.Equal(13, full.Header().Long("fw_message_nr"));

        var end = (await b.ConvAsync("sync", conv, new { mk_direction = "ic_end" })).EnsureOk();
        Assert.Equal(Enumerable.Range(12, 10).Select(i => (long)i), end.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(21, end.Header().Long("fw_message_nr"));

        var flow = (await b.ConvAsync("sync", conv, new { mk_direction = "ic_flow", from_message_nr = 15 })).EnsureOk();
        Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i), flow.Messages().Select(m => m.Long("message_nr")));
    }

    [Fact]
    public async Task List_returns_the_callers_conversations_in_batches_until_empty()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var mine = await a.CreateConversationAsync("mine");
        var shared = await b.CreateConversationAsync("shared", a);
        var others = await b.CreateConversationAsync("not mine");

        var first = (await a.PostAsync("/api/conversation/list", new { sync_horizon = 0 })).EnsureOk();
        var conversations = first.Json.GetProperty("conversations").EnumerateArray().ToList();
        Assert.Equal(new[] { mine, shared }.Order(), conversations.Select(c => c.GetProperty("conversation_id").GetGuid()).Order());
        Assert.All(conversations, c => Assert.Equal("conv", c.Str("mk_rec_type")));
        Assert.All(conversations, c => Assert.Equal(1, c.Long("last_message_nr")));
        Assert.Equal(2, first.Json.Long("sync_horizon"));

        var rest = (await a.PostAsync("/api/conversation/list", new { sync_horizon = 2 })).EnsureOk();
        Assert.Empty(rest.Json.GetProperty("conversations").EnumerateArray());
        Assert.DoesNotContain(others, conversations.Select(c => c.GetProperty("conversation_id").GetGuid()));
    }

    [Fact]
    public async Task Store_changes_topic_read_horizon_alert_level_and_snooze()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("old", b);
        (await a.SendAsync(conv, "one")).EnsureOk();
        (await a.SendAsync(conv, "two")).EnsureOk();

        var topic = (await a.ConvAsync("store", conv, new { topic = "new topic" })).EnsureOk();
        var topicMessage = topic.Message();
        Assert.Equal("topic", topicMessage.Str("mk_message_type"));
        Assert.Equal("{\"topic\": \"new topic\"}", topicMessage.Str("message"));
        Assert.Equal(-2, topicMessage.Long("inbox_nr"));
        Assert.Equal("new topic", topic.Header().Str("topic"));
        Assert.Equal(4, topic.Header().Long("topic_message_nr"));
        Assert.Equal(4, topic.Json.Long("result_message_nr"));

        var read = (await b.ConvAsync("store", conv, new { read_message_nr = 3 })).EnsureOk().Header();
        Assert.Equal(3, read.Long("read_message_nr"));
        Assert.Equal(2, read.Long("read_inbox_nr"));
        Assert.Equal(0, read.Long("unread_count"));
        var unread = (await b.ConvAsync("store", conv, new { read_message_nr = 1 })).EnsureOk().Header();
        Assert.True(unread.Bool("is_mark_unread"));
        Assert.Equal(2, unread.Long("unread_count"));
        Assert.Equal(2, unread.Long("inbox_message_nr"));

        server.Clock.Advance(TimeSpan.FromSeconds(5));
        var muted = (await b.ConvAsync("store", conv, new { mk_alert_level = "never", snooze_interval = 3600 })).EnsureOk().Header();
        Assert.Equal("never", muted.Str("mk_alert_level"));
        Assert.True(muted.Bool("is_muted"));
        Assert.Equal(3600, muted.Long("snooze_interval"));
        Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds() + 3600, muted.Long("snooze_time"));

        var passive = (await b.ConvAsync("store", conv, new { mk_alert_level = "passive" })).EnsureOk();
        Assert.Equal("passiveV1", passive.Message().Str("mk_message_type"));
        Assert.Equal([b.AccountId], passive.Header().Ids("passive"));
        var back = (await b.ConvAsync("store", conv, new { mk_alert_level = "default" })).EnsureOk();
        Assert.Equal("joinV1", back.Message().Str("mk_message_type"));
        Assert.Equal("{\"sysmsg_text\": \"{author} joined the conversation.\"}", back.Message().Str("message"));
        Assert.Empty(back.Header().Ids("passive"));
    }

    [Fact]
    public async Task Store_settings_announce_each_change_in_the_flow()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("settings");

        var response = (await a.ConvAsync("store", conv, new { is_autojoin = true, is_disclose = true, is_url_preview_disabled = true, mk_conv_type = "cct_list" })).EnsureOk();

        Assert.Equal(["share", "show", "no_url_previews"], response.Messages().Select(m => m.Str("mk_message_type")));
        var h = response.Header();
        Assert.True(h.Bool("is_autojoin"));
        Assert.True(h.Bool("is_disclose"));
        Assert.True(h.Bool("is_url_preview_disabled"));
        Assert.Equal("cct_list", h.Str("mk_conv_type"));
        Assert.True(h.Bool("is_list"));

        var again = (await a.ConvAsync("store", conv, new { is_autojoin = true })).EnsureOk();
        Assert.Empty(again.Messages());
    }

    [Fact]
    public async Task Store_refuses_bad_values_and_writes_nothing()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("strict");

        (await a.ConvAsync("store", conv, new { topic = "changed", mk_alert_level = "loud" })).AssertError(400, "invalid_param");
        (await a.ConvAsync("store", conv, new { topic = "changed", read_message_nr = 99 })).AssertError(400, "invalid_param");
        (await a.ConvAsync("store", conv, new { topic = "changed", mk_conv_type = "cct_weird" })).AssertError(400, "invalid_param");
        (await a.ConvAsync("store", conv, new { topic = new string('t', 1025) })).AssertError(400, "invalid_param");
        (await a.ConvAsync("store", conv, new { topic = "changed", add_account_ids = new[] { Guid.NewGuid() } })).AssertError(400, "invalid_param");

        await using var db = server.OpenDb();
        var stored = await db.Conversations.SingleAsync(c => c.Id == conv);
        Assert.Equal("strict", stored.Topic);
        Assert.Equal(1, stored.LastMessageNr);
    }

    [Fact]
    public async Task Hide_unhide_and_delete_from_own_list()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("hiding", b);
        (await a.SendAsync(conv, "one")).EnsureOk();

        var hidden = (await b.ConvAsync("hide", conv)).EnsureOk().Header();
        Assert.Equal(2, hidden.Long("hide_message_nr"));
        var shown = (await b.ConvAsync("unhide", conv)).EnsureOk().Header();
        Assert.Equal(0, shown.Long("hide_message_nr"));

        var deleted = (await b.ConvAsync("delete", conv)).EnsureOk().Header();
        Assert.True(deleted.Bool("is_deleted"));
        Assert.Equal(2, deleted.Long("delete_message_nr"));
        var listed = (await b.PostAsync("/api/conversation/list")).EnsureOk();
        Assert.Empty(listed.Json.GetProperty("conversations").EnumerateArray());

        // A new message brings it back, with only the new content.
        (await a.SendAsync(conv, "two")).EnsureOk();
        var back = (await b.ConvAsync("sync", conv)).EnsureOk();
        Assert.False(back.Header().Has("is_deleted"));
        Assert.Equal([3L], back.Messages().Select(m => m.Long("message_nr")));
        listed = (await b.PostAsync("/api/conversation/list")).EnsureOk();
        Assert.Single(listed.Json.GetProperty("conversations").EnumerateArray());
    }

    [Fact]
    public async Task Mark_read_answers_with_a_tiny_init_at_the_inbox_message()
    {
        using var a = await server.NewAccountAsync();
        using var c = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("marks", c);
        for (var i = 0; i < 3; i++)
        {
            (await a.SendAsync(conv, $"m{i}")).EnsureOk();
        }

        var response = (await c.ConvAsync("mark_read", conv)).EnsureOk();

        var h = response.Header();
        Assert.Equal("ic_tiny", h.Str("mk_init_mode"));
        Assert.True(h.Bool("is_tiny"));
        Assert.True(h.Bool("is_init"));
        Assert.True(h.Bool("is_full"));
        Assert.Equal(4, h.Long("read_message_nr"));
        Assert.Equal(4, h.Long("inbox_message_nr"));
        Assert.Equal(4, h.Long("bw_message_nr"));
        Assert.Equal(4, h.Long("fw_message_nr"));
        Assert.Equal(0, h.Long("unread_count"));
        Assert.Equal(4, response.Message().Long("message_nr"));
    }

    [Fact]
    public async Task Check_permissions_is_empty_for_a_member_and_refused_after_leaving()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("perm");

        var ok = (await a.ConvAsync("check_permissions", conv)).EnsureOk();
        Assert.Empty(ok.Json.EnumerateObject());

        (await a.ConvAsync("leave", conv)).EnsureOk();
        (await a.ConvAsync("check_permissions", conv)).AssertError(431, "member_left");
    }

    [Fact]
    public async Task Autojoin_by_link_key_makes_the_caller_a_member()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("open door");
        var url = (await a.ConvAsync("store", conv, new { is_autojoin = true })).EnsureOk().Header().Str("autojoin_url");

        var joined = (await b.PostAsync("/api/conversation/autojoin", new { conv_url_key = url[(url.LastIndexOf('/') + 1)..] })).EnsureOk();

        var h = joined.Header();
        Assert.Equal(conv, h.GetProperty("conversation_id").GetGuid());
        Assert.True(h.Bool("can_post"));
        Assert.Contains(b.AccountId, h.Ids("members"));
        Assert.Equal(3, h.Long("join_message_nr"));
        Assert.Equal("add", joined.Messages().Last().Str("mk_message_type"));

        using var c = await server.NewAccountAsync();
        (await a.ConvAsync("store", conv, new { is_autojoin = false })).EnsureOk();
        (await c.PostAsync("/api/conversation/autojoin", new { conv_url_key = conv.ToString() })).AssertError(430, "not_found");
    }

    [Fact]
    public async Task Autojoin_by_a_former_member_starts_a_new_membership_and_keeps_what_it_saw_before()
    {
        using var a = await server.NewAccountAsync("alice");
        using var b = await server.NewAccountAsync("bob");
        var conv = await a.CreateConversationAsync("open door", b);                                  // flow 1
        (await b.SendAsync(conv, "before leaving")).EnsureOk();                                       // flow 2
        var url = (await a.ConvAsync("store", conv, new { is_autojoin = true })).EnsureOk().Header().Str("autojoin_url"); // flow 3, share
        (await b.ConvAsync("leave", conv)).EnsureOk();                                                // flow 4
        (await a.SendAsync(conv, "while bob is away")).EnsureOk();                                    // flow 5
        (await b.SendAsync(conv, "still here?")).AssertError(431, "member_left");

        var joined = (await b.PostAsync("/api/conversation/autojoin", new { conv_url_key = url[(url.LastIndexOf('/') + 1)..] })).EnsureOk();

        var h = joined.Header();
        Assert.True(h.Bool("can_post"));
        Assert.Equal(new[] { a.AccountId, b.AccountId }.Order(), h.Ids("members").Order());
        Assert.DoesNotContain(b.AccountId, h.Ids("leavers"));
        Assert.Equal(1, h.Long("join_message_nr"));
        Assert.Equal(6, h.Long("begin_message_nr"));
        Assert.Equal(6, h.Long("last_message_nr"));
        var add = joined.Messages().Last();
        Assert.Equal(6, add.Long("message_nr"));
        Assert.Equal("add", add.Str("mk_message_type"));
        Assert.Equal(b.AccountId, add.GetProperty("account_id").GetGuid());
        Assert.DoesNotContain(5L, joined.Messages().Select(m => m.Long("message_nr")));

        // What the earlier membership saw (1-4) stays visible; what was posted while away (5) does not.
        var history = (await b.ConvAsync("sync", conv, new { mk_direction = "backward", from_message_nr = 6 })).EnsureOk();
        Assert.Equal([1L, 2L, 3L, 4L], history.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal("<msg><p>before leaving</p></msg>", history.Messages()[1].Str("message"));
        (await b.SendAsync(conv, "back again")).EnsureOk();
        Assert.Equal(7, (await a.HeaderAsync(conv)).Long("last_message_nr"));

        // One member row, reopened: a new membership, not a second member.
        await using var db = server.OpenDb();
        var rows = await db.ConversationMembers.Where(m => m.ConversationId == conv && m.AccountId == b.AccountId).ToListAsync(TestContext.Current.CancellationToken);
        var row = Assert.Single(rows);
        Assert.Equal(6, row.BeginMessageNr);
    }

    [Fact]
    public async Task Set_alerts_and_sync_pins()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("alerts");
        (await a.SendAsync(conv, "pin me", new { tags = new[] { "pin" } })).EnsureOk();
        (await a.SendAsync(conv, "plain")).EnsureOk();

        var muted = (await a.ConvAsync("set_alerts", conv, new { mk_alert_level = "never" })).EnsureOk().Header();
        Assert.Equal("never", muted.Str("mk_alert_level"));
        Assert.True(muted.Bool("is_muted"));
        Assert.Equal("default", (await a.ConvAsync("set_alerts", conv, new { mk_alert_level = "default" })).EnsureOk().Header().Str("mk_alert_level"));

        foreach (var path in new[] { "sync_pins", "sync_pinboard" })
        {
            var pins = (await a.ConvAsync(path, conv)).EnsureOk();
            Assert.Equal([2L], pins.Messages().Select(m => m.Long("message_nr")));
        }
    }

    [Fact]
    public async Task Store_adds_and_removes_members_and_can_post_false_leaves()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        using var c = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("store members");
        (await a.SendAsync(conv, "hi")).EnsureOk();

        var added = (await a.ConvAsync("store", conv, new { add_emails = $"{b.Email}, {c.Email}" })).EnsureOk();
        Assert.Equal("add", added.Message().Str("mk_message_type"));
        Assert.Equal(3, added.Header().Ids("members").Count);
        Assert.Equal(2, added.Stream().Count(r => r.Str("mk_rec_type") == "activity"));

        var removed = (await a.ConvAsync("store", conv, new { remove_account_ids = new[] { c.AccountId } })).EnsureOk();
        Assert.Equal("kick", removed.Message().Str("mk_message_type"));
        Assert.Equal([c.AccountId], removed.Header().Ids("leavers"));

        var left = (await b.ConvAsync("store", conv, new { can_post = false })).EnsureOk();
        Assert.Equal("leave", left.Message().Str("mk_message_type"));
        Assert.False(left.Header().Bool("can_post"));
        Assert.Equal(new[] { b.AccountId, c.AccountId }.Order(), left.Header().Ids("leavers").Order());
    }

    [Fact]
    public async Task List_headers_carry_each_callers_unread_counters()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var first = await a.CreateConversationAsync("first", b);
        var second = await a.CreateConversationAsync("second", b);
        for (var i = 0; i < 3; i++)
        {
            (await a.SendAsync(first, $"f{i}")).EnsureOk();
        }

        (await a.SendAsync(second, "s")).EnsureOk();
        (await b.MessageAsync("mark_read", first, new { message_nr = 2 })).EnsureOk();

        var list = (await b.PostAsync("/api/conversation/list")).EnsureOk().Json.GetProperty("conversations").EnumerateArray()
            .ToDictionary(c => c.GetProperty("conversation_id").GetGuid());
        Assert.Equal(2, list[first].Long("unread_count"));
        Assert.Equal(3, list[first].Long("inbox_message_nr"));
        Assert.Equal(1, list[second].Long("unread_count"));
        Assert.Equal(2, list[second].Long("inbox_message_nr"));
        Assert.All(list.Values, h => Assert.Equal(b.AccountId, h.GetProperty("profile_id").GetGuid()));
        Assert.All(list.Values, h => Assert.False(h.Has("is_init")));
    }

    [Fact]
    public async Task Sync_ic_full_right_after_create_returns_the_create_header_unchanged()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var created = (await a.PostAsync("/api/conversation/create", new { topic = "same", account_ids = new[] { b.AccountId } })).EnsureOk();
        var conv = created.Header().GetProperty("conversation_id").GetGuid();

        var synced = (await a.ConvAsync("sync", conv, new { mk_direction = "ic_full" })).EnsureOk();

        Assert.Equal(created.Header().GetRawText(), synced.Header().GetRawText());
        Assert.Equal(created.Message().GetRawText(), synced.Message().GetRawText());
    }
}
