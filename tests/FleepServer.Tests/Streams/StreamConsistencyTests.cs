using System.Collections.Concurrent;
using FleepServer.Streams;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Streams;

/// <summary>
/// Stream invariants under concurrency (design.md §4): no gaps with concurrent writers, no lost
/// wake-up, and exactly-once delivery for a client that resumes from the last horizon it saw.
/// </summary>
public sealed class StreamConsistencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Concurrent_writers_to_one_stream_are_delivered_exactly_once_to_a_resuming_poller()
    {
        const int writers = 8, changesEach = 40;
        using var owner = await server.NewAccountAsync();
        var horizon = (await owner.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        var sessions = new List<FleepTestClient>();
        for (var w = 0; w < writers; w++)
        {
            var session = server.NewClient();
            await session.LoginAsync(owner.Email, "correct horse");
            sessions.Add(session);
        }

        var sent = Enumerable.Range(0, writers).SelectMany(w => Enumerable.Range(0, changesEach).Select(i => $"w{w}-{i}")).ToList();
        var writing = Task.WhenAll(sessions.Select((session, w) => Task.Run(async () =>
        {
            for (var i = 0; i < changesEach; i++)
            {
                (await session.PostAsync("/api/account/configure", new { display_name = $"w{w}-{i}" })).EnsureOk();
            }
        })));

        var received = new List<string>();
        var polls = 0;
        while (received.Count < sent.Count)
        {
            // Every tenth poll is abandoned mid-wait; the client resumes from the last horizon it saw.
            using var abort = new CancellationTokenSource();
            var poll = owner.PostAsync("/api/account/poll", new { event_horizon = horizon }, ct: abort.Token);
            if (++polls % 10 == 0)
            {
                abort.Cancel();
                try
                {
                    await poll;
                }
                catch (OperationCanceledException)
                {
                }

                continue;
            }

            var answer = (await poll.WaitAsync(Guard, TestContext.Current.CancellationToken)).EnsureOk();
            var records = answer.Stream();
            Assert.Equal(horizon + records.Count, answer.Horizon());
            received.AddRange(records.Select(r => r.GetProperty("display_name").GetString()!));
            horizon = answer.Horizon();
        }

        await writing;
        Assert.Equal(sent.Order(), received.Order());
        // Each writer's own changes arrive in the order it made them.
        foreach (var w in Enumerable.Range(0, writers))
        {
            var mine = received.Where(name => name.StartsWith($"w{w}-", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, changesEach).Select(i => $"w{w}-{i}"), mine);
        }

        var last = (await owner.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false })).EnsureOk();
        Assert.Empty(last.Stream());
        sessions.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task No_poll_misses_a_change_made_while_it_parks_over_ten_thousand_races()
    {
        const int pairs = 4, iterations = 2500;
        await Task.WhenAll(Enumerable.Range(0, pairs).Select(_ => Task.Run(async () =>
        {
            using var poller = await server.NewAccountAsync();
            using var writer = server.NewClient();
            await writer.LoginAsync(poller.Email, "correct horse");
            var horizon = (await poller.PostAsync("/api/account/sync")).EnsureOk().Horizon();
            for (var i = 0; i < iterations; i++)
            {
                // Change immediately, without waiting for the poll to park: the race this guards.
                var poll = poller.PostAsync("/api/account/poll", new { event_horizon = horizon });
                (await writer.PostAsync("/api/account/set_flag", new { client_flag = "race", bool_value = i % 2 == 0 })).EnsureOk();

                // The fake clock never times a poll out; a lost wake-up shows up as this guard failing.
                var answer = (await poll.WaitAsync(Guard, TestContext.Current.CancellationToken)).EnsureOk();
                Assert.Equal(horizon + 1, answer.Horizon());
                horizon = answer.Horizon();
            }
        })));
    }
}
