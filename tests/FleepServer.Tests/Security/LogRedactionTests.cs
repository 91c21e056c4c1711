using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Security;

/// <summary>Request logs name the parameters of a call but never its password, ticket or session token.</summary>
public sealed class LogRedactionTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Login_and_password_change_logs_hold_no_secrets()
    {
        const string password = "Hunter2-very-secret";
        const string newPassword = "Swordfish-even-more-secret";
        using var client = server.NewClient();
        var email = $"logged.{Guid.NewGuid():N}@example.org";
        await client.RegisterAsync(email, password, "Logged");
        await client.LoginAsync(email, password);
        (await client.PostAsync("/api/account/configure", new { old_password = password, password = newPassword })).EnsureOk();
        (await client.PostAsync("/api/account/login", new { email, password = "wrong-" + newPassword }, withTicket: false)).AssertError(431);

        await server.Logs.WaitForAsync(l => l.Contains("/api/account/login") && l.Contains("-> 431"));
        var logs = server.Logs.RenderAll().ToList();

        var loginLines = logs.Where(l => l.Contains("/api/account/login")).ToList();
        Assert.NotEmpty(loginLines);
        Assert.Contains(loginLines, l => l.Contains(email) && l.Contains("***"));
        foreach (var secret in new[] { password, newPassword, client.Ticket!, client.Token! })
        {
            Assert.DoesNotContain(logs, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }
}
