using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Labels;

/// <summary>account/sync reads an account's labels with a constant number of commands.</summary>
public sealed class LabelQueryCountTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Account_sync_with_a_hundred_labels_issues_as_many_commands_as_with_one()
    {
        using var one = await server.NewAccountAsync();
        using var many = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var c1 = await one.CreateConversationAsync("one", bob);
        var c2 = await many.CreateConversationAsync("many", bob);
        await one.StoreConvLabelsAsync(c1, new { labels = new[] { "only" } });
        for (var i = 0; i < 100; i++)
        {
            await many.StoreLabelAsync(new { label = $"label {i}" });
        }

        await many.StoreConvLabelsAsync(c2, new { labels = Enumerable.Range(0, 100).Select(i => $"label {i}").ToArray() });
        (await one.PostAsync("/api/account/sync")).EnsureOk();
        (await many.PostAsync("/api/account/sync")).EnsureOk();

        var forOne = await CountAsync(one);
        var forMany = await CountAsync(many);

        Assert.Equal(forOne, forMany);
        Assert.Equal(8 + 100, (await many.SyncedLabelsAsync()).Count);
        Assert.Equal(100 + 1, (await many.HeaderAsync(c2)).Ids("label_ids").Count);
    }

    private async Task<long> CountAsync(FleepTestClient client)
    {
        var before = server.Commands.Count;
        (await client.PostAsync("/api/account/sync")).EnsureOk();
        return server.Commands.Count - before;
    }
}
