using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Teams;

/// <summary>account/sync reads an account's teams with one constant query (docs/teams.md).</summary>
public sealed class TeamQueryCountTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private async Task<long> CountCommandsAsync(Func<Task<FleepResponse>> call)
    {
        var before = server.Commands.Count;
        (await call()).EnsureOk();
        return server.Commands.Count - before;
    }

    [Fact]
    public async Task Sync_of_an_account_with_fifty_teams_issues_as_many_commands_as_with_one()
    {
        using var one = await server.NewAccountAsync();
        using var many = await server.NewAccountAsync();
        await one.CreateTeamAsync("only");
        for (var i = 0; i < 50; i++)
        {
            await many.CreateTeamAsync($"team {i}");
        }

        (await one.PostAsync("/api/account/sync")).EnsureOk();
        (await many.PostAsync("/api/account/sync")).EnsureOk();
        var forOne = await CountCommandsAsync(() => one.PostAsync("/api/account/sync"));
        var forMany = await CountCommandsAsync(() => many.PostAsync("/api/account/sync"));
        var pollFromZero = await CountCommandsAsync(() => many.PostAsync("/api/account/poll", new { event_horizon = 0, wait = false }));

        Assert.Equal(forOne, forMany);
        Assert.Equal(forMany, pollFromZero);
        Assert.Equal(50, (await many.PostAsync("/api/account/sync")).EnsureOk().Stream().OfType("team").Count);
    }
}
