using System.Text.Json;
using FleepServer.Streams;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Streams;

/// <summary>account/sync and account/poll: horizons, parking, wake-ups and bad horizons (docs/streams.md, "Horizons").</summary>
public sealed class AccountPollTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sync_returns_the_account_keys_a_positive_horizon_and_the_own_contact()
    {
        using var client = await server.NewAccountAsync("syncer");

        var sync = (await client.PostAsync("/api/account/sync")).EnsureOk();

        var json = sync.Json;
        Assert.Equal(client.AccountId, json.GetProperty("account_id").GetGuid());
        Assert.Equal(client.Email, json.GetProperty("email").GetString());
        Assert.Equal("syncer", json.GetProperty("display_name").GetString());
        Assert.Equal("active", json.GetProperty("mk_account_status").GetString());
        Assert.False(json.GetProperty("is_in_org").GetBoolean());
        Assert.False(json.GetProperty("is_org_admin").GetBoolean());
        Assert.True(sync.Horizon() > 0);
        Assert.Equal(client.AccountId, json.GetProperty("profiles")[0].GetProperty("account_id").GetGuid());
        var own = Assert.Single(sync.Stream(), r => r.GetProperty("mk_rec_type").GetString() == "contact");
        Assert.Equal(client.AccountId, own.GetProperty("account_id").GetGuid());
    }

    [Fact]
    public async Task Poll_from_zero_is_an_initial_sync_with_a_positive_horizon()
    {
        using var client = await server.NewAccountAsync();

        var poll = (await client.PostAsync("/api/account/poll", new { api_version = 2, event_horizon = 0, wait = false })).EnsureOk();

        Assert.True(poll.Horizon() > 0);
        Assert.Contains(poll.Stream(), r => r.GetProperty("mk_rec_type").GetString() == "contact"
            && r.GetProperty("account_id").GetGuid() == client.AccountId);
        // The python client repeats wait:false polls until the horizon stops changing.
        var next = (await client.PostAsync("/api/account/poll", new { event_horizon = poll.Horizon(), wait = false })).EnsureOk();
        Assert.Equal(poll.Horizon(), next.Horizon());
        Assert.Empty(next.Stream());
    }

    [Fact]
    public async Task Skip_hidden_leaves_hidden_conversations_out_of_the_initial_sync_only()
    {
        using var client = await server.NewAccountAsync();
        using var other = await server.NewAccountAsync();
        var shown = await client.CreateConversationAsync("shown", other);
        var hidden = await client.CreateConversationAsync("hidden", other);
        (await client.ConvAsync("hide", hidden)).EnsureOk();

        static List<Guid> Conversations(FleepResponse poll) =>
            poll.Stream().Where(r => r.GetProperty("mk_rec_type").GetString() == "conv")
                .Select(r => r.GetProperty("conversation_id").GetGuid()).Distinct().ToList();

        var all = (await client.PostAsync("/api/account/poll", new { api_version = 2, event_horizon = 0, wait = false })).EnsureOk();
        var skipping = (await client.PostAsync("/api/account/poll",
            new { api_version = 2, event_horizon = 0, wait = false, poll_flags = new[] { "skip_hidden" } })).EnsureOk();

        // Without the flag both conversations are there; with it only the shown one.
        var everything = Conversations(all);
        Assert.Equal(2, everything.Count);
        Assert.Contains(shown, everything);
        Assert.Contains(hidden, everything);
        Assert.Equal([shown], Conversations(skipping));
        Assert.Contains(skipping.Stream(), r => r.GetProperty("mk_rec_type").GetString() == "contact"
            && r.GetProperty("account_id").GetGuid() == client.AccountId);
        Assert.Equal(all.Horizon(), skipping.Horizon());
    }

    [Fact]
    public async Task A_change_reaches_every_session_of_the_account_once()
    {
        using var first = await server.NewAccountAsync();
        using var second = server.NewClient();
        await second.LoginAsync(first.Email, "correct horse");
        var horizon = (await first.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        (await first.PostAsync("/api/account/configure", new { display_name = "Renamed" })).EnsureOk();

        foreach (var session in new[] { first, second })
        {
            var poll = (await session.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false })).EnsureOk();
            var record = Assert.Single(poll.Stream());
            Assert.Equal("contact", record.GetProperty("mk_rec_type").GetString());
            Assert.Equal("Renamed", record.GetProperty("display_name").GetString());
            Assert.Equal(horizon + 1, poll.Horizon());

            var again = (await session.PostAsync("/api/account/poll", new { event_horizon = poll.Horizon(), wait = false })).EnsureOk();
            Assert.Empty(again.Stream());
            Assert.Equal(poll.Horizon(), again.Horizon());
        }
    }

    [Fact]
    public async Task A_client_resuming_from_an_old_horizon_gets_everything_after_it()
    {
        using var client = await server.NewAccountAsync();
        var start = (await client.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        for (var i = 1; i <= 5; i++)
        {
            (await client.PostAsync("/api/account/configure", new { display_name = $"Name {i}" })).EnsureOk();
        }

        var fromStart = (await client.PostAsync("/api/account/poll", new { event_horizon = start, wait = false })).EnsureOk();
        var fromMiddle = (await client.PostAsync("/api/account/poll", new { event_horizon = start + 3, wait = false })).EnsureOk();

        Assert.Equal(["Name 1", "Name 2", "Name 3", "Name 4", "Name 5"], fromStart.Stream().Select(r => r.GetProperty("display_name").GetString()!));
        Assert.Equal(["Name 4", "Name 5"], fromMiddle.Stream().Select(r => r.GetProperty("display_name").GetString()!));
        Assert.Equal(start + 5, fromStart.Horizon());
        Assert.Equal(start + 5, fromMiddle.Horizon());
    }

    [Fact]
    public async Task A_parked_poll_wakes_on_a_change_from_another_session()
    {
        using var poller = await server.NewAccountAsync();
        using var other = server.NewClient();
        await other.LoginAsync(poller.Email, "correct horse");
        var horizon = (await poller.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        var parkedBefore = server.Services.GetRequiredService<StreamWaiters>().Count;

        var poll = poller.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = true });
        await server.WaitForParkedAsync(parkedBefore + 1);
        Assert.False(poll.IsCompleted);
        (await other.PostAsync("/api/account/set_flag", new { client_flag = "woken" })).EnsureOk();

        var answer = (await poll.WaitAsync(Guard)).EnsureOk();
        Assert.Equal(horizon + 1, answer.Horizon());
        Assert.Contains("woken", Assert.Single(answer.Stream()).GetProperty("client_flags").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task An_empty_wait_returns_the_same_horizon_and_the_next_poll_parks_again()
    {
        using var client = await server.NewAccountAsync();
        var waiters = server.Services.GetRequiredService<StreamWaiters>();
        var horizon = (await client.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        var baseline = waiters.Count;

        // Still parked after 54 s of the 55 s wait: a change then is the answer. Had the wait ended
        // early, the poll would have answered empty without reading the stream again.
        var poll = client.PostAsync("/api/account/poll", new { event_horizon = horizon });
        await server.WaitForParkedAsync(baseline + 1);
        server.Clock.Advance(TimeSpan.FromSeconds(54));
        (await client.PostAsync("/api/account/set_flag", new { client_flag = "late" })).EnsureOk();
        var woken = (await poll.WaitAsync(Guard)).EnsureOk();
        Assert.Equal(horizon + 1, woken.Horizon());
        Assert.Single(woken.Stream());
        horizon = woken.Horizon();
        await WaitForCountAsync(waiters, baseline);

        // Nothing arrives: at 55 s the answer is empty with the same horizon.
        var quiet = client.PostAsync("/api/account/poll", new { event_horizon = horizon });
        await server.WaitForParkedAsync(baseline + 1);
        server.Clock.Advance(TimeSpan.FromSeconds(56));
        var empty = (await quiet.WaitAsync(Guard)).EnsureOk();
        Assert.Equal(horizon, empty.Horizon());
        Assert.Empty(empty.Stream());
        await WaitForCountAsync(waiters, baseline);

        // No tight loop: the next poll with the same horizon parks instead of answering at once; the
        // proof is that a change made after it parked is in its answer.
        var next = client.PostAsync("/api/account/poll", new { event_horizon = horizon });
        await server.WaitForParkedAsync(baseline + 1);
        (await client.PostAsync("/api/account/set_flag", new { client_flag = "after the empty wait" })).EnsureOk();
        var answer = (await next.WaitAsync(Guard)).EnsureOk();
        Assert.Equal(horizon + 1, answer.Horizon());
        Assert.Contains("after the empty wait", Assert.Single(answer.Stream()).GetProperty("client_flags").EnumerateArray().Select(f => f.GetString()));
    }

    /// <summary>Waits for the parked-poll count to come down to <paramref name="count"/>; the bound only fails a hung run.</summary>
    private static async Task WaitForCountAsync(StreamWaiters waiters, long count)
    {
        var deadline = DateTime.UtcNow + Guard * 3;
        while (waiters.Count > count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} parked polls, still {waiters.Count}");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_client_that_disconnects_releases_its_waiter_at_once()
    {
        using var client = await server.NewAccountAsync();
        var waiters = server.Services.GetRequiredService<StreamWaiters>();
        var horizon = (await client.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        var baseline = waiters.Count;
        using var abort = new CancellationTokenSource();

        var poll = client.PostAsync("/api/account/poll", new { event_horizon = horizon }, ct: abort.Token);
        await server.WaitForParkedAsync(baseline + 1);
        abort.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);

        // Released on the disconnect, long before the 55 s wait would end: the fake clock never
        // moves here, so only the disconnect can release it (the bound only fails a hung run).
        await WaitForCountAsync(waiters, baseline);
        Assert.Equal(baseline, waiters.Count);

        // The same path parks and answers again for a connected client.
        var again = client.PostAsync("/api/account/poll", new { event_horizon = horizon });
        await server.WaitForParkedAsync(baseline + 1);
        (await client.PostAsync("/api/account/set_flag", new { client_flag = "still connected" })).EnsureOk();
        Assert.Equal(horizon + 1, (await again.WaitAsync(Guard)).EnsureOk().Horizon());
    }

    [Fact]
    public async Task Horizons_never_handed_out_are_refused_without_waiting()
    {
        using var client = await server.NewAccountAsync();
        var horizon = (await client.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        (await client.PostAsync("/api/account/poll", new { event_horizon = -1 })).AssertError(400, "invalid_horizon");
        (await client.PostAsync("/api/account/poll", new { event_horizon = -5000 })).AssertError(400, "invalid_horizon");
        (await client.PostAsync("/api/account/poll", new { event_horizon = "abc" })).AssertError(400, "invalid_param");
        (await client.PostRawAsync("/api/account/poll", $"{{\"ticket\":\"{client.Ticket}\",\"event_horizon\":1e30}}")).AssertError(400, "invalid_param");
        (await client.PostRawAsync("/api/account/poll", $"{{\"ticket\":\"{client.Ticket}\",\"event_horizon\":99999999999999999999999}}")).AssertError(400, "invalid_param");
        (await client.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = "sometimes" })).AssertError(400, "invalid_param");
        // A numeric string is a horizon too (the RapidAPI connector sends text).
        (await client.PostAsync("/api/account/poll", new { event_horizon = horizon.ToString(), wait = false })).EnsureOk();
    }

    /// <summary>
    /// After a restore from an older backup, every client comes back with a horizon the database
    /// never handed out. Each gets what its first poll got: the snapshot and a fresh horizon, at
    /// once, even when it asked to wait; polling on from there works as usual.
    /// </summary>
    [Fact]
    public async Task A_horizon_beyond_the_stream_starts_the_client_over_with_a_snapshot()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        var conversationId = await alice.CreateConversationAsync("restored", bob);
        var first = (await alice.PostAsync("/api/account/poll", new { event_horizon = 0, wait = false })).EnsureOk();
        var head = first.Horizon();
        Assert.True(head > 0);

        foreach (var beyond in new[] { head + 1, head + 5000, long.MaxValue })
        {
            var again = (await alice.PostAsync("/api/account/poll", new { event_horizon = beyond, wait = true })).EnsureOk();
            Assert.Equal(head, again.Horizon());
            var kinds = again.Stream().Select(r => r.Str("mk_rec_type")).ToList();
            Assert.Equal(first.Stream().Count, kinds.Count);
            Assert.Contains("contact", kinds);
            Assert.Contains(again.Stream(), r => r.Str("mk_rec_type") == "conv" && r.Str("conversation_id") == conversationId.ToString());
        }

        (await bob.SendAsync(conversationId, "after the restore")).EnsureOk();
        var next = (await alice.PostAsync("/api/account/poll", new { event_horizon = head, wait = true })).EnsureOk();
        Assert.Contains(next.Stream(), r => r.Str("mk_rec_type") == "message" && r.Str("message").Contains("after the restore"));
    }

    [Fact]
    public async Task Another_accounts_changes_never_reach_this_stream()
    {
        using var mine = await server.NewAccountAsync();
        using var theirs = await server.NewAccountAsync();
        var horizon = (await mine.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        (await theirs.PostAsync("/api/account/configure", new { display_name = "Private rename", phone_nr = "5550000" })).EnsureOk();

        var poll = (await mine.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false })).EnsureOk();
        Assert.Empty(poll.Stream());
        Assert.Equal(horizon, poll.Horizon());

        // The same poll does carry this account's own change.
        (await mine.PostAsync("/api/account/configure", new { display_name = "Own rename" })).EnsureOk();
        var own = (await mine.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false })).EnsureOk();
        Assert.Equal("Own rename", Assert.Single(own.Stream()).GetProperty("display_name").GetString());
    }

    [Fact]
    public async Task Applying_polled_records_to_the_old_sync_gives_the_new_sync()
    {
        using var client = await server.NewAccountAsync();
        using var other = server.NewClient();
        await other.LoginAsync(client.Email, "correct horse");
        var before = (await client.PostAsync("/api/account/sync")).EnsureOk();
        var cache = new Dictionary<string, Dictionary<string, string>>();
        before.Stream().MergeInto(cache);

        (await other.PostAsync("/api/account/configure", new { display_name = "Verified", phone_nr = "123", is_full_privacy = true })).EnsureOk();
        (await other.PostAsync("/api/account/set_flag", new { client_flag = "verified_flag" })).EnsureOk();
        var polled = (await client.PostAsync("/api/account/poll", new { event_horizon = before.Horizon(), wait = false })).EnsureOk();
        polled.Stream().MergeInto(cache);

        var after = (await client.PostAsync("/api/account/sync")).EnsureOk();
        var fresh = new Dictionary<string, Dictionary<string, string>>();
        after.Stream().MergeInto(fresh);
        Assert.Equal(after.Horizon(), polled.Horizon());
        Assert.Equal(JsonSerializer.Serialize(fresh.OrderBy(p => p.Key)), JsonSerializer.Serialize(cache.OrderBy(p => p.Key)));
    }
}
