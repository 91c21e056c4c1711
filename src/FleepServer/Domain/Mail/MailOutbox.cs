using FleepServer.Data;

namespace FleepServer.Domain.Mail;

/// <summary>A mail to send: who it goes to, what it says (plain text and HTML), and what it is for.</summary>
public sealed record MailDraft(string Kind, string To, string? ToName, string Subject, string Text, string Html);

/// <summary>
/// The outbox of mail (docs/mail.md): queues a mail in the unit of work of the change that causes
/// it, as a <c>mail_outbox</c> row saved with the change. A change that rolls back queues nothing; a
/// committed one cannot lose its mail, whatever happens to the process afterwards. The commit
/// wakes this process's <see cref="MailSender"/>.
/// </summary>
public sealed class MailOutbox(FleepDbContext db, MailSignal signal, TimeProvider time)
{
    public void Queue(MailDraft mail)
    {
        db.OutgoingMails.Add(new OutgoingMail
        {
            Kind = mail.Kind,
            ToAddress = mail.To,
            ToName = mail.ToName,
            Subject = mail.Subject,
            TextBody = mail.Text,
            HtmlBody = mail.Html,
            CreatedTime = time.GetUtcNow(),
            // next_attempt_time: the database's now() (its default), the clock the sender compares with.
        });
        signal.WakeAfterCommit(db);
    }
}

/// <summary>Wakes this process's <see cref="MailSender"/> (<see cref="WorkerSignal"/>) after a commit that queued mail.</summary>
public sealed class MailSignal : WorkerSignal;
