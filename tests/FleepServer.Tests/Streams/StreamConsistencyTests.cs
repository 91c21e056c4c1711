using System.Collections.Concurrent;
using FleepServer.Streams;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Streams;

/// <summary>
/// Stream invariants under concurrency (docs/streams.md): no gaps with concurrent writers, no lost
/// wake-up, and exactly-once delivery for a client that resumes from the last horizon it saw.
/// </summary>
public sealed class StreamConsistencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    /// <summary>
    /// One bound per test for all its polls, far above the usual run time: the fake clock never
    /// ends a wait, so a lost wake-up hangs and this fails it; a slow machine never does.
    /// </summary>
    private static readonly TimeSpan RunBound = TimeSpan.FromMinutes(5);

    private static CancellationTokenSource NewBound()
    {
        var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(RunBound);
        return bound;
    }

    private static async Task<FleepResponse> AnsweredAsync(Task<FleepResponse> poll, CancellationToken bound, string what)
    {
        try
        {
            return await poll.WaitAsync(bound);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"{what} was never answered (the run's {RunBound} bound ran out)");
            throw;
        }
    }

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

        using var bound = NewBound();
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

            var answer = (await AnsweredAsync(poll, bound.Token, $"poll {polls}")).EnsureOk();
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
    public async Task No_poll_misses_a_message_sent_while_it_parks_over_ten_thousand_races()
    {
        const int pairs = 4, iterations = 2500;
        using var bound = NewBound();
        await Task.WhenAll(Enumerable.Range(0, pairs).Select(_ => Task.Run(async () =>
        {
            using var poller = await server.NewAccountAsync();
            using var sender = await server.NewAccountAsync();
            var conversation = await sender.CreateConversationAsync("race", poller);
            var horizon = (await poller.PostAsync("/api/account/sync")).EnsureOk().Horizon();
            for (var i = 0; i < iterations; i++)
            {
                // Send immediately, without waiting for the poll to park: the race this guards.
                var poll = poller.PostAsync("/api/account/poll", new { event_horizon = horizon });
                var nr = (await sender.SendAsync(conversation, $"race {i}")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();

                // The fake clock never times a poll out; a lost wake-up shows up as the bound failing.
                var answer = (await AnsweredAsync(poll, bound.Token, $"race {i}")).EnsureOk();
                // A send's records commit together, so the poll that sees any of them sees all.
                Assert.Equal(nr, Assert.Single(answer.Stream(), r => r.Str("mk_rec_type") == "message").Long("message_nr"));
                horizon = answer.Horizon();
            }
        })));
    }
}
