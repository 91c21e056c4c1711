using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Streams;

/// <summary>Writing pens through conversation/show_activity, as activity records in the other members' streams.</summary>
public sealed class WritingIndicatorTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static async Task<List<System.Text.Json.JsonElement>> ActivitySinceAsync(FleepTestClient client, long horizon) =>
        (await client.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false })).EnsureOk().Stream()
            .Where(r => r.Str("mk_rec_type") == "activity").ToList();

    [Fact]
    public async Task A_pen_reaches_the_other_member_shows_in_show_activity_and_expires_after_thirty_seconds()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("pens", bob);
        var bobHorizon = (await bob.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        var aliceHorizon = (await alice.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        var own = (await alice.ConvAsync("show_activity", conversation, new { is_writing = true })).EnsureOk();

        // The answer holds the OTHER members' activity: bob's, pen off.
        var bobNow = Assert.Single(own.Stream());
        Assert.Equal(bob.AccountId, bobNow.GetProperty("account_id").GetGuid());
        Assert.False(bobNow.Bool("is_writing"));
        var pen = Assert.Single(await ActivitySinceAsync(bob, bobHorizon));
        Assert.Equal(alice.AccountId, pen.GetProperty("account_id").GetGuid());
        Assert.Equal(conversation, pen.GetProperty("conversation_id").GetGuid());
        Assert.True(pen.Bool("is_writing"));
        Assert.True(pen.Has("activity_time"));
        Assert.Empty(await ActivitySinceAsync(alice, aliceHorizon));

        var seen = Assert.Single((await bob.ConvAsync("show_activity", conversation, new { })).EnsureOk().Stream());
        Assert.True(seen.Bool("is_writing"));

        server.Clock.Advance(TimeSpan.FromSeconds(31));
        var expired = Assert.Single((await bob.ConvAsync("show_activity", conversation, new { })).EnsureOk().Stream());
        Assert.False(expired.Bool("is_writing"));
    }

    [Fact]
    public async Task A_pen_that_runs_out_reaches_the_other_members_poll_as_writing_off()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("expiring pen", bob);
        (await alice.ConvAsync("show_activity", conversation, new { is_writing = true })).EnsureOk();
        var bobHorizon = (await bob.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        var aliceHorizon = (await alice.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        // Bob's poll is parked when the pen runs out; the expiry wakes it.
        var parkedBefore = server.Services.GetRequiredService<FleepServer.Streams.StreamWaiters>().Count;
        var parked = bob.PostAsync("/api/account/poll", new { event_horizon = bobHorizon });
        await server.WaitForParkedAsync(parkedBefore + 1);
        server.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await ActivitySinceAsync(bob, bobHorizon));
        server.Clock.Advance(TimeSpan.FromSeconds(2));

        var woken = (await parked.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken)).EnsureOk();
        var off = Assert.Single(woken.Stream());
        Assert.Equal("activity", off.Str("mk_rec_type"));
        Assert.Equal(alice.AccountId, off.GetProperty("account_id").GetGuid());
        Assert.Equal(conversation, off.GetProperty("conversation_id").GetGuid());
        Assert.False(off.Bool("is_writing"));
        Assert.Empty(await ActivitySinceAsync(alice, aliceHorizon));

        // Ended once: later sweeps add nothing. Sweeps run one after another, so once a second pen,
        // set after two more minutes, has been ended, any repeat of the first end would be there too.
        server.Clock.Advance(TimeSpan.FromMinutes(2));
        (await alice.ConvAsync("show_activity", conversation, new { is_writing = true })).EnsureOk();
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        var seen = await WaitForActivityAsync(bob, bobHorizon, 3);
        Assert.Equal([false, true, false], seen.Select(a => a.Bool("is_writing")));
        Assert.All(seen, a => Assert.Equal(alice.AccountId, a.GetProperty("account_id").GetGuid()));
    }

    /// <summary>Polls until the account has this many activity records; the bound only fails a hung run.</summary>
    private static async Task<List<System.Text.Json.JsonElement>> WaitForActivityAsync(FleepTestClient client, long horizon, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var seen = await ActivitySinceAsync(client, horizon);
            if (seen.Count >= count)
            {
                Assert.Equal(count, seen.Count);
                return seen;
            }

            Assert.True(DateTime.UtcNow < deadline, $"expected {count} activity records, have {seen.Count}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_renewed_pen_does_not_run_out_and_full_privacy_pens_never_reach_anyone()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var hermit = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("renewed", bob, hermit);
        (await hermit.PostAsync("/api/account/configure", new { is_full_privacy = true })).EnsureOk();
        (await alice.ConvAsync("show_activity", conversation, new { is_writing = true })).EnsureOk();
        (await hermit.ConvAsync("show_activity", conversation, new { is_writing = true })).EnsureOk();
        // A probe: bob's pen, never renewed, runs out at 30 s in the same sweep that would wrongly
        // end alice's pen had her renewal been ignored.
        (await bob.ConvAsync("show_activity", conversation, new { is_writing = true })).EnsureOk();
        var bobHorizon = (await bob.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        var hermitHorizon = (await hermit.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        server.Clock.Advance(TimeSpan.FromSeconds(20));
        (await alice.ConvAsync("show_activity", conversation, new { is_writing = true })).EnsureOk();
        var aliceHorizon = (await alice.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        server.Clock.Advance(TimeSpan.FromSeconds(20));
        var probe = await WaitForActivityAsync(alice, aliceHorizon, 1);
        Assert.Equal(bob.AccountId, probe[0].GetProperty("account_id").GetGuid());
        Assert.False(probe[0].Bool("is_writing"));

        // At 40 s alice's pen (renewed at 20 s) is still on: bob has only the renewal.
        var bobSees = await ActivitySinceAsync(bob, bobHorizon);
        Assert.True(Assert.Single(bobSees).Bool("is_writing"));

        // It runs out 30 s after the renewal.
        server.Clock.Advance(TimeSpan.FromSeconds(15));
        var both = await WaitForActivityAsync(bob, bobHorizon, 2);
        Assert.Equal([true, false], both.Select(a => a.Bool("is_writing")));
        Assert.All(both, a => Assert.Equal(alice.AccountId, a.GetProperty("account_id").GetGuid()));
        Assert.Empty(await ActivitySinceAsync(hermit, hermitHorizon));
    }

    [Fact]
    public async Task Posting_a_message_ends_the_pen_with_a_read_receipt()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("pen then post", bob);
        (await alice.ConvAsync("show_activity", conversation, new { is_writing = true })).EnsureOk();
        var bobHorizon = (await bob.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        var nr = (await alice.SendAsync(conversation, "done writing")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();

        var receipt = Assert.Single(await ActivitySinceAsync(bob, bobHorizon));
        Assert.False(receipt.Bool("is_writing"));
        Assert.Equal(nr, receipt.Long("read_message_nr"));
        Assert.False(Assert.Single((await bob.ConvAsync("show_activity", conversation, new { })).EnsureOk().Stream()).Bool("is_writing"));
    }

    [Fact]
    public async Task Full_privacy_accounts_neither_send_nor_receive_pens()
    {
        using var alice = await server.NewAccountAsync();
        using var hermit = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("privacy", hermit);
        (await hermit.PostAsync("/api/account/configure", new { is_full_privacy = true })).EnsureOk();
        var aliceHorizon = (await alice.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        var hermitHorizon = (await hermit.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        (await hermit.ConvAsync("show_activity", conversation, new { is_writing = true })).EnsureOk();
        (await alice.ConvAsync("show_activity", conversation, new { is_writing = true })).EnsureOk();

        Assert.Empty(await ActivitySinceAsync(alice, aliceHorizon));
        Assert.Empty(await ActivitySinceAsync(hermit, hermitHorizon));
        Assert.Empty((await hermit.ConvAsync("show_activity", conversation, new { })).EnsureOk().Stream());
        Assert.Empty((await alice.ConvAsync("show_activity", conversation, new { })).EnsureOk().Stream());
    }

    [Fact]
    public async Task Outsiders_get_the_unknown_conversation_error_and_bad_input_is_refused()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var outsider = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("closed", bob);

        (await outsider.ConvAsync("show_activity", conversation, new { is_writing = true })).AssertError(430, "not_found");
        (await outsider.ConvAsync("show_activity", Guid.NewGuid(), new { })).AssertError(430, "not_found");
        (await alice.PostAsync("/api/conversation/show_activity/not-a-uuid", new { })).AssertError(400);
        (await alice.ConvAsync("show_activity", conversation, new { is_writing = "often" })).AssertError(400);
        (await alice.ConvAsync("show_activity", conversation, new { is_writing = true, message_nr = 999 })).AssertError(400);
    }
}
