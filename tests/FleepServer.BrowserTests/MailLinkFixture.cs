using FleepServer.Tests.Infrastructure;

namespace FleepServer.BrowserTests;

/// <summary>
/// The main suite's mail server for the mailed links' pages: mail goes over SMTP to the suite's
/// receiver on 127.0.0.1, digests are swept every 200 ms, and time is the fixture's clock, moved
/// by the test where a digest window has to pass (a page only makes single calls here, so
/// nothing in it waits on the server's clock).
/// </summary>
public class MailLinkFixture(PostgresServer postgres) : MailServerFixture(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Mail:DigestSweepInterval"] = "00:00:00.200",
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };

    /// <summary>The web address a mail's plain text links to for <paramref name="path"/> (e.g. "/reset_password?").</summary>
    public static Uri Link(ReceivedMail mail, string path)
    {
        var link = mail.Text.Split([' ', '\n', '\r', '\t', '<', '>', '"'], StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(w => w.StartsWith("http", StringComparison.Ordinal) && w.Contains(path, StringComparison.Ordinal));
        Assert.True(link is not null, $"no {path} link in the mail: {mail.Text}");
        return new Uri(link);
    }
}

/// <summary>The same, with the default registration rule of a server with mail: addresses are confirmed from a mailed link.</summary>
public sealed class ConfirmingLinkFixture(PostgresServer postgres) : MailLinkFixture(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        base.Settings.Where(s => s.Key != "Fleep:Registration:ConfirmEmail").ToDictionary();
}
