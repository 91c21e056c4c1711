using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Events;

/// <summary>
/// A conversation event and its classic call are one action: the same scenario run both ways leaves
/// the same header for the caller and the same records in the other member's stream (ids and times
/// aside).
/// </summary>
public sealed class ConversationEventEquivalenceTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private sealed record Twin(string Name, Func<FleepTestClient, Guid, FleepTestClient, Task<FleepResponse>> Classic,
        Func<Guid, FleepTestClient, TestEvent> Event);

    private static readonly Twin[] All =
    [
        new Twin("set topic",
            (a, c, _) => a.ConvAsync("set_topic", c, new { topic = "same topic" }),
            (c, _) => new TestEvent("conv:set_topic", new { conversation_id = c, topic = "same topic" })),
        new Twin("add members",
            (a, c, carol) => a.ConvAsync("add_members", c, new { account_ids = new[] { carol.AccountId } }),
            (c, carol) => new TestEvent("conv:add_members", new { conversation_id = c, account_ids = new[] { carol.AccountId } })),
        new Twin("remove members",
            (a, c, carol) => a.ConvAsync("remove_members", c, new { account_ids = new[] { carol.AccountId } }),
            (c, carol) => new TestEvent("conv:remove_members", new { conversation_id = c, account_ids = new[] { carol.AccountId } })),
        new Twin("leave",
            (a, c, _) => a.ConvAsync("leave", c),
            (c, _) => new TestEvent("conv:leave", new { conversation_id = c })),
        new Twin("hide",
            (a, c, _) => a.ConvAsync("hide", c),
            (c, _) => new TestEvent("conv:archive", new { conversation_id = c, show_message_nr = 3 })),
        new Twin("mark read",
            (a, c, _) => a.ConvAsync("store", c, new { read_message_nr = 3 }),
            (c, _) => new TestEvent("conv:set_read_message_nr", new { conversation_id = c, message_nr = 3 })),
        new Twin("alerts",
            (a, c, _) => a.ConvAsync("set_alerts", c, new { mk_alert_level = "never" }),
            (c, _) => new TestEvent("conv:mute", new { conversation_id = c })),
        new Twin("autojoin setting",
            (a, c, _) => a.ConvAsync("store", c, new { is_autojoin = true }),
            (c, _) => new TestEvent("conv:conv_enable_autojoin", new { conversation_id = c })),
    ];

    private static readonly ConcurrentDictionary<FleepServerFixture, Task<(FleepTestClient, FleepTestClient, FleepTestClient)>> Accounts = new();

    public static TheoryData<string> Names() => new(All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public async Task The_event_and_its_classic_call_leave_the_same_state_and_records(string name)
    {
        var twin = All.Single(t => t.Name == name);
        // Each run has its own conversations, so the three accounts serve every case.
        var (alice, bob, carol) = await Accounts.GetOrAdd(server, async s =>
            (await s.NewAccountAsync("Alice"), await s.NewAccountAsync("Bob"), await s.NewAccountAsync("Carol")));

        var classic = await RunAsync(alice, bob, carol, async (a, c) => (await twin.Classic(a, c, carol)).EnsureOk());
        var viaEvent = await RunAsync(alice, bob, carol, async (a, c) => (await a.EventsAsync(twin.Event(c, carol))).EnsureApplied());

        Assert.Equal(classic.Header, viaEvent.Header);
        Assert.Equal(classic.BobRecords, viaEvent.BobRecords);
        Assert.NotEmpty(classic.BobRecords);
    }

    private sealed record Outcome(string Header, List<string> BobRecords);

    /// <summary>A fresh conversation of alice, bob and carol with two messages from bob, then the change by alice.</summary>
    private static async Task<Outcome> RunAsync(FleepTestClient alice, FleepTestClient bob, FleepTestClient carol, Func<FleepTestClient, Guid, Task> change)
    {
        var conversation = await alice.CreateConversationAsync("twins", bob, carol);
        (await bob.SendAsync(conversation, "one")).EnsureOk();
        (await bob.SendAsync(conversation, "two")).EnsureOk();
        var horizon = await bob.HorizonAsync();

        await change(alice, conversation);

        var header = Normalize(await alice.HeaderAsync(conversation));
        var records = (await bob.PollSinceAsync(horizon)).Select(Normalize).ToList();
        return new Outcome(header, records);
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
