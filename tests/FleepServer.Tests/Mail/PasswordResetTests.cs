using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Mail;

/// <summary>
/// A forgotten password, end to end over real SMTP (docs/mail.md, "Password reset"): the reset
/// mail arrives at the test's SMTP server, its link's notification id sets a new password once,
/// every session of the account ends, and the limits of the spec hold (unknown address and the
/// fifth reset within an hour: 431).
/// </summary>
public sealed class PasswordResetTests(MailServerFixture server) : IClassFixture<MailServerFixture>
{
    private const string Password = "correct horse";

    private static async Task<FleepTestClient> AccountAsync(FleepServerFixture server)
    {
        var client = server.NewClient();
        var email = $"reset.{Guid.NewGuid():N}@example.org";
        await client.RegisterAsync(email, Password, "Resetting User");
        await client.LoginAsync(email, Password);
        return client;
    }

    private async Task<string> RequestResetAsync(string email)
    {
        using var anonymous = server.NewClient();
        var answer = (await anonymous.PostAsync("/api/account/reset_password", new { email }, withTicket: false)).EnsureOk();
        Assert.Equal(System.Text.Json.JsonValueKind.Object, answer.Json.ValueKind);
        Assert.Empty(answer.Json.EnumerateObject());
        var mail = await server.Smtp.WaitForAsync(email);
        return mail.LinkParameter("notification_id");
    }

    [Fact]
    public async Task The_mailed_link_sets_a_new_password_and_ends_every_session()
    {
        using var alice = await AccountAsync(server);
        using var anonymous = server.NewClient();
        await anonymous.PostAsync("/api/account/reset_password", new { email = alice.Email }, withTicket: false);
        var mail = await server.Smtp.WaitForAsync(alice.Email);
        Assert.Equal("Reset your password", mail.Subject);
        Assert.Contains(alice.Email, mail.Text);
        var id = mail.LinkParameter("notification_id");
        Assert.Equal(32, id.Length);
        Assert.Contains("notification_id=" + id, mail.Html);
        Assert.Contains(server.BaseAddress.ToString().TrimEnd('/') + "/reset_password?notification_id=" + id, mail.Text);

        (await anonymous.PostAsync("/api/account/confirm_password", new { notification_id = id, password = "a new secret" }, withTicket: false))
            .EnsureOk();

        (await alice.PostAsync("/api/account/sync")).AssertError(401);
        (await server.NewClient().PostAsync("/api/account/login", new { email = alice.Email, password = Password }, withTicket: false))
            .AssertError(431);
        using var again = server.NewClient();
        await again.LoginAsync(alice.Email, "a new secret");
        (await again.PostAsync("/api/account/sync")).EnsureOk();
    }

    [Fact]
    public async Task A_reset_id_works_once()
    {
        using var alice = await AccountAsync(server);
        var id = await RequestResetAsync(alice.Email);
        using var anonymous = server.NewClient();
        (await anonymous.PostAsync("/api/account/confirm_password", new { notification_id = id, password = "first new one" }, withTicket: false))
            .EnsureOk();
        (await anonymous.PostAsync("/api/account/confirm_password", new { notification_id = id, password = "second new one" }, withTicket: false))
            .AssertError(431, "invalid_notification");
        using var again = server.NewClient();
        await again.LoginAsync(alice.Email, "first new one");
    }

    [Fact]
    public async Task Two_confirmations_of_one_id_at_once_let_exactly_one_through()
    {
        using var alice = await AccountAsync(server);
        var id = await RequestResetAsync(alice.Email);
        var passwords = Enumerable.Range(0, 6).Select(i => $"racing password {i}").ToList();
        var answers = await Task.WhenAll(passwords.Select(async p =>
        {
            using var client = server.NewClient();
            return (p, await client.PostAsync("/api/account/confirm_password", new { notification_id = id, password = p }, withTicket: false));
        }));

        Assert.Equal(6, answers.Length);
        var winners = answers.Where(a => a.Item2.StatusCode == 200).ToList();
        Assert.Single(winners);
        foreach (var (_, answer) in answers.Where(a => a.Item2.StatusCode != 200))
        {
            answer.AssertError(431, "invalid_notification");
        }

        using var again = server.NewClient();
        await again.LoginAsync(alice.Email, winners[0].p);
    }

    [Fact]
    public async Task An_expired_link_is_refused()
    {
        using var alice = await AccountAsync(server);
        var id = await RequestResetAsync(alice.Email);
        server.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        (await server.NewClient().PostAsync("/api/account/confirm_password", new { notification_id = id, password = "too late now" }, withTicket: false))
            .AssertError(431, "invalid_notification");
        using var again = server.NewClient();
        await again.LoginAsync(alice.Email, Password);
    }

    [Fact]
    public async Task An_unknown_address_is_refused_and_nothing_is_mailed()
    {
        var email = $"nobody.{Guid.NewGuid():N}@example.org";
        (await server.NewClient().PostAsync("/api/account/reset_password", new { email }, withTicket: false)).AssertError(431, "unknown_email");
        using var alice = await AccountAsync(server);
        // A later mail to someone else arrives; none ever went to the unknown address.
        await RequestResetAsync(alice.Email);
        Assert.Empty(server.Smtp.MailsTo(email));
    }

    [Fact]
    public async Task The_fifth_reset_within_an_hour_is_refused_and_an_hour_later_one_is_allowed_again()
    {
        using var alice = await AccountAsync(server);
        for (var i = 0; i < 4; i++)
        {
            (await server.NewClient().PostAsync("/api/account/reset_password", new { email = alice.Email }, withTicket: false)).EnsureOk();
        }

        (await server.NewClient().PostAsync("/api/account/reset_password", new { email = alice.Email }, withTicket: false))
            .AssertError(431, "too_many_requests");
        server.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        (await server.NewClient().PostAsync("/api/account/reset_password", new { email = alice.Email }, withTicket: false)).EnsureOk();

        // Five accepted requests, five mails: each with an id of its own.
        await server.Smtp.WaitForAsync(alice.Email, _ => server.Smtp.MailsTo(alice.Email).Count >= 5);
        var mails = server.Smtp.MailsTo(alice.Email);
        Assert.Equal(5, mails.Count);
        var ids = mails.Select(m => m.LinkParameter("notification_id")).ToHashSet();
        Assert.Equal(5, ids.Count);
    }

    [Fact]
    public async Task Bad_input_gets_fleep_errors()
    {
        using var anonymous = server.NewClient();
        (await anonymous.PostAsync("/api/account/reset_password", new { }, withTicket: false)).AssertError(400);
        (await anonymous.PostAsync("/api/account/reset_password", new { email = 12 }, withTicket: false)).AssertError(400);
        (await anonymous.PostAsync("/api/account/reset_password", new { email = "not an address" }, withTicket: false)).AssertError(400);
        (await anonymous.PostAsync("/api/account/confirm_password", new { notification_id = "0123456789abcdef0123456789abcdef", password = "long enough" },
            withTicket: false)).AssertError(431, "invalid_notification");
        (await anonymous.PostAsync("/api/account/confirm_password", new { notification_id = "x" }, withTicket: false)).AssertError(400);
        using var alice = await AccountAsync(server);
        var id = await RequestResetAsync(alice.Email);
        (await anonymous.PostAsync("/api/account/confirm_password", new { notification_id = id, password = "short" }, withTicket: false))
            .AssertError(400);
        // The refused short password did not use the id up.
        (await anonymous.PostAsync("/api/account/confirm_password", new { notification_id = id, password = "long enough now" }, withTicket: false))
            .EnsureOk();
    }

    [Fact]
    public async Task Passwords_and_notification_ids_never_reach_the_request_log()
    {
        using var alice = await AccountAsync(server);
        var id = await RequestResetAsync(alice.Email);
        const string secret = "logged nowhere 77";
        (await server.NewClient().PostAsync("/api/account/confirm_password", new { notification_id = id, password = secret }, withTicket: false))
            .EnsureOk();
        await server.Logs.WaitForAsync(line => line.Contains("/api/account/confirm_password", StringComparison.Ordinal));
        var lines = server.Logs.RenderAll().ToList();
        Assert.NotEmpty(lines);
        Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(id, StringComparison.Ordinal));
    }
}
