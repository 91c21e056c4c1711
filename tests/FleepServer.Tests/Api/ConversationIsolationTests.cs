using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Api;

/// <summary>
/// Who may see and change a conversation (docs/compatibility.md, "Who sees what"): an outsider and
/// a removed member get exactly the unknown-id answer from every conversation-scoped call and
/// nothing is written; a late joiner sees nothing before its join point until history is disclosed.
/// </summary>
public sealed class ConversationIsolationTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    /// <summary>Every call that takes a conversation id, with a body that would work for a member.</summary>
    private static (string Path, object Body)[] Calls(Guid someone, Guid otherConversation) =>
    [
        ("conversation/sync", new { }),
        ("conversation/sync", new { mk_direction = "ic_full" }),
        ("conversation/sync", new { from_message_nr = 1, mk_direction = "forward" }),
        ("conversation/sync_backward", new { from_message_nr = 3 }),
        ("conversation/store", new { topic = "taken over" }),
        ("conversation/store", new { hide_message_nr = 1 }),
        ("conversation/add_members", new { account_ids = new[] { someone } }),
        ("conversation/remove_members", new { account_ids = new[] { someone } }),
        ("conversation/leave", new { }),
        ("conversation/disclose", new { account_ids = new[] { someone }, message_nr = 1 }),
        ("conversation/disclose_all", new { account_ids = new[] { someone } }),
        ("conversation/set_topic", new { topic = "taken over" }),
        ("conversation/set_alerts", new { mk_alert_level = "never" }),
        ("conversation/hide", new { }),
        ("conversation/unhide", new { }),
        ("conversation/delete", new { }),
        ("conversation/mark_read", new { }),
        ("conversation/check_permissions", new { }),
        ("conversation/poke", new { message_nr = 1 }),
        ("conversation/unsubscribe", new { }),
        ("conversation/convert_api", new { }),
        ("message/send", new { message = "intruder" }),
        ("message/store", new { message = "intruder" }),
        ("message/store", new { message_nr = 2, tags = new[] { "pin" } }),
        ("message/edit", new { message_nr = 2, message = "intruder" }),
        ("message/delete", new { message_nr = 2 }),
        ("message/mark_read", new { message_nr = 2 }),
        ("message/mark_unread", new { message_nr = 2 }),
        ("message/store", new { message_nr = 2, add_reactions = new[] { "+1" } }),
        ("conversation/sync_pins", new { }),
        ("message/copy", new { message_nr = 2, to_conv_id = otherConversation }),
        ("message/pin", new { message_nr = 2 }),
        ("message/unpin", new { pin_message_nr = 2 }),
        ("message/repin", new { pin_message_nr = 2, pin_weight = 2.0 }),
    ];

    [Fact]
    public async Task Outsiders_and_removed_members_get_the_unknown_id_answer_from_every_call_and_change_nothing()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        using var outsider = await server.NewAccountAsync();
        using var removed = await server.NewAccountAsync();
        using var teamLeaver = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("private", b, removed);
        (await a.SendAsync(conv, "secret text")).EnsureOk();
        (await a.ConvAsync("remove_members", conv, new { account_ids = new[] { removed.AccountId } })).EnsureOk();
        // A member through a team only, out when the team leaves (docs/conversations.md, "Membership reasons").
        var team = (await a.PostAsync("/api/team/create", new { team_name = "isolation", account_ids = new[] { teamLeaver.AccountId },
            conversations = new[] { conv } })).EnsureOk().Stream()[0].GetProperty("team_id").GetGuid();
        (await a.ConvAsync("remove_team", conv, new { team_id = team })).EnsureOk();
        var own = await outsider.CreateConversationAsync("their own", removed);
        // A team of the callers' own: the team calls fail on the conversation, not on the team.
        var theirs = (await outsider.PostAsync("/api/team/create", new { team_name = "theirs",
            account_ids = new[] { removed.AccountId, teamLeaver.AccountId } })).EnsureOk().Stream()[0].GetProperty("team_id").GetGuid();
        (string Path, object Body)[] teamCalls =
        [
            ("conversation/add_team", new { team_id = theirs }),
            ("conversation/remove_team", new { team_id = theirs }),
            ("conversation/store", new { add_team_ids = new[] { theirs } }),
        ];
        var before = await SnapshotAsync(conv);

        var unknown = await outsider.ConvAsync("sync", Guid.NewGuid());
        unknown.AssertError(430, "not_found");
        foreach (var caller in new[] { outsider, removed, teamLeaver })
        {
            foreach (var (path, body) in Calls(b.AccountId, own).Concat(teamCalls))
            {
                var response = await caller.PostAsync($"/api/{path}/{conv}", body);
                Assert.True(response.StatusCode == 430, $"{path} {System.Text.Json.JsonSerializer.Serialize(body)}: got {response.StatusCode} {response.Json}");
                Assert.Equal(unknown.Json.GetRawText(), response.Json.GetRawText());
                Assert.DoesNotContain("secret", response.Json.GetRawText());
            }
        }

        Assert.Equal(before, await SnapshotAsync(conv));
        var list = (await removed.PostAsync("/api/conversation/list")).EnsureOk();
        Assert.DoesNotContain(conv, list.Json.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetGuid()));
        var teamLeaverList = (await teamLeaver.PostAsync("/api/conversation/list")).EnsureOk();
        Assert.DoesNotContain(conv, teamLeaverList.Json.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetGuid()));
    }

    [Fact]
    public async Task A_member_who_left_reads_up_to_its_leave_message_and_changes_nothing()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("left", b);
        (await a.SendAsync(conv, "before")).EnsureOk();
        (await b.ConvAsync("leave", conv)).EnsureOk();
        (await a.SendAsync(conv, "after they left")).EnsureOk();
        var before = await SnapshotAsync(conv);

        var sync = (await b.ConvAsync("sync", conv)).EnsureOk();
        Assert.Equal([1L, 2L, 3L], sync.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(3, sync.Header().Long("last_message_nr"));
        Assert.DoesNotContain("after they left", sync.Json.GetRawText());
        (await b.ConvAsync("sync", conv, new { from_message_nr = 4 })).AssertError(400, "invalid_param");

        // Reading calls (sync, copying a message it saw, convert_api) keep working, and so do a poke (to
        // itself only) and unsubscribe (already out); every change is refused.
        foreach (var (path, body) in Calls(a.AccountId, conv).Where(c => !c.Path.Contains("sync") && c.Path != "message/copy" && c.Path is not ("conversation/hide" or "conversation/unhide" or "conversation/delete"
                         or "conversation/poke" or "conversation/unsubscribe" or "conversation/convert_api")
                     && !(c.Path == "conversation/store" && c.Body.ToString()!.Contains("hide"))))
        {
            var response = await b.PostAsync($"/api/{path}/{conv}", body);
            Assert.True(response.StatusCode == 431, $"{path}: got {response.StatusCode} {response.Json}");
            Assert.Equal("member_left", response.ErrorId);
        }

        Assert.Equal(before, await SnapshotAsync(conv));
        // Its own list is still its own: hiding works after leaving.
        Assert.Equal(3, (await b.ConvAsync("hide", conv)).EnsureOk().Header().Long("hide_message_nr"));
    }

    [Fact]
    public async Task A_late_joiner_sees_history_only_once_it_is_disclosed()
    {
        using var a = await server.NewAccountAsync();
        using var late = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("history");
        (await a.SendAsync(conv, "early one")).EnsureOk();
        (await a.SendAsync(conv, "early two")).EnsureOk();
        (await a.ConvAsync("add_members", conv, new { account_ids = new[] { late.AccountId } })).EnsureOk();

        foreach (var body in new object[] { new { }, new { mk_direction = "ic_full" }, new { from_message_nr = 3, mk_direction = "backward" },
                     new { mk_direction = "ic_end" }, new { mk_direction = "ic_flow", from_message_nr = 2 } })
        {
            var response = (await late.ConvAsync("sync", conv, body)).EnsureOk();
            Assert.DoesNotContain("early", response.Json.GetRawText());
        }

        (await late.MessageAsync("store", conv, new { message_nr = 2, tags = new[] { "pin" } })).AssertError(430, "not_found");

        var disclosed = (await a.ConvAsync("disclose", conv, new { emails = late.Email, message_nr = 3 })).EnsureOk();
        var message = disclosed.Message();
        Assert.Equal("discloseV2", message.Str("mk_message_type"));
        Assert.Equal(3, message.Long("ref_message_nr"));
        Assert.Contains(late.AccountId.ToString(), message.Str("message"));

        var partly = (await late.ConvAsync("sync", conv, new { from_message_nr = 4, mk_direction = "backward" })).EnsureOk();
        Assert.Equal([3L], partly.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(3, partly.Header().Long("disclose_message_nr"));

        (await a.ConvAsync("disclose_all", conv, new { account_ids = new[] { late.AccountId } })).EnsureOk();
        var all = (await late.ConvAsync("sync", conv, new { from_message_nr = 4, mk_direction = "backward" })).EnsureOk();
        Assert.Equal([1L, 2L, 3L], all.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(1, all.Header().Long("bw_message_nr"));
    }

    private async Task<string> SnapshotAsync(Guid conv)
    {
        await using var db = server.OpenDb();
        var c = await db.Conversations.AsNoTracking().SingleAsync(x => x.Id == conv);
        var members = await db.ConversationMembers.AsNoTracking().Where(m => m.ConversationId == conv).OrderBy(m => m.AccountId).ToListAsync();
        var messages = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conv).OrderBy(m => m.MessageNr).ToListAsync();
        return System.Text.Json.JsonSerializer.Serialize(new { c, members, messages });
    }
}
