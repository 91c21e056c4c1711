using FleepServer.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace FleepServer.Domain.Mail;

/// <summary>What became of one look at the outbox.</summary>
public enum MailOutcome
{
    /// <summary>Nothing due, or everything due is being sent by another process.</summary>
    Idle,

    /// <summary>One mail was accepted (or given up): the next may follow at once.</summary>
    Sent,

    /// <summary>The send failed; the mail waits for its retry.</summary>
    Failed,
}

/// <summary>
/// One step of the mail sender (docs/mail.md), in one unit of work: claims the oldest due mail with
/// <c>FOR UPDATE SKIP LOCKED</c> and holds it while it is on its way, so no other process sends it
/// at the same time; deletes it once the SMTP server accepted it, or records the failure and the
/// time of the retry (doubling from <see cref="MailOptions.FirstRetryDelay"/> up to
/// <see cref="MailOptions.MaxRetryDelay"/>). A process that dies mid-send releases the row with its
/// connection and the mail is sent again: delivery is at least once.
/// </summary>
public sealed class MailDelivery(FleepDbContext db, UnitOfWork unit, IMailTransport transport, IOptions<FleepOptions> options,
    ILogger<MailDelivery> logger, TestControl.SentMails? sentMails = null)
{
    public Task<MailOutcome> SendNextAsync(CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var mail = (await db.OutgoingMails.FromSql($"""
                SELECT * FROM mail_outbox WHERE next_attempt_time <= clock_timestamp()
                ORDER BY next_attempt_time, mail_id LIMIT 1 FOR UPDATE SKIP LOCKED
                """).AsNoTracking().ToListAsync(token)).SingleOrDefault();
            if (mail is null)
            {
                return MailOutcome.Idle;
            }

            var settings = options.Value.Mail;
            string? error = null;
            try
            {
                await transport.SendAsync(Compose(mail, options.Value.Smtp), token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                error = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
            }

            var giveUp = error is not null && DateTimeOffset.UtcNow - mail.CreatedTime > settings.GiveUpAfter;
            if (error is null || giveUp)
            {
                await db.Database.ExecuteSqlAsync($"DELETE FROM mail_outbox WHERE mail_id = {mail.Id}", token);
                if (error is null)
                {
                    // Test mode only: the record of sent mails (_test/mails).
                    sentMails?.Sent(mail);
                }

                if (giveUp)
                {
                    logger.LogWarning("Mail {MailId} ({Kind}) to {To} given up after {Attempts} attempts: {Error}",
                        mail.Id, mail.Kind, mail.ToAddress, mail.Attempts + 1, error);
                }

                return MailOutcome.Sent;
            }

            var retryIn = RetryDelay(mail.Attempts + 1, settings);
            await db.Database.ExecuteSqlAsync($"""
                UPDATE mail_outbox SET attempts = attempts + 1, last_error = {error}, next_attempt_time = clock_timestamp() + {retryIn}
                WHERE mail_id = {mail.Id}
                """, token);
            logger.LogInformation("Mail {MailId} ({Kind}) not sent ({Error:l}); retry in {RetryIn}", mail.Id, mail.Kind, error, retryIn);
            return MailOutcome.Failed;
        }, ct);

    /// <summary>The wait before retry number <paramref name="failures"/>: doubling, capped.</summary>
    public static TimeSpan RetryDelay(int failures, MailOptions settings)
    {
        var delay = settings.FirstRetryDelay * Math.Pow(2, Math.Min(failures - 1, 30));
        return delay > settings.MaxRetryDelay ? settings.MaxRetryDelay : delay;
    }

    private static MimeMessage Compose(OutgoingMail mail, SmtpOptions smtp)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(new MailboxAddress(mail.ToName ?? "", mail.ToAddress));
        message.Subject = mail.Subject;
        // The outbox id makes a resent mail recognisable as the same one.
        message.MessageId = $"mail-{mail.Id}-{mail.CreatedTime.ToUnixTimeSeconds()}@fleepserver";
        message.Body = new BodyBuilder { TextBody = mail.TextBody, HtmlBody = mail.HtmlBody }.ToMessageBody();
        return message;
    }
}

/// <summary>
/// Sends the outbox (docs/mail.md). Wakes when a commit of this process queued mail
/// (<see cref="MailSignal"/>), when a retry falls due, and every
/// <see cref="MailOptions.SweepInterval"/> for mail queued by other processes or left by one that
/// stopped; sends due mail one after the other until none is due. Any number of processes may run
/// it on one database (<see cref="MailDelivery"/> holds each mail while it is on its way).
/// </summary>
public sealed class MailSender(IServiceProvider services, MailSignal signal, IConfiguration configuration, IOptions<FleepOptions> options,
    ILogger<MailSender> logger) : SignalledWorker(signal, logger)
{
    protected override bool Enabled => options.Value.Mail.SenderEnabled;

    protected override TimeSpan SweepInterval => options.Value.Mail.SweepInterval;

    protected override Task<TimeSpan> RunOnceAsync(CancellationToken ct) => SendDueAsync(ct);

    /// <summary>Sends until nothing is due; answers how long to sleep until the next known due mail.</summary>
    private async Task<TimeSpan> SendDueAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await using var scope = services.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<MailDelivery>().SendNextAsync(ct) == MailOutcome.Idle)
            {
                break;
            }
        }

        return await NextDueAsync(ct);
    }

    private async Task<TimeSpan> NextDueAsync(CancellationToken ct)
    {
        var sweep = options.Value.Mail.SweepInterval;
        await using var connection = new NpgsqlConnection(configuration.GetConnectionString("Fleep"));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT EXTRACT(EPOCH FROM min(next_attempt_time) - clock_timestamp())::float8 FROM mail_outbox", connection);
        var seconds = await command.ExecuteScalarAsync(ct);
        return seconds is double s ? TimeSpan.FromSeconds(Math.Clamp(s, 0.25, sweep.TotalSeconds)) : sweep;
    }
}
