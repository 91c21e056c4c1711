using FleepServer.Auth;
using FleepServer.Streams;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Tests.Security;

/// <summary>
/// Sessions are checked from each process's cache, yet an ended session stops working on every
/// process: at once on the one that ended it, on the others when the notification arrives (the
/// fake clock never reaches the cache's max age here, so only the notification can do it), and
/// for an account closed directly in the database, once the max age has passed.
/// </summary>
public sealed class SessionCacheTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Logout_on_one_process_ends_the_session_the_other_process_had_cached()
    {
        var peer = await server.StartPeerAsync();
        using var onA = await server.NewAccountAsync();
        using var onB = new FleepTestClient(peer.BaseAddress) { Token = onA.Token, Ticket = onA.Ticket };
        var horizon = await AssertServedFromCacheAsync(onB, peer.Commands);

        (await onA.PostAsync("/api/account/logout")).EnsureOk();

        await AssertRefusedSoonAsync(onB, horizon);
        (await onA.PostAsync("/api/account/configure")).AssertError(401, "not_authenticated");
    }

    [Fact]
    public async Task A_password_change_on_one_process_ends_the_other_session_on_the_other_process()
    {
        var peer = await server.StartPeerAsync();
        using var onA = await server.NewAccountAsync();
        using var onB = new FleepTestClient(peer.BaseAddress);
        await onB.LoginAsync(onA.Email, "correct horse");
        var horizon = await AssertServedFromCacheAsync(onB, peer.Commands);

        (await onA.PostAsync("/api/account/configure", new { old_password = "correct horse", password = "new password 1" })).EnsureOk();

        await AssertRefusedSoonAsync(onB, horizon);
        // The session that changed the password goes on, on either process.
        (await onA.PostAsync("/api/account/configure")).EnsureOk();
        using var sameOnB = new FleepTestClient(peer.BaseAddress) { Token = onA.Token, Ticket = onA.Ticket };
        (await sameOnB.PostAsync("/api/account/configure")).EnsureOk();
    }

    [Fact]
    public async Task An_account_closed_in_the_database_is_refused_once_the_cached_check_is_too_old()
    {
        using var client = await server.NewAccountAsync();
        (await client.PostAsync("/api/account/configure")).EnsureOk();
        await SetStatusAsync(client.AccountId, "closed");

        server.Clock.Advance(server.Services.GetRequiredService<IOptions<FleepOptions>>().Value.Login.SessionCacheMaxAge);

        (await client.PostAsync("/api/account/configure")).AssertError(401, "not_authenticated");
    }

    [Fact]
    public async Task An_account_closed_in_the_database_is_refused_everywhere_at_once_after_a_session_notification()
    {
        var peer = await server.StartPeerAsync();
        using var onA = await server.NewAccountAsync();
        using var onB = new FleepTestClient(peer.BaseAddress) { Token = onA.Token, Ticket = onA.Ticket };
        var horizon = await AssertServedFromCacheAsync(onB, peer.Commands);
        (await onA.PostAsync("/api/account/configure")).EnsureOk();

        // What an administrator runs after closing an account by hand.
        await SetStatusAsync(onA.AccountId, "closed");
        await using (var db = server.OpenDb())
        {
            await db.Database.ExecuteSqlAsync(
                $"SELECT pg_notify({StreamNotifier.SessionChannel}, {":a" + onA.AccountId.ToString("N")})", TestContext.Current.CancellationToken);
        }

        await AssertRefusedSoonAsync(onB, horizon);
        await AssertRefusedSoonAsync(onA, horizon);
    }

    [Fact]
    public async Task A_wrong_ticket_is_refused_even_for_a_cached_session()
    {
        using var client = await server.NewAccountAsync();
        (await client.PostAsync("/api/account/configure")).EnsureOk();
        var before = server.Commands.Count;

        (await client.PostAsync("/api/account/configure", new { ticket = new string('0', 32) })).AssertError(401, "not_authenticated");

        Assert.Equal(before, server.Commands.Count);
        (await client.PostAsync("/api/account/configure")).EnsureOk();
    }

    [Fact]
    public async Task A_reconnected_listener_forgets_every_cached_session()
    {
        using var client = await server.NewAccountAsync();
        (await client.PostAsync("/api/account/configure")).EnsureOk();
        var cache = server.Services.GetRequiredService<SessionCache>();
        Assert.NotEqual(0, cache.Count);

        // The listening connection is killed the way a network failure would end it.
        await using (var db = server.OpenDb())
        {
            await db.Database.ExecuteSqlAsync(
                $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'fleepserver-notifier' AND query LIKE 'LISTEN%' AND datname = current_database()",
                TestContext.Current.CancellationToken);
        }

        var epoch = cache.Epoch;
        var deadline = DateTime.UtcNow + Guard;
        while (cache.Epoch == epoch || cache.Count != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the listener did not reconnect");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        (await client.PostAsync("/api/account/configure")).EnsureOk();
    }

    /// <summary>The client's session works on this process and its check costs no command there (a cached session).</summary>
    private static async Task<long> AssertServedFromCacheAsync(FleepTestClient client, CommandCounter commands)
    {
        var horizon = (await client.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        var before = commands.Count;
        (await client.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false })).EnsureOk();
        // The stream read only.
        Assert.Equal(1, commands.Count - before);
        return horizon;
    }

    /// <summary>Polls until the session is refused with Fleep's 401; the guard only ends a hung run.</summary>
    private static async Task AssertRefusedSoonAsync(FleepTestClient client, long horizon)
    {
        var deadline = DateTime.UtcNow + Guard;
        while (true)
        {
            var answer = await client.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false });
            if (answer.StatusCode == 401)
            {
                answer.AssertError(401, "not_authenticated");
                return;
            }

            answer.EnsureOk();
            Assert.True(DateTime.UtcNow < deadline, "the session was never refused");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private async Task SetStatusAsync(Guid accountId, string status)
    {
        await using var db = server.OpenDb();
        await db.Accounts.Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.Status, status), TestContext.Current.CancellationToken);
    }
}
