using FleepServer.Streams;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Streams;

/// <summary>
/// The poll hot path touches the database a constant number of times, and not at all while parked
/// (docs/streams.md).
/// </summary>
public sealed class QueryCountTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task A_poll_with_pending_records_issues_the_same_one_command_for_one_or_many_records()
    {
        using var client = await server.NewAccountAsync();
        var horizon = (await client.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        (await client.PostAsync("/api/account/set_flag", new { client_flag = "one" })).EnsureOk();
        var one = await CountCommandsAsync(() => client.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false }));
        for (var i = 0; i < 20; i++)
        {
            (await client.PostAsync("/api/account/set_flag", new { client_flag = $"f{i}" })).EnsureOk();
        }

        var many = await CountCommandsAsync(() => client.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false }));

        // The stream read; the session was checked by the earlier calls and comes from the cache.
        Assert.Equal(1, one);
        Assert.Equal(one, many);
    }

    [Fact]
    public async Task A_session_is_read_once_and_then_checked_without_a_command()
    {
        using var client = await server.NewAccountAsync();
        var horizon = (await client.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        using var fresh = server.NewClient();
        await fresh.LoginAsync(client.Email, "correct horse");

        var cold = await CountCommandsAsync(() => fresh.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false }));
        var warm = await CountCommandsAsync(() => fresh.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false }));

        // Cold: the session, then the stream. Warm: the stream only, so the session check costs nothing.
        Assert.Equal(2, cold);
        Assert.Equal(1, warm);
    }

    [Fact]
    public async Task A_parked_poll_issues_no_commands_until_woken()
    {
        using var client = await server.NewAccountAsync();
        using var other = server.NewClient();
        await other.LoginAsync(client.Email, "correct horse");
        var waiters = server.Services.GetRequiredService<StreamWaiters>();
        var horizon = (await client.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        // Count the parked polls before this one starts: it may park before the count is read.
        var baseline = waiters.Count;
        var poll = client.PostAsync("/api/account/poll", new { event_horizon = horizon });
        await server.WaitForParkedAsync(baseline + 1);
        // The waiter registers before the poll's one read; let that read finish before counting.
        long parkedAt;
        do
        {
            parkedAt = server.Commands.Count;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        while (server.Commands.Count != parkedAt);

        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Equal(parkedAt, server.Commands.Count);

        (await other.PostAsync("/api/account/set_flag", new { client_flag = "wake" })).EnsureOk();
        Assert.Single((await poll.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).EnsureOk().Stream());
    }

    [Fact]
    public async Task Sync_issues_a_constant_number_of_commands()
    {
        using var fresh = await server.NewAccountAsync();
        using var busy = await server.NewAccountAsync();
        for (var i = 0; i < 20; i++)
        {
            (await busy.PostAsync("/api/account/set_flag", new { client_flag = $"f{i}" })).EnsureOk();
        }

        // Both sessions checked once before, so neither count below includes reading the session.
        (await fresh.PostAsync("/api/account/sync")).EnsureOk();
        var forFresh = await CountCommandsAsync(() => fresh.PostAsync("/api/account/sync"));
        var forBusy = await CountCommandsAsync(() => busy.PostAsync("/api/account/sync"));

        Assert.Equal(forFresh, forBusy);
    }

    [Fact]
    public async Task Sync_costs_the_same_for_one_conversation_and_for_many_with_many_contacts()
    {
        using var small = await server.NewAccountAsync();
        using var large = await server.NewAccountAsync();
        var others = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => server.NewAccountAsync()));
        await small.CreateConversationAsync("one", others[0]);
        for (var i = 0; i < 8; i++)
        {
            var conversation = await large.CreateConversationAsync($"many {i}", others[i % 6], others[(i + 1) % 6]);
            (await large.SendAsync(conversation, "unread for the others")).EnsureOk();
            (await others[i % 6].SendAsync(conversation, "unread for large")).EnsureOk();
        }

        var forSmall = await CountCommandsAsync(() => small.PostAsync("/api/account/sync"));
        var forLarge = await CountCommandsAsync(() => large.PostAsync("/api/account/sync"));
        var pollFromZero = await CountCommandsAsync(() => large.PostAsync("/api/account/poll", new { event_horizon = 0, wait = false }));

        Assert.Equal(forSmall, forLarge);
        Assert.Equal(forLarge, pollFromZero);
        foreach (var other in others)
        {
            other.Dispose();
        }
    }

    [Fact]
    public async Task Sync_with_five_hundred_contacts_costs_what_sync_with_none_costs()
    {
        using var fresh = await server.NewAccountAsync();
        using var popular = await server.NewAccountAsync();
        using var friend = await server.NewAccountAsync();
        var contactList = Enumerable.Range(0, 500)
            .Select(i => new { addr_full = $"friend{i}.{Guid.NewGuid():N}@example.org", addr_descr = $"Friend {i}", phone_nr = $"+{i}" })
            .ToArray();
        Assert.Equal(500, (await popular.PostAsync("/api/contact/import", new { contact_list = contactList })).EnsureOk().Stream().Count);
        var hidden = (await popular.PostAsync("/api/contact/sync/all")).EnsureOk().Json.GetProperty("contacts").EnumerateArray()
            .Take(10).Select(c => c.GetProperty("account_id").GetGuid()).ToArray();
        (await popular.PostAsync("/api/contact/hide", new { contacts = hidden })).EnsureOk();
        await popular.CreateConversationAsync("one", friend);
        (await fresh.PostAsync("/api/account/sync")).EnsureOk();

        var forFresh = await CountCommandsAsync(() => fresh.PostAsync("/api/account/sync"));
        var forPopular = await CountCommandsAsync(() => popular.PostAsync("/api/account/sync"));
        var pollFromZero = await CountCommandsAsync(() => popular.PostAsync("/api/account/poll", new { event_horizon = 0, wait = false }));

        Assert.Equal(forFresh, forPopular);
        Assert.Equal(forPopular, pollFromZero);
        var sync = (await popular.PostAsync("/api/account/sync")).EnsureOk().Stream();
        Assert.Equal(502, sync.Count(r => r.Str("mk_rec_type") == "contact"));
        Assert.Equal(10, sync.Count(r => r.Str("mk_rec_type") == "contact" && r.Bool("is_hidden_for_add")
            && r.GetProperty("account_id").GetGuid() != popular.AccountId));
    }

    private async Task<long> CountCommandsAsync(Func<Task<FleepResponse>> call)
    {
        var before = server.Commands.Count;
        (await call()).EnsureOk();
        return server.Commands.Count - before;
    }
}
