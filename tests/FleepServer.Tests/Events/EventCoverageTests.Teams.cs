using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Events;

/// <summary>The team checks of <see cref="EventCoverageTests"/>; the deeper cases are in Teams/.</summary>
public sealed partial class EventCoverageTests
{
    private static IEnumerable<KeyValuePair<string, Func<EventScenario, Task>>> TeamChecks()
    {
        KeyValuePair<string, Func<EventScenario, Task>> Check(string name, Func<EventScenario, Task> check) => new(name, check);

        // A team of alice and carol; carol is outside the scenario's conversation.
        async Task<Guid> TeamAsync(EventScenario s)
        {
            var created = (await s.Alice.PostAsync("/api/team/create", new { team_name = "coverage team", account_ids = new[] { s.Carol.AccountId } }))
                .EnsureOk();
            await s.MarkAsync();
            return created.Stream()[0].GetProperty("team_id").GetGuid();
        }

        yield return Check("conv:add_team", async s =>
        {
            var team = await TeamAsync(s);
            var result = await s.RunAsync("conv:add_team", new { conversation_id = s.Conversation, team_id = team });
            Assert.Equal([team], Assert.Single(result.OfType("conv")).Ids("teams"));
            Assert.Contains(s.Carol.AccountId, (await s.BobsHeaderAsync()).Ids("members"));
            Assert.Contains(await s.CarolSeesAsync(), r => r.Str("mk_rec_type") == "conv" && r.GetProperty("conversation_id").GetGuid() == s.Conversation);
        });
        yield return Check("conv:remove_team", async s =>
        {
            var team = await TeamAsync(s);
            await s.RunAsync("conv:add_team", new { conversation_id = s.Conversation, team_id = team });
            await s.MarkAsync();
            var result = await s.RunAsync("conv:remove_team", new { conversation_id = s.Conversation, team_id = team });
            Assert.Empty(Assert.Single(result.OfType("conv")).Ids("teams"));
            Assert.Contains(s.Carol.AccountId, (await s.BobsHeaderAsync()).Ids("leavers"));
        });
        yield return Check("team:get", async s =>
        {
            var team = await TeamAsync(s);
            var result = await s.RunAsync("team:get", new { team_id = team });
            var record = Assert.Single(result.OfType("team"));
            Assert.Equal("coverage team", record.Str("team_name"));
            Assert.Equal(new[] { s.Alice.AccountId, s.Carol.AccountId }, record.Ids("members"));
            // Bob is not in the team: the event answers him as for an unknown team.
            (await s.Bob.EventAsync("team:get", new { team_id = team })).AssertRefused(430, "not_found");
        });
    }
}
