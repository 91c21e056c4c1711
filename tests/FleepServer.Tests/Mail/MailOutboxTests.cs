using FleepServer.Domain;
using FleepServer.Domain.Mail;
using FleepServer.Errors;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FleepServer.Tests.Mail;

/// <summary>A mail server whose own sender is off: only the peers a test starts send.</summary>
public sealed class PeersSendMailFixture(PostgresServer postgres) : MailServerFixture(postgres)
{
    public static readonly IReadOnlyDictionary<string, string?> Sending = new Dictionary<string, string?> { ["Fleep:Mail:SenderEnabled"] = "true" };

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Mail:SenderEnabled"] = "false",
    };
}

/// <summary>
/// The outbox's promises (docs/mail.md, "The outbox"): mail of a rolled-back change is never sent;
/// mail queued while the SMTP server is down is retried and delivered once it is back; a sender
/// killed mid-way loses nothing and repeats at most the mail that was on its way; two sending
/// processes never send one mail twice.
/// </summary>
public sealed class MailOutboxTests(PeersSendMailFixture server) : IClassFixture<PeersSendMailFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>Queues mails the way a change does: in one unit of work, which commits them or (when <paramref name="fail"/>) rolls back.</summary>
    private async Task QueueAsync(IEnumerable<MailDraft> drafts, bool fail = false)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var unit = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var outbox = scope.ServiceProvider.GetRequiredService<MailOutbox>();
        await unit.RunAsync(_ =>
        {
            foreach (var draft in drafts)
            {
                outbox.Queue(draft);
            }

            return fail ? throw FleepErrors.BadRequest("the change failed") : Task.FromResult(true);
        }, CancellationToken.None);
    }

    private static List<MailDraft> Drafts(string to, string tag, int count) =>
        Enumerable.Range(0, count).Select(i => new MailDraft("test", to, null, $"{tag} {i}", $"text {tag} {i}", $"<p>{tag} {i}</p>")).ToList();

    private async Task<int> QueuedAsync(string to)
    {
        await using var db = server.OpenDb();
        return await db.OutgoingMails.CountAsync(m => m.ToAddress == to);
    }

    private async Task WaitUntilAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Mail_of_a_rolled_back_change_is_never_sent()
    {
        var sender = await server.StartPeerAsync(PeersSendMailFixture.Sending);
        try
        {
            var to = $"rollback.{Guid.NewGuid():N}@example.org";
            await Assert.ThrowsAsync<FleepException>(() => QueueAsync(Drafts(to, "rolled back", 3), fail: true));
            Assert.Equal(0, await QueuedAsync(to));
            await QueueAsync(Drafts(to, "committed", 1));
            await server.Smtp.WaitForAsync(to, m => m.Subject == "committed 0", Bound);
            await WaitUntilAsync(async () => await QueuedAsync(to) == 0, "the outbox to empty");
            var mails = server.Smtp.MailsTo(to);
            Assert.Single(mails);
            Assert.Equal("committed 0", mails[0].Subject);
            Assert.Equal("text committed 0", mails[0].Text.Trim());
            Assert.Equal("<p>committed 0</p>", mails[0].Html.Trim());
        }
        finally
        {
            await server.StopPeerAsync(sender.Services);
        }
    }

    [Fact]
    public async Task Mail_queued_while_the_smtp_server_is_down_is_delivered_once_it_is_back()
    {
        var sender = await server.StartPeerAsync(PeersSendMailFixture.Sending);
        var to = $"outage.{Guid.NewGuid():N}@example.org";
        try
        {
            await server.Smtp.StopAsync();
            await QueueAsync(Drafts(to, "outage", 5));
            await WaitUntilAsync(async () =>
            {
                await using var db = server.OpenDb();
                return await db.OutgoingMails.Where(m => m.ToAddress == to).AllAsync(m => m.Attempts >= 2 && m.LastError != null);
            }, "two failed attempts of every mail");
            Assert.Empty(server.Smtp.MailsTo(to));
        }
        finally
        {
            await server.Smtp.RestartAsync();
        }

        try
        {
            await WaitUntilAsync(async () => await QueuedAsync(to) == 0, "the outbox to empty after the outage");
            var subjects = server.Smtp.MailsTo(to).Select(m => m.Subject).OrderBy(s => s).ToList();
            Assert.Equal(Enumerable.Range(0, 5).Select(i => $"outage {i}"), subjects);
        }
        finally
        {
            await server.StopPeerAsync(sender.Services);
        }
    }

    [Fact]
    public async Task A_sender_killed_mid_way_loses_nothing_and_repeats_at_most_the_mail_in_flight()
    {
        var to = $"killed.{Guid.NewGuid():N}@example.org";
        await QueueAsync(Drafts(to, "killed", 20));
        server.Smtp.AnswerDelay = TimeSpan.FromMilliseconds(100);
        try
        {
            var first = await server.StartPeerAsync(PeersSendMailFixture.Sending);
            await server.Smtp.WaitForAsync(to, _ => server.Smtp.MailsTo(to).Count >= 5, Bound);
            await server.KillPeerAsync(first.Services);
            Assert.True(await QueuedAsync(to) > 0, "every mail was sent before the kill");

            var second = await server.StartPeerAsync(PeersSendMailFixture.Sending);
            await WaitUntilAsync(async () => await QueuedAsync(to) == 0, "the outbox to empty after the restart");
            await server.StopPeerAsync(second.Services);
        }
        finally
        {
            server.Smtp.AnswerDelay = TimeSpan.Zero;
        }

        var subjects = server.Smtp.MailsTo(to).Select(m => m.Subject).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"killed {i}").Order(), subjects.Distinct().Order());
        // Only the mail on its way at the kill may arrive twice.
        Assert.True(subjects.Count <= 21, $"{subjects.Count - 20} duplicates");
    }

    [Fact]
    public async Task Two_sending_processes_never_send_one_mail_twice()
    {
        var to = $"two.{Guid.NewGuid():N}@example.org";
        await QueueAsync(Drafts(to, "shared", 30));
        var first = await server.StartPeerAsync(PeersSendMailFixture.Sending);
        var second = await server.StartPeerAsync(PeersSendMailFixture.Sending);
        try
        {
            await WaitUntilAsync(async () => await QueuedAsync(to) == 0, "the outbox to empty");
        }
        finally
        {
            await server.StopPeerAsync(first.Services);
            await server.StopPeerAsync(second.Services);
        }

        var subjects = server.Smtp.MailsTo(to).Select(m => m.Subject).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"shared {i}").Order(), subjects);
    }
}
