using FleepServer.Tests.Infrastructure;
using FleepServer.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FleepServer.Tests.Mail;

/// <summary>
/// The e-mail preference links of a digest (docs/mail.md, "E-mail preferences"), end to end: the
/// unsubscribe link and <c>configure_email_interval</c> work without a session, any number of times
/// until the id expires; the owner's sessions see the new <c>mk_email_interval</c>; an unsubscribed
/// account gets no more digests; bad, unknown, other-purpose and expired ids are Fleep errors.
/// </summary>
public sealed class EmailPreferenceTests(DigestMailFixture server) : IClassFixture<DigestMailFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Bob, with a digest of Alice's message in his mailbox: the digest and the preference id its links carry.</summary>
    private async Task<(FleepTestClient Alice, FleepTestClient Bob, Guid ConversationId, ReceivedMail Digest, string Id)> DigestedAsync()
    {
        var alice = await server.NewAccountAsync("Alice");
        var bob = await server.NewAccountAsync("Bob");
        var conversationId = await alice.CreateConversationAsync("Preferences", bob);
        (await alice.SendAsync(conversationId, "are you there?")).EnsureOk();
        server.Clock.Advance(TimeSpan.FromMinutes(61));
        var digest = await server.Smtp.WaitForAsync(bob.Email, timeout: Bound);
        return (alice, bob, conversationId, digest, digest.LinkParameter("notification_id"));
    }

    private static async Task<string> OwnIntervalAsync(FleepTestClient client, long horizon)
    {
        var contacts = (await client.PollToEndAsync(horizon)).ContactsAbout(client.AccountId);
        Assert.NotEmpty(contacts);
        return contacts[^1].Str("mk_email_interval");
    }

    [Fact]
    public async Task The_unsubscribe_link_sets_never_the_owner_sees_it_and_no_more_digests_come()
    {
        var (alice, bob, conversationId, digest, id) = await DigestedAsync();
        using var _ = alice;
        using var __ = bob;
        var horizon = await bob.HorizonAsync();
        Assert.Contains($"/unsubscribe?notification_id={id}", digest.Text);

        using var anonymous = server.NewClient();
        var answer = (await anonymous.PostAsync("/api/account/unsubscribe", new { notification_id = id }, withTicket: false)).EnsureOk();
        Assert.Empty(answer.Json.EnumerateObject());
        Assert.Equal("never", await OwnIntervalAsync(bob, horizon));
        Assert.Equal("never", (await bob.PostAsync("/api/account/configure")).EnsureOk().Json.GetProperty("profiles")[0].Str("mk_email_interval"));

        // A second click works too (the link is not used up), even with another account's cookie sent along.
        (await alice.PostRawAsync("/api/account/unsubscribe", $$"""{"notification_id":"{{id}}"}""")).EnsureOk();

        // Another unread message, another window: no digest for Bob.
        (await alice.SendAsync(conversationId, "still there?")).EnsureOk();
        server.Clock.Advance(TimeSpan.FromMinutes(121));
        await server.SweepAsync();
        Assert.Equal(1, await server.DigestsQueuedOrReceivedAsync(bob.Email));
    }

    [Fact]
    public async Task Configure_email_interval_from_the_link_sets_each_interval_and_the_owner_sees_it()
    {
        var (alice, bob, _, _, id) = await DigestedAsync();
        using var a = alice;
        using var b = bob;
        using var anonymous = server.NewClient();
        foreach (var interval in new[] { "daily", "never", "hourly", "default", "daily" })
        {
            var horizon = await bob.HorizonAsync();
            (await anonymous.PostAsync("/api/account/configure_email_interval", new { notification_id = id, email_interval = interval },
                withTicket: false)).EnsureOk();
            Assert.Equal(interval, await OwnIntervalAsync(bob, horizon));
        }

        (await anonymous.PostAsync("/api/account/configure_email_interval", new { notification_id = id, email_interval = "weekly" },
            withTicket: false)).AssertError(400, "invalid_param");
        (await anonymous.PostAsync("/api/account/configure_email_interval", new { notification_id = id }, withTicket: false))
            .AssertError(400, "missing_param");
        (await anonymous.PostAsync("/api/account/configure_email_interval", new { email_interval = "daily" }, withTicket: false))
            .AssertError(400);
        Assert.Equal("daily", (await bob.PostAsync("/api/account/configure")).EnsureOk().Json.GetProperty("profiles")[0].Str("mk_email_interval"));
    }

    [Fact]
    public async Task Unknown_malformed_other_purpose_and_expired_ids_are_refused()
    {
        using var anonymous = server.NewClient();
        foreach (var bad in new[] { "", "nonsense", new string('a', 32), Guid.NewGuid().ToString("N") })
        {
            var unsubscribe = await anonymous.PostAsync("/api/account/unsubscribe", new { notification_id = bad }, withTicket: false);
            var configure = await anonymous.PostAsync("/api/account/configure_email_interval", new { notification_id = bad, email_interval = "daily" },
                withTicket: false);
            foreach (var response in new[] { unsubscribe, configure })
            {
                // An empty id is a missing parameter; the others are ids that do not work.
                response.AssertError(bad.Length == 0 ? 400 : 431, bad.Length == 0 ? null : "invalid_notification");
            }
        }

        (await anonymous.PostAsync("/api/account/unsubscribe", new { notification_id = new string('a', 500) }, withTicket: false)).AssertError(400);
        (await anonymous.PostRawAsync("/api/account/unsubscribe", "{\"notification_id\": 5}")).AssertError(400);

        // A password reset's id is not a preference id.
        var (alice, bob, _, _, id) = await DigestedAsync();
        using var a = alice;
        using var b = bob;
        (await anonymous.PostAsync("/api/account/reset_password", new { email = bob.Email }, withTicket: false)).EnsureOk();
        var reset = await server.Smtp.WaitForAsync(bob.Email, m => m.Subject == "Reset your password", Bound);
        (await anonymous.PostAsync("/api/account/unsubscribe", new { notification_id = reset.LinkParameter("notification_id") }, withTicket: false))
            .AssertError(431, "invalid_notification");

        // The preference id works until its lifetime is over, then no more.
        var lifetime = server.Services.GetRequiredService<IOptions<FleepOptions>>().Value.Mail.PreferencesLifetime;
        server.Clock.Advance(lifetime - TimeSpan.FromHours(2));
        (await anonymous.PostAsync("/api/account/configure_email_interval", new { notification_id = id, email_interval = "daily" }, withTicket: false))
            .EnsureOk();
        server.Clock.Advance(TimeSpan.FromHours(3));
        (await anonymous.PostAsync("/api/account/unsubscribe", new { notification_id = id }, withTicket: false)).AssertError(431, "invalid_notification");
        (await anonymous.PostAsync("/api/account/configure_email_interval", new { notification_id = id, email_interval = "hourly" }, withTicket: false))
            .AssertError(431, "invalid_notification");
        await using var db = server.OpenDb();
        Assert.Equal("daily", db.Accounts.Single(x => x.Id == bob.AccountId).EmailInterval);
    }

    [Fact]
    public async Task Many_clicks_at_once_on_one_link_all_succeed_and_one_interval_wins()
    {
        var (alice, bob, _, _, id) = await DigestedAsync();
        using var a = alice;
        using var b = bob;
        var intervals = new[] { "daily", "never", "hourly" };
        var horizon = await bob.HorizonAsync();
        var clients = Enumerable.Range(0, 12).Select(_ => server.NewClient()).ToList();
        try
        {
            var responses = await ConcurrentCalls.RunAsync(clients.Select((c, i) => (Func<Task<FleepResponse>>)(i % 4 == 3
                ? () => c.PostAsync("/api/account/unsubscribe", new { notification_id = id }, withTicket: false)
                : () => c.PostAsync("/api/account/configure_email_interval", new { notification_id = id, email_interval = intervals[i % 3] },
                    withTicket: false))));
            server.AssertAllOk(responses);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        var shown = (await bob.PostAsync("/api/account/configure")).EnsureOk().Json.GetProperty("profiles")[0].Str("mk_email_interval");
        Assert.Contains(shown, intervals);
        // The owner's stream ends with the interval that won.
        Assert.Equal(shown, await OwnIntervalAsync(bob, horizon));
    }
}

/// <summary>The preference calls are rate-limited per client IP like the other calls that act on a mailed link.</summary>
public sealed class EmailPreferenceRateLimitTests(TightLimitsServerFixture server) : IClassFixture<TightLimitsServerFixture>
{
    [Fact]
    public async Task Guessing_ids_runs_into_the_per_ip_limit()
    {
        using var client = server.NewClient();
        var statuses = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            var path = i % 2 == 0 ? "/api/account/unsubscribe" : "/api/account/configure_email_interval";
            statuses.Add((await client.PostAsync(path, new { notification_id = Guid.NewGuid().ToString("N"), email_interval = "never" },
                withTicket: false)).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(431, 7).Append(429), statuses);
    }
}
