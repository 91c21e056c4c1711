using System.Text.Json;
using System.Text.Json.Nodes;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Teams;

/// <summary>
/// <c>conv:add_team</c> / <c>conv:remove_team</c> and their classic calls are one action: the same
/// scenario run both ways leaves the same header for the caller and the same records in the other
/// member's stream (ids and times aside); each run is also checked against what the change must do.
/// </summary>
public sealed class TeamEventEquivalenceTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private sealed record Outcome(JsonElement Header, List<JsonElement> BobRecords);

    /// <summary>A fresh conversation of alice and bob with a message from bob; optionally the team in it already; then alice's change.</summary>
    private static async Task<Outcome> RunAsync(FleepTestClient alice, FleepTestClient bob, Guid team, bool withTeam, Func<Guid, Task> change)
    {
        var conversation = await alice.CreateConversationAsync("team twins", bob);
        (await bob.SendAsync(conversation, "one")).EnsureOk();
        if (withTeam)
        {
            (await alice.ConvAsync("add_team", conversation, new { team_id = team })).EnsureOk();
        }

        var horizon = await bob.HorizonAsync();
        await change(conversation);
        return new Outcome(await alice.HeaderAsync(conversation), await bob.PollSinceAsync(horizon));
    }

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

    [Fact]
    public async Task Add_team_event_and_classic_call_are_the_same_change()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        using var dave = await server.NewAccountAsync("Dave");
        var team = (await alice.CreateTeamAsync("Twins", [dave])).TeamId();

        var classic = await RunAsync(alice, bob, team, withTeam: false, async c => (await alice.ConvAsync("add_team", c, new { team_id = team })).EnsureOk());
        var viaEvent = await RunAsync(alice, bob, team, withTeam: false,
            async c => (await alice.EventAsync("conv:add_team", new { conversation_id = c, team_id = team })).EnsureApplied());

        foreach (var outcome in new[] { classic, viaEvent })
        {
            Assert.Equal([team], outcome.Header.Ids("teams"));
            Assert.Equal(new[] { alice.AccountId, bob.AccountId, dave.AccountId }.Order(), outcome.Header.Ids("members").Order());
            var message = Assert.Single(outcome.BobRecords, r => r.Str("mk_rec_type") == "message");
            Assert.Equal("add_teamV2", message.Str("mk_message_type"));
            Assert.Equal(3, message.Long("message_nr"));
            Assert.Equal([dave.AccountId], message.Body().Ids("members"));
        }

        Assert.Equal(Normalize(classic.Header), Normalize(viaEvent.Header));
        Assert.Equal(classic.BobRecords.Select(Normalize), viaEvent.BobRecords.Select(Normalize));
    }

    [Fact]
    public async Task Remove_team_event_and_classic_call_are_the_same_change()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        using var dave = await server.NewAccountAsync("Dave");
        var team = (await alice.CreateTeamAsync("Twins", [dave])).TeamId();

        var classic = await RunAsync(alice, bob, team, withTeam: true,
            async c => (await alice.ConvAsync("remove_team", c, new { team_id = team })).EnsureOk());
        var viaEvent = await RunAsync(alice, bob, team, withTeam: true,
            async c => (await alice.EventAsync("conv:remove_team", new { conversation_id = c, team_id = team })).EnsureApplied());

        foreach (var outcome in new[] { classic, viaEvent })
        {
            Assert.Empty(outcome.Header.Ids("teams"));
            Assert.Equal([dave.AccountId], outcome.Header.Ids("leavers"));
            var message = Assert.Single(outcome.BobRecords, r => r.Str("mk_rec_type") == "message");
            Assert.Equal("kick_team", message.Str("mk_message_type"));
            Assert.Equal(4, message.Long("message_nr"));
            Assert.Equal([team], message.Body().Ids("teams"));
        }

        Assert.Equal(Normalize(classic.Header), Normalize(viaEvent.Header));
        Assert.Equal(classic.BobRecords.Select(Normalize), viaEvent.BobRecords.Select(Normalize));
    }
}
