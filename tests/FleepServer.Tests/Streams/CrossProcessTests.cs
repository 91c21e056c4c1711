using FleepServer.Streams;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Streams;

/// <summary>Two server processes on one database behave as one server: a change on one wakes a poll parked on the other.</summary>
public sealed class CrossProcessTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task A_thousand_changes_on_one_process_each_wake_the_poll_parked_on_the_other()
    {
        var peer = await server.StartPeerAsync();
        using var poller = await server.NewAccountAsync("poller");
        using var writer = new FleepTestClient(peer.BaseAddress);
        await writer.LoginAsync(poller.Email, "correct horse");
        var waiters = server.Services.GetRequiredService<StreamWaiters>();
        var horizon = (await poller.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        for (var i = 0; i < 1000; i++)
        {
            var baseline = waiters.Count;
            var poll = poller.PostAsync("/api/account/poll", new { event_horizon = horizon });
            await server.WaitForParkedAsync(baseline + 1);

            (await writer.PostAsync("/api/account/set_flag", new { client_flag = "toggle", bool_value = i % 2 == 0 })).EnsureOk();

            // The fake clock never ends the wait: only the peer's notification can answer this poll.
            var answer = (await poll.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).EnsureOk();
            Assert.Equal(horizon + 1, answer.Horizon());
            horizon = answer.Horizon();
        }
    }
}
