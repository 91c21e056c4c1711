using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Teams;

/// <summary>
/// Team writes with concurrent clients (docs/teams.md, lock order): no 500s, no lost change, one
/// version per effective change, and members and conversations that agree in the end.
/// </summary>
public sealed class TeamConcurrencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Several_admins_configuring_one_team_at_once_each_get_one_version()
    {
        const int admins = 5;
        using var alice = await server.NewAccountAsync();
        var others = await Task.WhenAll(Enumerable.Range(0, admins).Select(_ => server.NewAccountAsync()));
        var newcomers = await Task.WhenAll(Enumerable.Range(0, admins).Select(_ => server.NewAccountAsync()));
        var conversation = await alice.CreateConversationAsync("busy team");
        var team = (await alice.CreateTeamAsync("Busy", others, [conversation])).TeamId();
        var made = (await alice.TeamAsync("configure", team, new { add_admin_ids = others.Select(o => o.AccountId).ToArray() })).Team();
        Assert.Equal(2, made.Long("team_version_nr"));

        var answers = await ConcurrentCalls.RunAsync(others.Select((admin, i) => (Func<Task<FleepResponse>>)(() =>
            admin.TeamAsync("configure", team, new { team_name = $"Busy {i}", add_account_ids = new[] { newcomers[i].AccountId } }))));

        Assert.True(answers.All(a => a.StatusCode == 200), server.Explain(answers));
        var versions = answers.Select(a => a.Team().Long("team_version_nr")).Order().ToList();
        Assert.Equal([3, 4, 5, 6, 7], versions);
        var final = (await alice.TeamAsync("sync", team)).Team();
        Assert.Equal(7, final.Long("team_version_nr"));
        Assert.Equal(1 + admins * 2, final.Ids("members").Count);
        var header = await alice.HeaderAsync(conversation);
        Assert.Equal(final.Ids("members").Order(), header.Ids("members").Order());
        foreach (var client in others.Concat(newcomers))
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Two_teams_added_to_one_conversation_at_once_both_join()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        using var dave = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("two teams", bob);
        var red = (await alice.CreateTeamAsync("Red", [carol])).TeamId();
        var blue = (await bob.CreateTeamAsync("Blue", [dave, carol])).TeamId();

        var answers = await ConcurrentCalls.RunAsync(
        [
            () => alice.ConvAsync("add_team", conversation, new { team_id = red }),
            () => bob.ConvAsync("store", conversation, new { add_team_ids = new[] { blue } }),
        ]);

        Assert.True(answers.All(a => a.StatusCode == 200), server.Explain(answers));
        var header = await alice.HeaderAsync(conversation);
        Assert.Equal(new[] { red, blue }.Order(), header.Ids("teams").Order());
        Assert.Equal(new[] { alice.AccountId, bob.AccountId, carol.AccountId, dave.AccountId }.Order(), header.Ids("members").Order());
        // Carol is in through both teams, whichever came first.
        await using var db = server.OpenDb();
        var carolRow = db.ConversationMembers.Single(m => m.ConversationId == conversation && m.AccountId == carol.AccountId);
        Assert.Equal(new[] { red, blue }.Order(), carolRow.ViaTeamIds.Order());
    }

    [Fact]
    public async Task A_member_joining_a_team_while_the_team_joins_a_conversation_ends_up_in_it()
    {
        for (var round = 0; round < 5; round++)
        {
            using var alice = await server.NewAccountAsync();
            using var bob = await server.NewAccountAsync();
            var conversation = await alice.CreateConversationAsync("race");
            var team = (await alice.CreateTeamAsync("Race")).TeamId();

            var answers = await ConcurrentCalls.RunAsync(
            [
                () => alice.ConvAsync("store", conversation, new { add_team_ids = new[] { team } }),
                () => alice.TeamAsync("configure", team, new { add_account_ids = new[] { bob.AccountId } }),
            ]);

            Assert.True(answers.All(a => a.StatusCode == 200), server.Explain(answers));
            var header = await bob.HeaderAsync(conversation);
            Assert.True(header.Bool("can_post"));
            Assert.Equal([team], header.Ids("teams"));
        }
    }
}
