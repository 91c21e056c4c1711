using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Api;

/// <summary>api/message send, store, edit, delete, mark_read and tag changes.</summary>
public sealed class MessageApiTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Send_returns_counter_header_the_xml_message_and_result_message_nr()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("bots", b);
        (await b.SendAsync(conv, "hello bot")).EnsureOk();

        var response = (await a.SendAsync(conv, "hello human")).EnsureOk();

        Assert.Equal(3, response.Json.Long("result_message_nr"));
        Assert.False(response.Json.Has("client_req_id"));
        var h = response.Header();
        Assert.Equal(a.AccountId, h.GetProperty("profile_id").GetGuid());
        Assert.False(h.Has("is_init"));
        Assert.False(h.Has("mk_init_mode"));
        foreach (var (field, value) in new (string, long)[]
                 {
                     ("last_message_nr", 3), ("read_message_nr", 3), ("show_message_nr", 3), ("inbox_message_nr", 3),
                     ("last_inbox_nr", 2), ("read_inbox_nr", 2), ("unread_count", 0), ("join_message_nr", 1), ("send_message_nr", 1),
                 })
        {
            Assert.True(value == h.Long(field), $"{field}: expected {value}, got {h.GetProperty(field)}");
        }

        var m = response.Message();
        Assert.Equal("message", m.Str("mk_rec_type"));
        Assert.Equal(conv, m.GetProperty("conversation_id").GetGuid());
        Assert.Equal(3, m.Long("message_nr"));
        Assert.Equal(a.AccountId, m.GetProperty("account_id").GetGuid());
        Assert.Equal(a.AccountId, m.GetProperty("profile_id").GetGuid());
        Assert.Equal("text", m.Str("mk_message_type"));
        Assert.Equal("urn:fleep:message:mk_message_state:plain", m.Str("mk_message_state"));
        Assert.Equal("<msg><p>hello human</p></msg>", m.Str("message"));
        Assert.Equal(2, m.Long("inbox_nr"));
        Assert.Equal(2, m.Long("prev_message_nr"));
        Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds(), m.Long("posted_time"));
        Assert.Empty(m.GetProperty("tags").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, m.GetProperty("lock_account_id").ValueKind);
        // Bots tell new messages from edits by these: absent on a new message.
        Assert.False(m.Has("flow_message_nr"));
        Assert.False(m.Has("revision_message_nr"));
        Assert.False(m.Has("edit_account_id"));

        var bob = await b.HeaderAsync(conv);
        Assert.Equal(2, bob.Long("read_message_nr"));
        Assert.Equal(1, bob.Long("unread_count"));
        Assert.Equal(3, bob.Long("inbox_message_nr"));
    }

    [Fact]
    public async Task Store_without_message_nr_posts_and_with_it_edits()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("store");

        var posted = (await a.MessageAsync("store", conv, new { message = "msgStore1", subject = "Re: x" })).EnsureOk();
        Assert.Equal(2, posted.Json.Long("result_message_nr"));
        Assert.Equal("<msg><p>msgStore1</p></msg>", posted.Message().Str("message"));
        Assert.Equal("Re: x", posted.Message().Str("subject"));

        server.Clock.Advance(TimeSpan.FromMinutes(1));
        var edited = (await a.MessageAsync("store", conv, new { message_nr = 2, message = "changed", subject = "" })).EnsureOk();
        Assert.Equal(2, edited.Json.Long("result_message_nr"));
        var m = edited.Message();
        Assert.Equal(2, m.Long("message_nr"));
        Assert.Equal(3, m.Long("flow_message_nr"));
        Assert.Equal(3, m.Long("revision_message_nr"));
        Assert.Equal("<msg><p>changed</p></msg>", m.Str("message"));
        Assert.False(m.Has("subject"));
        Assert.Equal(a.AccountId, m.GetProperty("edit_account_id").GetGuid());
        Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds(), m.Long("edited_time"));
        Assert.Equal(1, m.Long("inbox_nr"));
        Assert.Equal(3, edited.Header().Long("last_message_nr"));
        Assert.Equal(2, edited.Header().Long("show_message_nr"));

        // The next new message takes the next flow number and skips the revision as its prev.
        var next = (await a.SendAsync(conv, "after")).EnsureOk().Message();
        Assert.Equal(4, next.Long("message_nr"));
        Assert.Equal(2, next.Long("prev_message_nr"));
    }

    [Fact]
    public async Task Only_the_author_edits_a_plain_message_but_any_member_may_delete_it()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("authors", b);
        (await a.SendAsync(conv, "mine")).EnsureOk();

        (await b.MessageAsync("edit", conv, new { message_nr = 2, message = "not yours" })).AssertError(431, "invalid_edit");
        (await a.MessageAsync("edit", conv, new { message_nr = 1, message = "system" })).AssertError(431, "invalid_edit");

        var deleted = (await b.MessageAsync("delete", conv, new { message_nr = 2 })).EnsureOk();
        var m = deleted.Message();
        Assert.Equal("urn:fleep:message:mk_message_state:deleted", m.Str("mk_message_state"));
        Assert.Equal("", m.Str("message"));
        Assert.Equal(["is_deleted"], m.Strings("tags"));
        Assert.Equal(3, m.Long("flow_message_nr"));
        Assert.Equal(b.AccountId, m.GetProperty("edit_account_id").GetGuid());

        // Editing a deleted message is accepted and changes nothing.
        var again = (await a.MessageAsync("edit", conv, new { message_nr = 2, message = "resurrect" })).EnsureOk();
        Assert.Equal("", again.Message().Str("message"));
        Assert.Equal(3, again.Header().Long("last_message_nr"));
        await using var db = server.OpenDb();
        Assert.Equal("", (await db.Messages.SingleAsync(x => x.ConversationId == conv && x.MessageNr == 2)).Body);
    }

    [Fact]
    public async Task Tags_pin_unpin_task_and_done_are_revisions_with_the_observed_states()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("tags", b);
        (await a.SendAsync(conv, "msg")).EnsureOk();

        var pinned = (await a.MessageAsync("store", conv, new { message_nr = 2, tags = new[] { "pin" } })).EnsureOk().Message();
        Assert.Equal("urn:fleep:message:mk_message_state:pinned", pinned.Str("mk_message_state"));
        Assert.Equal(["is_shared", "pin"], pinned.Strings("tags"));
        Assert.Equal(a.AccountId, pinned.GetProperty("pinned_account_id").GetGuid());
        Assert.True(pinned.Has("pin_weight"));
        Assert.Equal(3, pinned.Long("flow_message_nr"));

        // A pinned message is shared: another member may edit it.
        var unpinned = (await b.MessageAsync("store", conv, new { message_nr = 2, message = "unpinMsg", tags = new[] { "pin", "is_archived" } })).EnsureOk().Message();
        Assert.Equal("urn:fleep:message:mk_message_state:unpinned", unpinned.Str("mk_message_state"));
        Assert.Equal(["is_archived", "is_shared", "unpin"], unpinned.Strings("tags"));
        Assert.Equal(2, unpinned.Long("ref_message_nr"));
        Assert.Equal("<msg><p>unpinMsg</p></msg>", unpinned.Str("message"));
        Assert.Equal(4, unpinned.Long("flow_message_nr"));

        var next = (await a.SendAsync(conv, "task")).EnsureOk().Message();
        Assert.Equal(5, next.Long("message_nr"));
        var todo = (await a.MessageAsync("store", conv, new { message_nr = 5, tags = new[] { "is_todo" }, assignee_ids = new[] { b.AccountId } })).EnsureOk().Message();
        Assert.Equal("urn:fleep:message:mk_message_state:todo", todo.Str("mk_message_state"));
        Assert.Equal(["is_shared", "is_task", "is_todo"], todo.Strings("tags"));
        Assert.Equal([b.AccountId], todo.Ids("assignee_ids"));
        Assert.Equal(6, todo.Long("flow_message_nr"));
        var done = (await b.MessageAsync("store", conv, new { message_nr = 5, tags = new[] { "is_done" } })).EnsureOk().Message();
        Assert.Equal("urn:fleep:message:mk_message_state:done", done.Str("mk_message_state"));
        Assert.Contains("is_done", done.Strings("tags"));

        var reassigned = (await a.MessageAsync("store", conv, new { message_nr = 5, assignee_ids = new[] { a.AccountId, b.AccountId } })).EnsureOk().Message();
        Assert.Equal([a.AccountId, b.AccountId], reassigned.Ids("assignee_ids"));
        Assert.Equal(8, reassigned.Long("flow_message_nr"));
        var untouched = (await a.MessageAsync("store", conv, new { message_nr = 5, tags = Array.Empty<string>() })).EnsureOk();
        Assert.Equal(8, untouched.Header().Long("last_message_nr"));

        var tasks = (await a.ConvAsync("sync", conv, new { mk_direction = "ic_tasks" })).EnsureOk();
        Assert.Equal([5L], tasks.Messages().Select(m => m.Long("message_nr")));

        (await a.MessageAsync("store", conv, new { message_nr = 5, tags = new[] { "bogus" } })).AssertError(400, "invalid_param");
    }

    [Fact]
    public async Task New_message_with_pin_tag_is_pinned_at_creation()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("pinned");

        var m = (await a.MessageAsync("store", conv, new { message = "note", tags = new[] { "pin" } })).EnsureOk().Message();

        Assert.Equal("urn:fleep:message:mk_message_state:pinned", m.Str("mk_message_state"));
        Assert.False(m.Has("flow_message_nr"));
        var board = (await a.ConvAsync("sync", conv, new { mk_direction = "ic_pinboard" })).EnsureOk();
        Assert.Equal([2L], board.Messages().Select(x => x.Long("message_nr")));
    }

    [Fact]
    public async Task Mark_read_moves_the_horizon_only_forward_and_mark_unread_moves_it_back()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("reads", b);
        for (var i = 0; i < 3; i++)
        {
            (await a.SendAsync(conv, $"m{i}")).EnsureOk();
        }

        var read = (await b.MessageAsync("mark_read", conv, new { message_nr = 3 })).EnsureOk().Header();
        Assert.Equal(3, read.Long("read_message_nr"));
        Assert.Equal(2, read.Long("read_inbox_nr"));
        Assert.Equal(1, read.Long("unread_count"));
        Assert.Equal(4, read.Long("inbox_message_nr"));

        var back = (await b.MessageAsync("mark_read", conv, new { message_nr = 2 })).EnsureOk().Header();
        Assert.Equal(3, back.Long("read_message_nr"));
        Assert.False(back.Bool("is_mark_unread"));

        var unread = (await b.MessageAsync("mark_unread", conv, new { message_nr = 3 })).EnsureOk().Header();
        Assert.Equal(2, unread.Long("read_message_nr"));
        Assert.True(unread.Bool("is_mark_unread"));
        Assert.Equal(2, unread.Long("unread_count"));

        // With from_message_nr the answer is the forward sync from there (python client).
        var synced = (await b.MessageAsync("mark_read", conv, new { message_nr = 4, from_message_nr = 2 })).EnsureOk();
        Assert.Equal([3L, 4L], synced.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(4, synced.Header().Long("fw_message_nr"));
    }

    [Fact]
    public async Task Empty_and_over_long_bodies_are_refused_and_nothing_is_written()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("limits");

        (await a.SendAsync(conv, "   ")).AssertError(400, "empty_message");
        (await a.SendAsync(conv, new string('x', 307_201))).AssertError(400, "invalid_param");
        (await a.MessageAsync("store", conv, new { message = new string('x', 307_201) })).AssertError(400, "invalid_param");
        (await a.MessageAsync("store", conv, new { message = "ok", subject = new string('s', 1025) })).AssertError(400, "invalid_param");
        var longest = (await a.SendAsync(conv, new string('x', 307_200))).EnsureOk();
        Assert.Equal(2, longest.Json.Long("result_message_nr"));

        await using var db = server.OpenDb();
        Assert.Equal(2, await db.Messages.CountAsync(m => m.ConversationId == conv));
        Assert.Equal(307_200 + "<msg><p></p></msg>".Length, (await db.Messages.SingleAsync(m => m.ConversationId == conv && m.MessageNr == 2)).Body.Length);
    }

    [Fact]
    public async Task Is_retry_with_a_stale_from_message_nr_is_refused()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("retry");
        (await a.SendAsync(conv, "first")).EnsureOk();

        (await a.SendAsync(conv, "again", new { is_retry = true, from_message_nr = 1 })).AssertError(431, "retry_conflict");
        var ok = (await a.SendAsync(conv, "again", new { is_retry = true, from_message_nr = 2 })).EnsureOk();
        Assert.Equal(3, ok.Json.Long("result_message_nr"));
    }

    [Fact]
    public async Task Reactions_are_added_and_removed_per_member_as_revisions()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("reactions", b);
        (await a.SendAsync(conv, "react to me")).EnsureOk();

        (await a.MessageAsync("store", conv, new { message_nr = 2, add_reactions = new[] { "👍" } })).EnsureOk();
        var both = (await b.MessageAsync("store", conv, new { message_nr = 2, add_reactions = new[] { "👍", ":tada:" } })).EnsureOk().Message();
        Assert.Equal(4, both.Long("flow_message_nr"));
        var reactions = both.GetProperty("reactions");
        Assert.Equal(new[] { a.AccountId, b.AccountId }, reactions.GetProperty("👍").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal([b.AccountId], reactions.GetProperty(":tada:").EnumerateArray().Select(e => e.GetGuid()));

        // Removing (del_reactions, or delete_reactions as the event catalogue names it) only touches
        // the caller's own.
        var removed = (await b.MessageAsync("store", conv, new { message_nr = 2, delete_reactions = new[] { "👍", ":tada:" } })).EnsureOk().Message();
        Assert.Equal([a.AccountId], removed.GetProperty("reactions").GetProperty("👍").EnumerateArray().Select(e => e.GetGuid()));
        Assert.False(removed.GetProperty("reactions").TryGetProperty(":tada:", out _));
        var none = (await a.MessageAsync("store", conv, new { message_nr = 2, del_reactions = new[] { "👍" } })).EnsureOk().Message();
        Assert.False(none.Has("reactions"));

        // A reaction that changes nothing is no revision; other members see reactions by forward sync.
        var same = (await a.MessageAsync("store", conv, new { message_nr = 2, del_reactions = new[] { "👍" } })).EnsureOk();
        Assert.Equal(6, same.Header().Long("last_message_nr"));
        var forward = (await b.ConvAsync("sync", conv, new { from_message_nr = 2 })).EnsureOk();
        Assert.Equal(6, forward.Message().Long("flow_message_nr"));
    }

    [Fact]
    public async Task Copy_posts_the_content_into_another_conversation_as_the_callers_message()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var source = await a.CreateConversationAsync("source", b);
        var target = await b.CreateConversationAsync("target");
        (await a.SendAsync(source, "worth *keeping*")).EnsureOk();

        var copied = (await b.MessageAsync("copy", source, new { message_nr = 2, to_conv_id = target })).EnsureOk();

        var m = copied.Message();
        Assert.Equal(target, m.GetProperty("conversation_id").GetGuid());
        Assert.Equal(2, m.Long("message_nr"));
        Assert.Equal(b.AccountId, m.GetProperty("account_id").GetGuid());
        Assert.Equal("urn:fleep:message:mk_message_state:plain", m.Str("mk_message_state"));
        Assert.Equal("<msg><p>worth <b>keeping</b></p></msg>", m.Str("message"));
        Assert.Equal(target, copied.Header().GetProperty("conversation_id").GetGuid());
        Assert.Equal(2, copied.Json.Long("result_message_nr"));

        (await a.MessageAsync("delete", source, new { message_nr = 2 })).EnsureOk();
        (await b.MessageAsync("copy", source, new { message_nr = 2, to_conv_id = target })).AssertError(431, "invalid_copy");
        (await b.MessageAsync("copy", source, new { message_nr = 1, to_conv_id = target })).AssertError(431, "invalid_copy");
        (await a.SendAsync(source, "another")).EnsureOk();
        (await a.MessageAsync("copy", source, new { message_nr = 4, to_conv_id = target })).AssertError(430, "not_found");
        Assert.Equal(2, (await b.HeaderAsync(target)).Long("last_message_nr"));
    }

    [Fact]
    public async Task Legacy_pin_repin_and_unpin_map_to_tag_changes()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("legacy pins");
        (await a.SendAsync(conv, "note")).EnsureOk();

        var pinned = (await a.MessageAsync("pin", conv, new { message_nr = 2, pin_weight = 1.5 })).EnsureOk().Message();
        Assert.Equal("urn:fleep:message:mk_message_state:pinned", pinned.Str("mk_message_state"));
        Assert.Equal(1.5, pinned.GetProperty("pin_weight").GetDouble());

        var repinned = (await a.MessageAsync("repin", conv, new { pin_message_nr = 2, pin_weight = 7.25 })).EnsureOk().Message();
        Assert.Equal(7.25, repinned.GetProperty("pin_weight").GetDouble());
        Assert.Equal(4, repinned.Long("flow_message_nr"));

        var unpinned = (await a.MessageAsync("unpin", conv, new { pin_message_nr = 2 })).EnsureOk().Message();
        Assert.Equal("urn:fleep:message:mk_message_state:unpinned", unpinned.Str("mk_message_state"));
        Assert.Equal(["is_archived", "is_shared", "unpin"], unpinned.Strings("tags"));

        // Unpinning what is not pinned changes nothing.
        Assert.Equal(5, (await a.MessageAsync("unpin", conv, new { pin_message_nr = 2 })).EnsureOk().Header().Long("last_message_nr"));
        (await a.MessageAsync("pin", conv, new { })).AssertError(400, "missing_param");
    }
}
