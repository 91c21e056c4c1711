using FleepServer.Tests.Infrastructure;
using Serilog.Events;

namespace FleepServer.Tests.Mail;

/// <summary>
/// Without an SMTP server (no <c>Fleep:Smtp:Host</c>) every mail is written to the log at
/// Information level, link included, so a single-machine team can still finish every flow.
/// </summary>
public sealed class NoSmtpTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task A_password_reset_completes_from_the_logged_link()
    {
        using var alice = await server.NewAccountAsync("Alice");
        (await server.NewClient().PostAsync("/api/account/reset_password", new { email = alice.Email }, withTicket: false)).EnsureOk();
        await server.Logs.WaitForAsync(line => line.Contains("Mail not sent", StringComparison.Ordinal) && line.Contains(alice.Email, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        var logged = server.Logs.Events.Single(e => e.MessageTemplate.Text.StartsWith("Mail not sent", StringComparison.Ordinal)
                                                    && e.RenderMessage().Contains(alice.Email, StringComparison.Ordinal));
        Assert.Equal(LogEventLevel.Information, logged.Level);
        var text = logged.RenderMessage();
        var id = new ReceivedMail(alice.Email, "", text, "", "").LinkParameter("notification_id");

        (await server.NewClient().PostAsync("/api/account/confirm_password", new { notification_id = id, password = "from the log" }, withTicket: false))
            .EnsureOk();
        using var again = server.NewClient();
        await again.LoginAsync(alice.Email, "from the log");
    }
}
