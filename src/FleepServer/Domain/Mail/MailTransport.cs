using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace FleepServer.Domain.Mail;

/// <summary>Hands one mail over; throws when it was not accepted.</summary>
public interface IMailTransport
{
    Task SendAsync(MimeMessage message, CancellationToken ct);
}

/// <summary>
/// Sends through the configured SMTP server (<c>Fleep:Smtp</c>) with MailKit: one connection per
/// mail, secured as <see cref="SmtpOptions.Security"/> says, authenticated when a user name is set.
/// </summary>
public sealed class SmtpMailTransport(IOptions<FleepOptions> options) : IMailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        await client.ConnectAsync(smtp.Host!, smtp.Port, SocketOptions(smtp.Security), ct);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", ct);
        }

        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}

/// <summary>
/// Without an SMTP server (no <c>Fleep:Smtp:Host</c>): each mail is written to the log at
/// Information level, its plain-text part included, so every flow that mails a link or a code can
/// still be completed by whoever reads the server's log.
/// </summary>
public sealed class LogMailTransport(ILogger<LogMailTransport> logger) : IMailTransport
{
    public Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        logger.LogInformation("Mail not sent (no SMTP server configured) to {To}: {Subject}\n{Text}",
            message.To.ToString(), message.Subject, message.TextBody);
        return Task.CompletedTask;
    }
}
