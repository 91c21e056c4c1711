using System.Diagnostics;
using FleepServer.Testing;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.StandIn;

/// <summary>
/// The stand-in another project's tests start in one line (FleepServer.Testing): a real server over
/// its own database, driven here only through what the package offers its users.
/// </summary>
public sealed class FleepStandInTests(PostgresServer postgres)
{
    [Fact]
    public async Task Two_accounts_exchange_a_message_through_a_stand_in()
    {
        Assert.NotEmpty(postgres.Source);
        await using var fleep = await FleepStandIn.StartAsync();
        using var alice = await fleep.CreateAccountAsync("alice@example.org", "Alice");
        using var bob = await fleep.CreateAccountAsync("bob@example.org", "Bob");

        var conversationId = await alice.CreateConversationAsync("Plans", "bob@example.org");
        var sent = await alice.SendAsync(conversationId, "lunch at noon?");

        var seen = await bob.WaitForMessageAsync(conversationId, "lunch at noon?");
        Assert.Equal(sent, seen.GetProperty("message_nr").GetInt64());
        Assert.Equal(alice.AccountId, seen.GetProperty("account_id").GetString());

        var stored = (await fleep.MessagesAsync(conversationId)).Where(m => m.MkMessageType == "text").ToList();
        Assert.Single(stored);
        Assert.Equal("lunch at noon?", stored[0].Text);
        Assert.Equal("alice@example.org", stored[0].AuthorEmail);
    }

    [Fact]
    public async Task A_hook_post_and_an_outgoing_call_are_visible_to_the_test()
    {
        await using var fleep = await FleepStandIn.StartAsync();
        using var owner = await fleep.CreateAccountAsync("owner@example.org");
        var conversationId = await owner.CreateConversationAsync("Builds");
        var hookUrl = await owner.CreateHookAsync(conversationId, "CI");
        var hooks = (await owner.PostAsync($"api/conversation/show_hooks/{conversationId}")).GetProperty("hooks");
        Assert.Equal(1, hooks.GetArrayLength());
        await owner.PostAsync($"api/conversation/configure_hook/{conversationId}", new
        {
            hook_key = hooks[0].GetProperty("hook_key").GetString(),
            outgoing_url = new Uri(fleep.BaseAddress, "nowhere").ToString(),
        });

        using var http = new HttpClient();
        (await http.PostAsync(hookUrl, new StringContent("""{"message":"build 42 passed"}""", System.Text.Encoding.UTF8, "application/json")))
            .EnsureSuccessStatusCode();

        var stored = (await fleep.MessagesAsync(conversationId)).Where(m => m.HookKey is not null).ToList();
        Assert.Single(stored);
        Assert.Equal("build 42 passed", stored[0].Text);

        // A member's message goes out to the hook's outgoing URL (a hook's own posts never do).
        await owner.SendAsync(conversationId, "deploy it");
        var deadline = Stopwatch.StartNew();
        while (fleep.OutgoingCalls.Count == 0 && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        var call = Assert.Single(fleep.OutgoingCalls.Take(1));
        Assert.Contains("deploy it", call.Body);
        Assert.EndsWith("/nowhere", call.Url);
        Assert.Equal(404, call.StatusCode);
    }

    [Fact]
    public async Task Reset_empties_the_data_and_ends_every_session()
    {
        await using var fleep = await FleepStandIn.StartAsync();
        using var alice = await fleep.CreateAccountAsync("alice@example.org");
        var conversationId = await alice.CreateConversationAsync("Before the reset");
        await alice.SendAsync(conversationId, "gone soon");

        await fleep.ResetAsync();

        var refused = await Assert.ThrowsAsync<FleepApiException>(() => alice.PostAsync("api/account/sync"));
        Assert.Equal("not_authenticated", refused.ErrorId);
        Assert.Empty(await fleep.MessagesAsync(conversationId));
        // The same address is free again, and the server works as before.
        using var again = await fleep.CreateAccountAsync("alice@example.org");
        Assert.NotEqual(alice.AccountId, again.AccountId);
        var fresh = await again.CreateConversationAsync("After the reset");
        Assert.Equal(fresh.Length, conversationId.Length);
    }

    [Fact]
    public async Task The_clock_moves_sessions_towards_their_expiry()
    {
        await using var fleep = await FleepStandIn.StartAsync();
        using var alice = await fleep.CreateAccountAsync("alice@example.org");
        await alice.PostAsync("api/account/sync");

        // A session not remembered lasts one day (Fleep:Login:SessionLifetime).
        var before = fleep.Clock.GetUtcNow();
        var after = fleep.Clock.Advance(TimeSpan.FromDays(2));
        Assert.True(after - before >= TimeSpan.FromDays(2));

        var refused = await Assert.ThrowsAsync<FleepApiException>(() => alice.PostAsync("api/account/sync"));
        Assert.Equal(401, refused.StatusCode);
    }

    [Fact]
    public async Task A_test_reads_the_links_of_the_mails_its_flows_cause()
    {
        await using var fleep = await FleepStandIn.StartAsync();
        using var alice = await fleep.CreateAccountAsync("alice@example.org", "Alice");
        using var bob = await fleep.CreateAccountAsync("bob@example.org", "Bob");

        // A password reset: the mail's link carries the id confirm_password takes.
        using var anonymous = fleep.NewClient();
        await anonymous.PostAsync("api/account/reset_password", new { email = "alice@example.org" });
        var reset = await fleep.WaitForMailAsync("alice@example.org", m => m.Purpose == "reset_password");
        Assert.Equal("sent", reset.State);
        var resetId = System.Text.RegularExpressions.Regex.Match(reset.Text, "notification_id=([0-9a-f]{32})").Groups[1].Value;
        await anonymous.PostAsync("api/account/confirm_password", new { notification_id = resetId, password = "a brand new one" });
        await alice.LoginAsync("alice@example.org", "a brand new one");

        // A digest: Bob leaves Alice's message unread for an hour; the test moves the clock and sweeps.
        var conversationId = await alice.CreateConversationAsync("Lunch", "bob@example.org");
        await alice.SendAsync(conversationId, "noon at the usual place?");
        fleep.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(1, await fleep.SendDigestsAsync());
        var digest = await fleep.WaitForMailAsync("bob@example.org", m => m.Purpose == "digest");
        Assert.Contains("noon at the usual place?", digest.Text);
        var unsubscribe = System.Text.RegularExpressions.Regex.Match(digest.Text, "/unsubscribe\\?notification_id=([0-9a-f]{32})").Groups[1].Value;
        Assert.Equal(32, unsubscribe.Length);
        await anonymous.PostAsync("api/account/unsubscribe", new { notification_id = unsubscribe });
        var profile = await bob.PostAsync("api/account/configure");
        Assert.Equal("never", profile.GetProperty("profiles")[0].GetProperty("mk_email_interval").GetString());

        // The same list over HTTP (_test/mails), for tests in other languages.
        var listed = (await anonymous.PostAsync("_test/mails")).GetProperty("mails").EnumerateArray().ToList();
        Assert.Equal(2, listed.Count);
        Assert.Equal(["reset_password", "digest"], listed.Select(m => m.GetProperty("purpose").GetString()));
        Assert.Equal(2, (await fleep.MailsAsync()).Count);

        await fleep.ResetAsync();
        Assert.Empty(fleep.Mails);
    }

    [Fact]
    public async Task Accounts_made_at_once_are_all_made_and_one_address_only_once()
    {
        await using var fleep = await FleepStandIn.StartAsync();
        var distinct = Enumerable.Range(0, 16).Select(i => fleep.CreateAccountAsync($"member{i}@example.org")).ToList();
        var same = Enumerable.Range(0, 4).Select(_ => Attempt(() => fleep.CreateAccountAsync("twice@example.org"))).ToList();

        var made = await Task.WhenAll(distinct);
        var raced = await Task.WhenAll(same);

        Assert.Equal(16, made.Length);
        Assert.Equal(16, made.Select(c => c.AccountId).Distinct().Count());
        Assert.Equal(4, raced.Length);
        Assert.Single(raced, r => r.Error is null);
        Assert.All(raced.Where(r => r.Error is not null), r => Assert.Equal("email_taken", r.Error!.ErrorId));
    }

    private static async Task<(FleepClient? Client, FleepApiException? Error)> Attempt(Func<Task<FleepClient>> create)
    {
        try
        {
            return (await create(), null);
        }
        catch (FleepApiException e)
        {
            return (null, e);
        }
    }
}

/// <summary>
/// Start-up cost and clean-up of stand-ins started one after another, as a test suite with a
/// stand-in per test class does. The PostgreSQL side is already up (the suite's own source); the
/// first stand-in of the process also pays for loading and compiling the server, the 20 after it
/// for a template clone and a server each. It runs alone (after the parallel classes), so the
/// times it prints are not those of a machine busy with other tests.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class FleepStandInLifecycleTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const int Count = 20;

    [Fact]
    public async Task Twenty_stand_ins_in_a_row_start_within_two_seconds_each_and_leave_nothing_behind()
    {
        Assert.NotEmpty(postgres.Source);
        var times = new List<TimeSpan>();
        var databases = new List<string>();
        var folders = new List<string>();
        var admin = "";
        var first = Stopwatch.StartNew();
        await (await FleepStandIn.StartAsync()).DisposeAsync();
        var firstTime = first.Elapsed;
        for (var i = 0; i < Count; i++)
        {
            var clock = Stopwatch.StartNew();
            await using var fleep = await FleepStandIn.StartAsync();
            times.Add(clock.Elapsed);
            databases.Add(new Npgsql.NpgsqlConnectionStringBuilder(fleep.ConnectionString).Database!);
            folders.Add(fleep.Folder);
            admin = new Npgsql.NpgsqlConnectionStringBuilder(fleep.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
            using var someone = await fleep.CreateAccountAsync($"user{i}@example.org");
            Assert.NotNull(someone.Ticket);
        }

        Assert.Equal(Count, times.Count);
        var sorted = times.Order().ToList();
        output.WriteLine($"stand-in start: first {firstTime.TotalMilliseconds:0} ms, then median of {Count} " +
            $"{sorted[Count / 2].TotalMilliseconds:0} ms, slowest {sorted[^1].TotalMilliseconds:0} ms");
        Assert.All(times, t => Assert.True(t < TimeSpan.FromSeconds(2), $"a stand-in took {t.TotalMilliseconds:0} ms to start"));

        Assert.Equal(Count, folders.Count);
        Assert.All(folders, f => Assert.False(Directory.Exists(f), $"{f} is left behind"));
        await using var connection = new Npgsql.NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = ANY(@names)", connection);
        command.Parameters.AddWithValue("names", databases.ToArray());
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }
}
