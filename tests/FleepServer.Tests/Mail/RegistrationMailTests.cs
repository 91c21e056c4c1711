using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Mail;

/// <summary>
/// Registration by mail over real SMTP (docs/mail.md, "Registration"): register/v2 mails a code,
/// prepare/v2 turns it (or the mailed link's id) into the id confirm/v2 finishes with, answering as
/// login does; account/register with address confirmation makes a <c>new</c> account that the mailed
/// link of account/confirm activates. Codes and ids work once and expire.
/// </summary>
public sealed class RegistrationMailTests(ConfirmingMailFixture server) : IClassFixture<ConfirmingMailFixture>
{
    private static string NewAddress(string name) => $"{name}.{Guid.NewGuid():N}@example.org";

    private async Task<ReceivedMail> RequestCodeAsync(string email)
    {
        (await server.NewClient().PostAsync("/api/account/register/v2", new { email, referer = "test" }, withTicket: false)).EnsureOk();
        return await server.Smtp.WaitForAsync(email, m => m.Subject.StartsWith("Fleep confirmation code: ", StringComparison.Ordinal));
    }

    /// <summary>register/v2, the mailed code, prepare/v2 and confirm/v2: the confirm/v2 answer.</summary>
    private async Task<FleepResponse> ConfirmByCodeAsync(string email, string password)
    {
        var id = (await server.NewClient().PostAsync("/api/account/prepare/v2",
            new { registration_mail = email, registration_code = CodeOf(await RequestCodeAsync(email)) }, withTicket: false))
            .EnsureOk().Json.Str("notification_id");
        return (await server.NewClient().PostAsync("/api/account/confirm/v2", new { notification_id = id, password }, withTicket: false)).EnsureOk();
    }

    private static string CodeOf(ReceivedMail mail)
    {
        var code = mail.Subject["Fleep confirmation code: ".Length..];
        Assert.Matches("^[0-9]{3}-[0-9]{3}$", code);
        Assert.Contains(code, mail.Text);
        return code;
    }

    private static void AssertLoggedIn(FleepResponse answer, string email)
    {
        Assert.Contains(answer.Raw.Headers.GetValues("Set-Cookie"), c => c.StartsWith("token_id=", StringComparison.Ordinal));
        Assert.False(string.IsNullOrEmpty(answer.Json.Str("ticket")));
        var profile = Assert.Single(answer.Json.GetProperty("profiles").EnumerateArray());
        Assert.Equal(email, profile.Str("email"));
        Assert.Equal("active", profile.Str("mk_account_status"));
    }

    [Fact]
    public async Task A_mailed_code_registers_and_logs_in()
    {
        var email = NewAddress("coded");
        var mail = await RequestCodeAsync(email);
        var code = CodeOf(mail);

        using var client = server.NewClient();
        var prepared = (await client.PostAsync("/api/account/prepare/v2", new { registration_mail = email, registration_code = code.Replace("-", "") },
            withTicket: false)).EnsureOk();
        var id = prepared.Json.Str("notification_id");
        var confirmed = (await client.PostAsync("/api/account/confirm/v2",
            new { notification_id = id, display_name = "Coded Person", password = "coded password", phone_nr = "+3725550000" }, withTicket: false)).EnsureOk();
        AssertLoggedIn(confirmed, email);
        Assert.Equal("Coded Person", confirmed.Json.Str("display_name"));

        // The session works and the password logs in.
        client.Ticket = confirmed.Json.Str("ticket");
        var cookie = confirmed.Raw.Headers.GetValues("Set-Cookie").First();
        client.Token = cookie[9..45];
        (await client.PostAsync("/api/account/sync")).EnsureOk();
        using var again = server.NewClient();
        await again.LoginAsync(email, "coded password");

        // The code and the id are used up.
        (await server.NewClient().PostAsync("/api/account/prepare/v2", new { registration_mail = email, registration_code = code }, withTicket: false))
            .AssertError(431, "invalid_notification");
        (await server.NewClient().PostAsync("/api/account/confirm/v2", new { notification_id = id, password = "another password" }, withTicket: false))
            .AssertError(431, "invalid_notification");
    }

    [Fact]
    public async Task The_mailed_link_needs_no_code()
    {
        var email = NewAddress("linked");
        var mail = await RequestCodeAsync(email);
        Assert.Contains("/register?notification_id=", mail.Text);
        var linkId = mail.LinkParameter("notification_id");
        var prepared = (await server.NewClient().PostAsync("/api/account/prepare/v2", new { notification_id = linkId }, withTicket: false)).EnsureOk();
        Assert.Equal(linkId, prepared.Json.Str("notification_id"));
        AssertLoggedIn((await server.NewClient().PostAsync("/api/account/confirm/v2",
            new { notification_id = linkId, display_name = "Linked", password = "linked password" }, withTicket: false)).EnsureOk(), email);
    }

    [Fact]
    public async Task Wrong_reused_and_expired_codes_are_refused()
    {
        var email = NewAddress("wrong");
        var code = CodeOf(await RequestCodeAsync(email));
        var wrong = code == "000-000" ? "000-001" : "000-000";
        (await server.NewClient().PostAsync("/api/account/prepare/v2", new { registration_mail = email, registration_code = wrong }, withTicket: false))
            .AssertError(431, "invalid_notification");
        (await server.NewClient().PostAsync("/api/account/prepare/v2", new { registration_mail = NewAddress("other"), registration_code = code },
            withTicket: false)).AssertError(431, "invalid_notification");

        server.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        (await server.NewClient().PostAsync("/api/account/prepare/v2", new { registration_mail = email, registration_code = code }, withTicket: false))
            .AssertError(431, "invalid_notification");
        (await server.NewClient().PostAsync("/api/account/prepare/v2", new { }, withTicket: false)).AssertError(400);
    }

    [Fact]
    public async Task An_address_with_an_active_account_gets_no_code()
    {
        var email = NewAddress("taken");
        await ConfirmByCodeAsync(email, "taken password");

        (await server.NewClient().PostAsync("/api/account/register/v2", new { email }, withTicket: false)).AssertError(431, "email_taken");
        Assert.Single(server.Smtp.MailsTo(email));
    }

    [Fact]
    public async Task Register_with_confirmation_makes_a_new_account_that_the_mailed_link_activates()
    {
        var email = NewAddress("confirm");
        var registered = (await server.NewClient().PostAsync("/api/account/register",
            new { email, password = "confirm password", display_name = "Confirming" }, withTicket: false)).EnsureOk();
        Assert.Equal("new", registered.Json.Str("mk_account_status"));
        (await server.NewClient().PostAsync("/api/account/login", new { email, password = "confirm password" }, withTicket: false))
            .AssertError(431, "account_not_confirmed");
        (await server.NewClient().PostAsync("/api/account/login", new { email, password = "wrong password" }, withTicket: false))
            .AssertError(431);

        var mail = await server.Smtp.WaitForAsync(email, m => m.Subject == "Confirm your address");
        Assert.Contains("/confirm?notification_id=", mail.Text);
        var id = mail.LinkParameter("notification_id");
        var confirmed = (await server.NewClient().PostAsync("/api/account/confirm", new { notification_id = id }, withTicket: false)).EnsureOk();
        AssertLoggedIn(confirmed, email);
        Assert.Equal(registered.Json.GetProperty("account_id").GetGuid(), confirmed.Json.GetProperty("account_id").GetGuid());
        using var again = server.NewClient();
        await again.LoginAsync(email, "confirm password");
        (await server.NewClient().PostAsync("/api/account/confirm", new { notification_id = id }, withTicket: false))
            .AssertError(431, "invalid_notification");
    }

    [Fact]
    public async Task An_invited_address_keeps_its_account_and_its_conversations_when_it_registers()
    {
        var aliceEmail = NewAddress("alice");
        await ConfirmByCodeAsync(aliceEmail, "alice password");
        using var alice = server.NewClient();
        await alice.LoginAsync(aliceEmail, "alice password");

        var invitee = NewAddress("invitee");
        var placeholder = Assert.Single((await alice.PostAsync("/api/account/lookup", new { lookup_list = new[] { invitee } })).EnsureOk().Stream());
        var inviteeId = placeholder.GetProperty("account_id").GetGuid();
        var conversation = (await alice.PostAsync("/api/conversation/create", new { topic = "welcome aboard", account_ids = new[] { inviteeId } }))
            .EnsureOk().Header().GetProperty("conversation_id").GetGuid();
        await alice.SendAsync(conversation, "hello before you joined");

        var confirmed = await ConfirmByCodeAsync(invitee, "invitee password");
        Assert.Equal(inviteeId, confirmed.Json.GetProperty("account_id").GetGuid());

        using var bob = server.NewClient();
        await bob.LoginAsync(invitee, "invitee password");
        var list = (await bob.PostAsync("/api/account/sync")).EnsureOk().Stream();
        Assert.Contains(list, r => r.Str("mk_rec_type") == "conv" && r.GetProperty("conversation_id").GetGuid() == conversation);
    }

    [Fact]
    public async Task Two_confirmations_of_one_id_at_once_make_one_account()
    {
        var email = NewAddress("race");
        var id = (await server.NewClient().PostAsync("/api/account/prepare/v2",
            new { registration_mail = email, registration_code = CodeOf(await RequestCodeAsync(email)) }, withTicket: false))
            .EnsureOk().Json.Str("notification_id");
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(async i =>
        {
            using var client = server.NewClient();
            return await client.PostAsync("/api/account/confirm/v2", new { notification_id = id, password = $"race password {i}" }, withTicket: false);
        }));

        Assert.Equal(5, answers.Length);
        Assert.Single(answers, a => a.StatusCode == 200);
        foreach (var refused in answers.Where(a => a.StatusCode != 200))
        {
            refused.AssertError(431, "invalid_notification");
        }

        await using var db = server.OpenDb();
        Assert.Equal(1, db.Accounts.Count(a => a.EmailKey == email.ToLowerInvariant()));
        Assert.Equal(JsonValueKind.String, answers.Single(a => a.StatusCode == 200).Json.GetProperty("ticket").ValueKind);
    }
}
