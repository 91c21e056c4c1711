using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Streams;

public sealed class SmallBatchServerFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Poll:BatchSize"] = "3",
    };
}

/// <summary>
/// A client far behind gets its records in consecutive bounded batches (docs/streams.md, "Exactly
/// once per client").
/// </summary>
public sealed class PollBatchTests(SmallBatchServerFixture server) : IClassFixture<SmallBatchServerFixture>
{
    [Fact]
    public async Task A_client_far_behind_gets_consecutive_batches_in_order()
    {
        using var client = await server.NewAccountAsync();
        var horizon = (await client.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        for (var i = 1; i <= 7; i++)
        {
            (await client.PostAsync("/api/account/configure", new { display_name = $"n{i}" })).EnsureOk();
        }

        var sizes = new List<int>();
        var names = new List<string>();
        while (true)
        {
            var poll = (await client.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false })).EnsureOk();
            if (poll.Stream().Count == 0)
            {
                Assert.Equal(horizon, poll.Horizon());
                break;
            }

            sizes.Add(poll.Stream().Count);
            names.AddRange(poll.Stream().Select(r => r.Str("display_name")));
            Assert.Equal(horizon + poll.Stream().Count, poll.Horizon());
            horizon = poll.Horizon();
        }

        Assert.Equal([3, 3, 1], sizes);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"n{i}"), names);
    }
}
