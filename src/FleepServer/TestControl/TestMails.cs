using System.Collections.Concurrent;
using FleepServer.Data;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.TestControl;

/// <summary>
/// One mail of a test-mode server: its outbox id, address, subject, both parts, what it is for
/// (<c>purpose</c>: digest, reset_password, confirmation_code, invitation, …) and its state:
/// <c>sent</c> (handed to the SMTP server, or to the log without one), <c>queued</c> (waiting in
/// the outbox) or <c>retrying</c> (a send failed; <see cref="LastError"/> says why).
/// </summary>
public sealed record TestMail(long MailId, string To, string Subject, string Text, string Html, string Purpose, string State,
    DateTimeOffset CreatedTime, string? LastError);

/// <summary>
/// The mails a server in test mode sent, oldest first, so a test can read the links and codes the
/// mails of its flows carry. The mails still go out as usual (to the SMTP server, or the log).
/// Bounded: the oldest are forgotten past <see cref="Capacity"/>.
/// </summary>
public sealed class SentMails
{
    public const int Capacity = 10_000;
    private readonly ConcurrentQueue<TestMail> mails = new();
    private TaskCompletionSource added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the next mail is sent: take it before reading <see cref="All"/>, then wait on it.</summary>
    public Task NextSent => Volatile.Read(ref added).Task;

    public IReadOnlyList<TestMail> All() => mails.ToArray();

    public void Clear() => mails.Clear();

    /// <summary>Called by the sender once the mail was accepted.</summary>
    public void Sent(OutgoingMail mail)
    {
        mails.Enqueue(new TestMail(mail.Id, mail.ToAddress, mail.Subject, mail.TextBody, mail.HtmlBody, mail.Kind, "sent", mail.CreatedTime, null));
        while (mails.Count > Capacity && mails.TryDequeue(out _))
        {
        }

        Interlocked.Exchange(ref added, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>The sent mails and those still in the outbox (<c>mail_outbox</c>), by outbox id: every mail queued so far.</summary>
    public async Task<IReadOnlyList<TestMail>> AllWithQueuedAsync(FleepDbContext db, CancellationToken ct)
    {
        // The outbox first: a mail sent meanwhile is then in the sent list read after it.
        var queued = await db.OutgoingMails.AsNoTracking().OrderBy(m => m.Id).ToListAsync(ct);
        var sent = All();
        var sentIds = sent.Select(m => m.MailId).ToHashSet();
        return sent.Concat(queued.Where(m => !sentIds.Contains(m.Id)).Select(m => new TestMail(m.Id, m.ToAddress, m.Subject, m.TextBody,
                m.HtmlBody, m.Kind, m.Attempts > 0 ? "retrying" : "queued", m.CreatedTime, m.LastError)))
            .OrderBy(m => m.MailId).ToList();
    }
}
