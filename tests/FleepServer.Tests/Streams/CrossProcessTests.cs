using FleepServer.Streams;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Streams;

/// <summary>Two server processes on one database behave as one server: a change on one wakes a poll parked on the other.</summary>
public sealed class CrossProcessTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static readonly TimeSpan LoopBound = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_thousand_sends_on_one_process_each_wake_the_poll_parked_on_the_other()
    {
        var peer = await server.StartPeerAsync();
        using var bob = await server.NewAccountAsync("bob");
        using var alice = await server.NewAccountAsync("alice");
        using var aliceOnPeer = new FleepTestClient(peer.BaseAddress);
        await aliceOnPeer.LoginAsync(alice.Email, "correct horse");
        var conversation = await alice.CreateConversationAsync("two processes", bob);
        var waiters = server.Services.GetRequiredService<StreamWaiters>();
        var horizon = (await bob.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        // One bound for the whole loop, far above its usual run time: it fails only a poll that
        // never answers (the fake clock never ends a wait), never a slow iteration.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(LoopBound);

        for (var i = 0; i < 1000; i++)
        {
            var baseline = waiters.Count;
            var poll = bob.PostAsync("/api/account/poll", new { event_horizon = horizon });
            await server.WaitForParkedAsync(baseline + 1);

            var nr = (await aliceOnPeer.SendAsync(conversation, $"hop {i}")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();

            // The fake clock never ends the wait: only the peer's notification can answer this poll.
            var answer = (await AnsweredAsync(poll, bound.Token, i)).EnsureOk();
            var message = Assert.Single(answer.Stream(), r => r.Str("mk_rec_type") == "message");
            Assert.Equal(nr, message.Long("message_nr"));
            horizon = answer.Horizon();
        }
    }

    private static async Task<FleepResponse> AnsweredAsync(Task<FleepResponse> poll, CancellationToken bound, int iteration)
    {
        try
        {
            return await poll.WaitAsync(bound);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"the poll of iteration {iteration} was never woken (the loop's {LoopBound} bound ran out)");
            throw;
        }
    }
}
