using FleepServer.Domain.Mail;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FleepServer.Tests.Mail;

/// <summary>A mail server whose digest job sweeps every 200 ms (real time); the tests move the fake clock.</summary>
public sealed class DigestMailFixture(PostgresServer postgres) : MailServerFixture(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Mail:DigestSweepInterval"] = "00:00:00.200",
    };

    /// <summary>Moves the clock to <paramref name="minutes"/> past the next full UTC hour: the tests' windows are hours.</summary>
    public DateTimeOffset AdvanceToNextHour(int minutes)
    {
        var now = Clock.GetUtcNow();
        var next = MailDigests.WindowStart(now, TimeSpan.FromHours(1)).AddHours(1).AddMinutes(minutes);
        Clock.Advance(next - now);
        return next;
    }

    /// <summary>Moves the clock to <paramref name="time"/> (never back).</summary>
    public void AdvanceTo(DateTimeOffset time)
    {
        var now = Clock.GetUtcNow();
        Assert.True(time >= now, "the clock only moves forward");
        Clock.Advance(time - now);
    }

    /// <summary>Runs one digest sweep in the process of <paramref name="services"/> (the server's own by default) and answers how many it queued.</summary>
    public async Task<int> SweepAsync(IServiceProvider? services = null)
    {
        await using var scope = (services ?? Services).CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MailDigests>().SweepAsync(CancellationToken.None);
    }

    /// <summary>
    /// Every digest committed for <paramref name="address"/> so far, by outbox id: those in the
    /// outbox (read first, so none is missed) and those the SMTP server received (their
    /// <c>Message-Id</c> names the outbox id), a mail sent in between counted once.
    /// </summary>
    public async Task<int> DigestsQueuedOrReceivedAsync(string address)
    {
        List<long> queued;
        await using (var db = OpenDb())
        {
            queued = await db.OutgoingMails.Where(m => m.ToAddress == address && m.Kind == MailTemplates.DigestKind).Select(m => m.Id).ToListAsync();
        }

        var received = Smtp.MailsTo(address).Where(m => m.Subject.Contains("unread", StringComparison.Ordinal))
            .Select(m => long.Parse(m.MessageId.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture));
        return queued.Union(received).Count();
    }
}

/// <summary>
/// The digest of unread messages (docs/mail.md, "Digest"), over real SMTP with the fake clock: one
/// digest per account per window with the messages that stayed unread for an interval; none for
/// <c>never</c>, for invited addresses without an account, for messages read in time or in muted
/// conversations; the next window brings the next digest; two server
/// processes on one database never mail one window twice; the HTML part escapes what it shows.
/// </summary>
public sealed class DigestTests(DigestMailFixture server) : IClassFixture<DigestMailFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task One_digest_per_window_and_a_message_that_comes_due_later_waits_for_the_next_window()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        var conversationId = await alice.CreateConversationAsync("Digest plans", bob);

        var hour = server.AdvanceToNextHour(minutes: 1);
        (await alice.SendAsync(conversationId, "first unread")).EnsureOk();
        server.AdvanceTo(hour.AddMinutes(30));
        (await alice.SendAsync(conversationId, "second unread")).EnsureOk();

        // An hour after the first message: it is due; the second is not yet.
        server.AdvanceTo(hour.AddMinutes(65));
        var first = await server.Smtp.WaitForAsync(bob.Email, m => m.Subject.Contains("unread", StringComparison.Ordinal), Bound);
        Assert.Equal("You have 2 unread messages", first.Subject);
        Assert.Contains("== Digest plans (2 unread) ==", first.Text);
        Assert.Contains("Alice: first unread", first.Text);
        Assert.DoesNotContain("second unread", first.Text);

        // The second comes due within the same window: it waits.
        server.AdvanceTo(hour.AddMinutes(95));
        await server.SweepAsync();
        Assert.Equal(1, await server.DigestsQueuedOrReceivedAsync(bob.Email));

        // The next window brings it, and only it.
        server.AdvanceTo(hour.AddMinutes(121));
        var second = await server.Smtp.WaitForAsync(bob.Email, m => m.Text.Contains("second unread", StringComparison.Ordinal), Bound);
        Assert.DoesNotContain("first unread", second.Text);
        Assert.Contains("Alice: second unread", second.Text);
        await server.SweepAsync();
        Assert.Equal(2, await server.DigestsQueuedOrReceivedAsync(bob.Email));

        // The author gets none: the messages are its own.
        Assert.Equal(0, await server.DigestsQueuedOrReceivedAsync(alice.Email));
    }

    [Fact]
    public async Task The_digest_names_the_conversation_links_the_server_and_carries_an_unsubscribe_link()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        var conversationId = await alice.CreateConversationAsync("Release notes", bob);
        server.AdvanceToNextHour(minutes: 2);
        (await alice.SendAsync(conversationId, "please review")).EnsureOk();
        (await alice.SendAsync(conversationId, "the draft is ready")).EnsureOk();
        server.Clock.Advance(TimeSpan.FromMinutes(61));

        var mail = await server.Smtp.WaitForAsync(bob.Email, timeout: Bound);
        var home = server.BaseAddress.ToString().TrimEnd('/');
        Assert.Contains("== Release notes (2 unread) ==", mail.Text);
        Assert.Contains("Alice: please review\nAlice: the draft is ready", mail.Text.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Contains(Http.PublicUrl.Conversation(home, conversationId), mail.Text);
        Assert.Contains($"Open Fleep to reply: {home}", mail.Text);
        var id = mail.LinkParameter("notification_id");
        Assert.Equal(32, id.Length);
        Assert.Contains($"Unsubscribe: {home}/unsubscribe?notification_id={id}", mail.Text);
        Assert.Contains($"href=\"{home}/unsubscribe?notification_id={id}\"", mail.Html);
        Assert.Contains("Release notes", mail.Html);

        await using var db = server.OpenDb();
        var windows = await db.DigestWindows.Where(w => w.AccountId == bob.AccountId).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Single(windows);
        Assert.Equal(MailDigests.WindowStart(server.Clock.GetUtcNow(), TimeSpan.FromHours(1)), windows[0].WindowStart);
    }

    [Fact]
    public async Task An_account_with_never_and_an_invited_address_get_no_digest()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        using var carol = await server.NewAccountAsync("Carol");
        (await bob.PostAsync("/api/account/configure", new { email_interval = "never" })).EnsureOk();
        var invited = $"invited.{Guid.NewGuid():N}@example.org";
        var conversationId = (await alice.PostAsync("/api/conversation/create",
            new { topic = "Quiet please", account_ids = new[] { bob.AccountId, carol.AccountId }, emails = invited })).EnsureOk()
            .Header().GetProperty("conversation_id").GetGuid();
        server.AdvanceToNextHour(minutes: 1);
        (await alice.SendAsync(conversationId, "nobody reads this")).EnsureOk();
        server.Clock.Advance(TimeSpan.FromMinutes(70));

        // Carol's digest shows the sweep ran; Bob's never comes.
        await server.Smtp.WaitForAsync(carol.Email, timeout: Bound);
        await server.SweepAsync();
        Assert.Equal(0, await server.DigestsQueuedOrReceivedAsync(bob.Email));
        Assert.Equal(0, await server.DigestsQueuedOrReceivedAsync(invited));
        await using var db = server.OpenDb();
        Assert.Equal("new", (await db.Accounts.SingleAsync(a => a.Email == invited, TestContext.Current.CancellationToken)).Status);
        Assert.False(await db.DigestWindows.AnyAsync(w => w.AccountId == bob.AccountId, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Messages_read_in_time_and_muted_conversations_bring_no_digest()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        using var carol = await server.NewAccountAsync("Carol");
        var read = await alice.CreateConversationAsync("Read in time", bob, carol);
        var muted = await alice.CreateConversationAsync("Muted", bob);
        (await bob.ConvAsync("store", muted, new { mk_alert_level = "never" })).EnsureOk();
        server.AdvanceToNextHour(minutes: 1);
        (await alice.SendAsync(read, "read me soon")).EnsureOk();
        (await alice.SendAsync(muted, "muted chatter")).EnsureOk();
        server.Clock.Advance(TimeSpan.FromMinutes(20));
        (await bob.ConvAsync("mark_read", read)).EnsureOk();
        server.Clock.Advance(TimeSpan.FromMinutes(50));

        var carols = await server.Smtp.WaitForAsync(carol.Email, timeout: Bound);
        Assert.Contains("read me soon", carols.Text);
        await server.SweepAsync();
        Assert.Equal(0, await server.DigestsQueuedOrReceivedAsync(bob.Email));
    }

    [Fact]
    public async Task A_daily_account_gets_its_digest_once_the_message_stayed_unread_a_day()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        using var carol = await server.NewAccountAsync("Carol");
        (await bob.PostAsync("/api/account/configure", new { email_interval = "daily" })).EnsureOk();
        var conversationId = await alice.CreateConversationAsync("Slow news", bob, carol);
        var hour = server.AdvanceToNextHour(minutes: 1);
        (await alice.SendAsync(conversationId, "read it tomorrow")).EnsureOk();

        // An hour later the hourly reader has it; the daily one not yet.
        server.AdvanceTo(hour.AddMinutes(61));
        await server.Smtp.WaitForAsync(carol.Email, timeout: Bound);
        await server.SweepAsync();
        Assert.Equal(0, await server.DigestsQueuedOrReceivedAsync(bob.Email));

        // A day after the message: the daily digest, in a window of a day.
        server.AdvanceTo(hour.AddDays(1).AddMinutes(1));
        var mail = await server.Smtp.WaitForAsync(bob.Email, timeout: Bound);
        Assert.Contains("Alice: read it tomorrow", mail.Text);
        Assert.Contains("You get this mail daily", mail.Text);
        await server.SweepAsync();
        Assert.Equal(1, await server.DigestsQueuedOrReceivedAsync(bob.Email));
        await using var db = server.OpenDb();
        var window = await db.DigestWindows.SingleAsync(w => w.AccountId == bob.AccountId, TestContext.Current.CancellationToken);
        Assert.Equal(MailDigests.WindowStart(server.Clock.GetUtcNow(), TimeSpan.FromDays(1)), window.WindowStart);
    }

    [Fact]
    public async Task Two_processes_on_one_database_never_mail_one_window_twice()
    {
        using var alice = await server.NewAccountAsync("Alice");
        var readers = new List<FleepTestClient>();
        for (var i = 0; i < 6; i++)
        {
            readers.Add(await server.NewAccountAsync($"Reader{i}"));
        }

        var peer = await server.StartPeerAsync();
        try
        {
            var conversationId = await alice.CreateConversationAsync("Everyone", readers.ToArray());
            var hour = server.AdvanceToNextHour(minutes: 1);
            // Two windows: the first digest makes each account's claim row, the second races on it.
            for (var window = 1; window <= 2; window++)
            {
                (await alice.SendAsync(conversationId, $"read me, all of you ({window})")).EnsureOk();
                server.AdvanceTo(hour.AddMinutes(61 * window));

                // Both processes' jobs sweep on their own, and both are told to sweep at once, several times.
                for (var round = 0; round < 3; round++)
                {
                    await Task.WhenAll(server.SweepAsync(), server.SweepAsync(peer.Services), server.SweepAsync(peer.Services), server.SweepAsync());
                }

                foreach (var reader in readers)
                {
                    await server.Smtp.WaitForAsync(reader.Email, m => m.Text.Contains($"({window})", StringComparison.Ordinal), Bound);
                }

                await Task.WhenAll(server.SweepAsync(), server.SweepAsync(peer.Services));
                foreach (var reader in readers)
                {
                    Assert.Equal(window, await server.DigestsQueuedOrReceivedAsync(reader.Email));
                }
            }
        }
        finally
        {
            await server.StopPeerAsync(peer.Services);
            readers.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public async Task The_html_part_escapes_what_messages_and_topics_say()
    {
        using var alice = await server.NewAccountAsync("Alice");
        (await alice.PostAsync("/api/account/configure", new { display_name = "Alice <b>" })).EnsureOk();
        using var bob = await server.NewAccountAsync("Bob");
        var conversationId = await alice.CreateConversationAsync("<i>topic</i> & more", bob);
        server.AdvanceToNextHour(minutes: 1);
        (await alice.SendAsync(conversationId, "<script>alert('x')</script> & done")).EnsureOk();
        server.Clock.Advance(TimeSpan.FromMinutes(61));

        var mail = await server.Smtp.WaitForAsync(bob.Email, timeout: Bound);
        Assert.Contains("<script>alert('x')</script> & done", mail.Text);
        Assert.Contains("<i>topic</i> & more", mail.Text);
        Assert.DoesNotContain("<script", mail.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<i>", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", mail.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", mail.Html);
        Assert.Contains("&lt;i&gt;topic&lt;/i&gt; &amp; more", mail.Html);
    }
}
