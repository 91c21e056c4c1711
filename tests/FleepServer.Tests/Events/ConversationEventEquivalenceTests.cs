using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Events;

/// <summary>
/// A conversation event and its classic call are one action: the same scenario run both ways leaves
/// the same header for the caller and the same records in the other member's stream (ids and times
/// aside). Since the event path reuses the classic action, each case also asserts what the change
/// must have done, from the case's inputs and Fleep's documented behaviour: a fresh conversation of
/// alice, bob and carol (flow 1), bob's two messages (2, 3), then alice's change.
/// </summary>
public sealed class ConversationEventEquivalenceTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    /// <summary>The accounts of every run: alice changes, bob watches, carol is the third member, dave an outsider.</summary>
    private sealed record Cast(FleepTestClient Alice, FleepTestClient Bob, FleepTestClient Carol, FleepTestClient Dave);

    private sealed record Twin(string Name, Func<FleepTestClient, Guid, Cast, Task<FleepResponse>> Classic,
        Func<Guid, Cast, TestEvent> Event, Action<Outcome, Cast> Expect);

    private static readonly Twin[] All =
    [
        new Twin("set topic",
            (a, c, _) => a.ConvAsync("set_topic", c, new { topic = "same topic" }),
            (c, _) => new TestEvent("conv:set_topic", new { conversation_id = c, topic = "same topic" }),
            (o, x) =>
            {
                Assert.Equal("same topic", o.Header.Str("topic"));
                Assert.Equal(4, o.Header.Long("topic_message_nr"));
                Assert.Equal(4, o.Header.Long("last_message_nr"));
                AssertSystemMessage(o, "topic", x.Alice);
                Assert.Equal("same topic", o.BobsHeader.Str("topic"));
            }),
        new Twin("add members",
            (a, c, x) => a.ConvAsync("add_members", c, new { account_ids = new[] { x.Dave.AccountId } }),
            (c, x) => new TestEvent("conv:add_members", new { conversation_id = c, account_ids = new[] { x.Dave.AccountId } }),
            (o, x) =>
            {
                Assert.Equal(Ids(x.Alice, x.Bob, x.Carol, x.Dave), o.Header.Ids("members").Order());
                Assert.Equal(4, o.Header.Long("last_message_nr"));
                var add = AssertSystemMessage(o, "add", x.Alice);
                Assert.Equal($"{{\"members\": [\"{x.Dave.AccountId}\"]}}", add.Str("message"));
                Assert.Equal(Ids(x.Alice, x.Bob, x.Carol, x.Dave), o.BobsHeader.Ids("members").Order());
            }),
        new Twin("remove members",
            (a, c, x) => a.ConvAsync("remove_members", c, new { account_ids = new[] { x.Carol.AccountId } }),
            (c, x) => new TestEvent("conv:remove_members", new { conversation_id = c, account_ids = new[] { x.Carol.AccountId } }),
            (o, x) =>
            {
                Assert.Equal(Ids(x.Alice, x.Bob), o.Header.Ids("members").Order());
                var kick = AssertSystemMessage(o, "kick", x.Alice);
                Assert.Equal($"{{\"members\": [\"{x.Carol.AccountId}\"]}}", kick.Str("message"));
                Assert.Equal(Ids(x.Alice, x.Bob), o.BobsHeader.Ids("members").Order());
            }),
        new Twin("leave",
            (a, c, _) => a.ConvAsync("leave", c),
            (c, _) => new TestEvent("conv:leave", new { conversation_id = c }),
            (o, x) =>
            {
                Assert.False(o.Header.Bool("can_post"));
                Assert.Equal(4, o.Header.Long("last_message_nr"));
                AssertSystemMessage(o, "leave", x.Alice);
                Assert.Equal(Ids(x.Bob, x.Carol), o.BobsHeader.Ids("members").Order());
            }),
        new Twin("hide",
            (a, c, _) => a.ConvAsync("hide", c),
            (c, _) => new TestEvent("conv:archive", new { conversation_id = c, show_message_nr = 3 }),
            (o, x) =>
            {
                Assert.Equal(3, o.Header.Long("hide_message_nr"));
                Assert.Equal(3, o.Header.Long("last_message_nr"));
                // Every member gets its own header of a change (docs/streams.md); alice's hide is not in bob's.
                Assert.Equal(x.Bob.AccountId, Assert.Single(o.BobRecords).GetProperty("profile_id").GetGuid());
                Assert.Equal(0, o.BobsHeader.Long("hide_message_nr"));
            }),
        new Twin("mark read",
            (a, c, _) => a.ConvAsync("store", c, new { read_message_nr = 3 }),
            (c, _) => new TestEvent("conv:set_read_message_nr", new { conversation_id = c, message_nr = 3 }),
            (o, x) =>
            {
                Assert.Equal(3, o.Header.Long("read_message_nr"));
                Assert.Equal(0, o.Header.Long("unread_count"));
                var receipt = Assert.Single(o.BobRecords, r => r.Str("mk_rec_type") == "activity");
                Assert.Equal(x.Alice.AccountId, receipt.GetProperty("account_id").GetGuid());
                Assert.Equal(3, receipt.Long("read_message_nr"));
            }),
        new Twin("alerts",
            (a, c, _) => a.ConvAsync("set_alerts", c, new { mk_alert_level = "never" }),
            (c, _) => new TestEvent("conv:mute", new { conversation_id = c }),
            (o, x) =>
            {
                Assert.Equal("never", o.Header.Str("mk_alert_level"));
                Assert.True(o.Header.Bool("is_muted"));
                Assert.Equal(3, o.Header.Long("last_message_nr"));
                Assert.Equal(x.Bob.AccountId, Assert.Single(o.BobRecords).GetProperty("profile_id").GetGuid());
                Assert.Equal("default", o.BobsHeader.Str("mk_alert_level"));
                Assert.False(o.BobsHeader.Bool("is_muted"));
            }),
        new Twin("autojoin setting",
            (a, c, _) => a.ConvAsync("store", c, new { is_autojoin = true }),
            (c, _) => new TestEvent("conv:conv_enable_autojoin", new { conversation_id = c }),
            (o, x) =>
            {
                Assert.True(o.Header.Bool("is_autojoin"));
                Assert.Equal(4, o.Header.Long("last_message_nr"));
                AssertSystemMessage(o, "share", x.Alice);
                Assert.True(o.BobsHeader.Bool("is_autojoin"));
            }),
    ];

    private static readonly ConcurrentDictionary<FleepServerFixture, Task<Cast>> Accounts = new();

    public static TheoryData<string> Names() => new(All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public async Task The_event_and_its_classic_call_leave_the_same_state_and_records(string name)
    {
        var twin = All.Single(t => t.Name == name);
        // Each run has its own conversations, so the four accounts serve every case.
        var cast = await Accounts.GetOrAdd(server, async s =>
            new Cast(await s.NewAccountAsync("Alice"), await s.NewAccountAsync("Bob"), await s.NewAccountAsync("Carol"), await s.NewAccountAsync("Dave")));

        var classic = await RunAsync(cast, async (a, c) => (await twin.Classic(a, c, cast)).EnsureOk());
        var viaEvent = await RunAsync(cast, async (a, c) => (await a.EventsAsync(twin.Event(c, cast))).EnsureApplied());

        twin.Expect(classic, cast);
        twin.Expect(viaEvent, cast);
        Assert.Equal(Normalize(classic.Header), Normalize(viaEvent.Header));
        Assert.NotEmpty(classic.BobRecords);
        Assert.Equal(classic.BobRecords.Select(Normalize), viaEvent.BobRecords.Select(Normalize));
    }

    /// <summary>Alice's header after the change, and what bob's stream got from it.</summary>
    private sealed record Outcome(JsonElement Header, List<JsonElement> BobRecords)
    {
        /// <summary>The last conv record bob got: the conversation as bob now sees it.</summary>
        public JsonElement BobsHeader => BobRecords.Last(r => r.Str("mk_rec_type") == "conv");
    }

    private static List<Guid> Ids(params FleepTestClient[] accounts) => accounts.Select(a => a.AccountId).Order().ToList();

    /// <summary>The change's one new message, flow 4, as bob got it: a system message of this type by this author.</summary>
    private static JsonElement AssertSystemMessage(Outcome o, string type, FleepTestClient author)
    {
        var message = Assert.Single(o.BobRecords, r => r.Str("mk_rec_type") == "message");
        Assert.Equal(4, message.Long("message_nr"));
        Assert.Equal(type, message.Str("mk_message_type"));
        Assert.Equal(author.AccountId, message.GetProperty("account_id").GetGuid());
        return message;
    }

    /// <summary>A fresh conversation of alice, bob and carol with two messages from bob, then the change by alice.</summary>
    private static async Task<Outcome> RunAsync(Cast cast, Func<FleepTestClient, Guid, Task> change)
    {
        var conversation = await cast.Alice.CreateConversationAsync("twins", cast.Bob, cast.Carol);
        (await cast.Bob.SendAsync(conversation, "one")).EnsureOk();
        (await cast.Bob.SendAsync(conversation, "two")).EnsureOk();
        var horizon = await cast.Bob.HorizonAsync();

        await change(cast.Alice, conversation);

        return new Outcome(await cast.Alice.HeaderAsync(conversation), await cast.Bob.PollSinceAsync(horizon));
    }

    /// <summary>The record without what differs between two runs: ids, times, autojoin keys.</summary>
    private static string Normalize(JsonElement record)
    {
        var node = JsonNode.Parse(record.GetRawText())!.AsObject();
        foreach (var key in new[] { "conversation_id", "message_id", "posted_time", "edited_time", "last_message_time", "inbox_time",
                     "activity_time", "autojoin_url", "cmail", "client_req_id", "snooze_time" })
        {
            node.Remove(key);
        }

        return node.ToJsonString();
    }
}
