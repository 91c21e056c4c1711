using System.Text.RegularExpressions;
using FleepServer.Domain.Mail;
using FleepServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace FleepServer.Tests.Mail;

/// <summary>
/// Without an SMTP server (no <c>Fleep:Smtp:Host</c>) every mail is written to the log at
/// Information level, link or code included, so a single-machine team can still finish every
/// flow: a password reset, registration by code, an invitation, an alias, and the digest's
/// unsubscribe link. The request log never shows a password, a code or a notification id.
/// </summary>
public sealed partial class NoSmtpTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static string NewAddress(string name) => $"{name}.{Guid.NewGuid():N}@example.org";

    /// <summary>The logged mail to <paramref name="to"/> whose subject starts so, as a received mail (its text holds subject and body).</summary>
    private async Task<ReceivedMail> LoggedMailAsync(string to, string subject)
    {
        static string Text(LogEvent e, string name) => e.Properties.TryGetValue(name, out var value) && value is ScalarValue { Value: string text } ? text : "";
        var logged = await server.Logs.WaitForEventAsync(e => e.MessageTemplate.Text.StartsWith("Mail not sent", StringComparison.Ordinal)
                                                              && Text(e, "To").Contains(to, StringComparison.Ordinal)
                                                              && Text(e, "Subject").StartsWith(subject, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        Assert.Equal(LogEventLevel.Information, logged.Level);
        return new ReceivedMail(to, Text(logged, "Subject"), Text(logged, "Subject") + "\n" + Text(logged, "Text"), "", "");
    }

    /// <summary>No request line of the log carries any of <paramref name="secrets"/>.</summary>
    private void AssertRequestLogHides(params string[] secrets)
    {
        var requests = server.Logs.Events.Where(e => e.Properties.ContainsKey("RequestPath")).ToList();
        Assert.NotEmpty(requests);
        foreach (var request in requests)
        {
            using var writer = new StringWriter();
            request.RenderMessage(writer);
            foreach (var value in request.Properties.Values)
            {
                value.Render(writer);
            }

            var line = writer.ToString();
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, line, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_password_reset_completes_from_the_logged_link()
    {
        using var alice = await server.NewAccountAsync("Alice");
        (await server.NewClient().PostAsync("/api/account/reset_password", new { email = alice.Email }, withTicket: false)).EnsureOk();
        var id = (await LoggedMailAsync(alice.Email, "")).LinkParameter("notification_id");

        (await server.NewClient().PostAsync("/api/account/confirm_password", new { notification_id = id, password = "from the log" }, withTicket: false))
            .EnsureOk();
        using var again = server.NewClient();
        await again.LoginAsync(alice.Email, "from the log");
        AssertRequestLogHides(id, "from the log");
    }

    [Fact]
    public async Task Registration_by_the_logged_code_completes()
    {
        var email = NewAddress("coded");
        (await server.NewClient().PostAsync("/api/account/register/v2", new { email }, withTicket: false)).EnsureOk();
        var mail = await LoggedMailAsync(email, "Fleep confirmation code: ");
        var code = ConfirmationCode().Match(mail.Text).Value;
        Assert.NotEmpty(code);

        var id = (await server.NewClient().PostAsync("/api/account/prepare/v2", new { registration_mail = email, registration_code = code }, withTicket: false))
            .EnsureOk().Json.Str("notification_id");
        (await server.NewClient().PostAsync("/api/account/confirm/v2", new { notification_id = id, password = "coded from the log" }, withTicket: false))
            .EnsureOk();
        using var client = server.NewClient();
        await client.LoginAsync(email, "coded from the log");
        AssertRequestLogHides(code, id, "coded from the log");
    }

    [Fact]
    public async Task An_invitee_registers_from_the_logged_invitation()
    {
        using var alice = await server.NewAccountAsync("Alice");
        var invitee = NewAddress("invitee");
        var conversation = (await alice.PostAsync("/api/conversation/create", new { topic = "Logged invitation", emails = invitee, is_invite = true }))
            .EnsureOk().Header().GetProperty("conversation_id").GetGuid();
        var id = (await LoggedMailAsync(invitee, "")).LinkParameter("notification_id");

        (await server.NewClient().PostAsync("/api/account/prepare/v2", new { notification_id = id }, withTicket: false)).EnsureOk();
        (await server.NewClient().PostAsync("/api/account/confirm/v2", new { notification_id = id, display_name = "Invitee", password = "invited from the log" },
            withTicket: false)).EnsureOk();
        using var client = server.NewClient();
        await client.LoginAsync(invitee, "invited from the log");
        var listed = (await client.PostAsync("/api/account/sync")).EnsureOk().Json.GetProperty("stream").EnumerateArray()
            .Where(r => r.Str("mk_rec_type") == "conv").Select(r => r.GetProperty("conversation_id").GetGuid()).ToList();
        Assert.Contains(conversation, listed);
        AssertRequestLogHides(id, "invited from the log");
    }

    [Fact]
    public async Task An_alias_is_confirmed_from_the_logged_link()
    {
        using var alice = await server.NewAccountAsync("Alice");
        var alias = NewAddress("alias");
        (await alice.PostAsync("/api/alias/add", new { emails = alias })).EnsureOk();
        var id = (await LoggedMailAsync(alias, "")).LinkParameter("confirm_id");

        (await alice.PostAsync("/api/alias/confirm", new { notification_id = id })).EnsureOk();
        var stream = (await alice.PostAsync("/api/alias/sync")).EnsureOk().Json.GetProperty("stream").EnumerateArray().ToList();
        Assert.Contains(stream, c => c.Str("email") == alias && c.Str("mk_account_status") == "alias");
        AssertRequestLogHides(id);
    }

    [Fact]
    public async Task The_logged_digest_unsubscribes()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        var conversation = await alice.CreateConversationAsync("Logged digest", bob);
        (await alice.SendAsync(conversation, "waiting for bob")).EnsureOk();
        // Past the hour the message must stay unread, and into the next window.
        server.Clock.Advance(TimeSpan.FromMinutes(125));
        await using (var scope = server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<MailDigests>().SweepAsync(CancellationToken.None);
        }

        var mail = await LoggedMailAsync(bob.Email, "You have 1 unread message");
        Assert.Contains("waiting for bob", mail.Text);
        var id = mail.LinkParameter("notification_id");
        (await server.NewClient().PostAsync("/api/account/unsubscribe", new { notification_id = id }, withTicket: false)).EnsureOk();
        var own = (await bob.PostAsync("/api/account/sync")).EnsureOk().Json.GetProperty("stream").EnumerateArray()
            .Single(r => r.Str("mk_rec_type") == "contact" && r.GetProperty("account_id").GetGuid() == bob.AccountId);
        Assert.Equal("never", own.Str("mk_email_interval"));
        AssertRequestLogHides(id);
    }

    [GeneratedRegex("[0-9]{3}-[0-9]{3}")]
    private static partial Regex ConfirmationCode();
}
