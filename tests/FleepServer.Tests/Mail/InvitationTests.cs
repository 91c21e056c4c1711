using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Mail;

/// <summary>
/// Invitations by address (docs/mail.md, "Invitations"), over real SMTP: an address without an
/// account is a <c>new</c> member at once, visible to the others; with <c>is_invite</c> it is mailed a
/// link to register with; when it registers it keeps the same account and its conversations, and
/// every conversation it is in gets the <c>signin</c> system message.
/// </summary>
public sealed class InvitationTests(MailServerFixture server) : IClassFixture<MailServerFixture>
{
    private static string NewAddress(string name) => $"{name}.{Guid.NewGuid():N}@example.org";

    private static JsonElement MemberRecord(IEnumerable<JsonElement> records, string email) =>
        records.Single(r => r.Str("mk_rec_type") == "contact" && string.Equals(r.Str("email"), email, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task An_unregistered_address_is_a_new_member_at_once_without_a_mail_unless_invited()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        var bobHorizon = await bob.HorizonAsync();
        var aliceHorizon = await alice.HorizonAsync();
        var invitee = NewAddress("quiet");
        var created = (await alice.PostAsync("/api/conversation/create",
            new { topic = "quiet invite", emails = invitee, account_ids = new[] { bob.AccountId } })).EnsureOk();
        var conversation = created.Header().GetProperty("conversation_id").GetGuid();
        var contact = MemberRecord(await alice.PollToEndAsync(aliceHorizon), invitee);
        Assert.Equal("new", contact.Str("mk_account_status"));
        var inviteeId = contact.GetProperty("account_id").GetGuid();
        Assert.Contains(inviteeId, created.Header().Ids("members"));

        // Bob sees the new member too.
        var bobRecords = await bob.PollToEndAsync(bobHorizon);
        Assert.Contains(inviteeId, bobRecords.Last(r => r.Str("mk_rec_type") == "conv" && r.GetProperty("conversation_id").GetGuid() == conversation)
            .Ids("members"));
        Assert.Equal("new", MemberRecord(bobRecords, invitee).Str("mk_account_status"));

        // Without is_invite nothing is mailed: an invited address that is mailed afterwards gets only that one.
        var other = NewAddress("loud");
        (await alice.ConvAsync("add_members", conversation, new { emails = other, is_invite = true })).EnsureOk();
        await server.Smtp.WaitForAsync(other);
        Assert.Empty(server.Smtp.MailsTo(invitee));
    }

    [Fact]
    public async Task An_invited_address_registers_from_the_mail_keeps_its_conversation_and_is_announced()
    {
        using var alice = await server.NewAccountAsync("Alice");
        var invitee = NewAddress("invited");
        var before = await alice.HorizonAsync();
        var created = (await alice.PostAsync("/api/conversation/create",
            new { topic = "Plans <b>&</b> more", emails = invitee, is_invite = true, message = "welcome, read this first" })).EnsureOk();
        var conversation = created.Header().GetProperty("conversation_id").GetGuid();
        var inviteeId = MemberRecord(await alice.PollToEndAsync(before), invitee).GetProperty("account_id").GetGuid();
        await alice.SendAsync(conversation, "and this one too");

        var mail = await server.Smtp.WaitForAsync(invitee);
        Assert.Equal("Alice invited you to chat", mail.Subject);
        Assert.Contains("Plans <b>&</b> more", mail.Text);
        Assert.Contains("Plans &lt;b&gt;&amp;&lt;/b&gt; more", mail.Html);
        Assert.DoesNotContain("<b>&</b>", mail.Html);
        var id = mail.LinkParameter("notification_id");

        var aliceHorizon = await alice.HorizonAsync();
        var prepared = (await server.NewClient().PostAsync("/api/account/prepare/v2", new { notification_id = id }, withTicket: false)).EnsureOk();
        var confirmed = (await server.NewClient().PostAsync("/api/account/confirm/v2",
            new { notification_id = prepared.Json.Str("notification_id"), display_name = "Invited Person", password = "invited password" },
            withTicket: false)).EnsureOk();
        Assert.Equal(inviteeId, confirmed.Json.GetProperty("account_id").GetGuid());

        using var invited = server.NewClient();
        await invited.LoginAsync(invitee, "invited password");
        var texts = (await invited.ConvAsync("sync", conversation, new { mk_direction = "ic_full" })).EnsureOk().Messages()
            .Select(m => m.Str("message")).ToList();
        Assert.Contains(texts, t => t.Contains("welcome, read this first", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("and this one too", StringComparison.Ordinal));

        // Alice's stream: the invitee is active under its new name, and the conversation says so.
        var aliceRecords = await alice.PollToEndAsync(aliceHorizon);
        var signin = Assert.Single(aliceRecords, r => r.Str("mk_rec_type") == "message" && r.Str("mk_message_type") == "signin");
        Assert.Equal(inviteeId, signin.GetProperty("account_id").GetGuid());
        Assert.Equal(conversation, signin.GetProperty("conversation_id").GetGuid());
        Assert.Equal("{author} became a Fleep user.", JsonDocument.Parse(signin.Str("message")).RootElement.Str("sysmsg_text"));
        var contact = aliceRecords.Last(r => r.Str("mk_rec_type") == "contact" && r.GetProperty("account_id").GetGuid() == inviteeId);
        Assert.Equal("active", contact.Str("mk_account_status"));
        Assert.Equal("Invited Person", contact.Str("display_name"));
    }

    [Fact]
    public async Task Registering_an_invited_address_without_confirmation_announces_it_too()
    {
        using var alice = await server.NewAccountAsync("Alice");
        var invitee = NewAddress("plain");
        var conversation = (await alice.PostAsync("/api/conversation/create", new { topic = "plain register", emails = invitee })).EnsureOk()
            .Header().GetProperty("conversation_id").GetGuid();
        var horizon = await alice.HorizonAsync();
        using var bob = server.NewClient();
        await bob.RegisterAsync(invitee, "plain password", "Plain");
        var records = await alice.PollToEndAsync(horizon);
        var signin = Assert.Single(records, r => r.Str("mk_rec_type") == "message" && r.Str("mk_message_type") == "signin");
        Assert.Equal(conversation, signin.GetProperty("conversation_id").GetGuid());
    }

    [Fact]
    public async Task Invitations_to_one_address_stop_at_the_hourly_limit_and_memberships_still_happen()
    {
        using var alice = await server.NewAccountAsync("Alice");
        var invitee = NewAddress("popular");
        var conversations = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            conversations.Add((await alice.PostAsync("/api/conversation/create", new { topic = $"invite {i}", emails = invitee, is_invite = true }))
                .EnsureOk().Header().GetProperty("conversation_id").GetGuid());
        }

        Assert.Equal(6, conversations.Count);
        await server.Smtp.WaitForAsync(invitee, _ => server.Smtp.MailsTo(invitee).Count >= 4);
        // A mail after these, to someone else, arrives behind any fifth one that might have been queued.
        var marker = NewAddress("marker");
        (await alice.PostAsync("/api/conversation/create", new { topic = "marker", emails = marker, is_invite = true })).EnsureOk();
        await server.Smtp.WaitForAsync(marker);
        Assert.Equal(4, server.Smtp.MailsTo(invitee).Count);
    }

    [Fact]
    public async Task Concurrent_invitations_of_one_address_make_one_account()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        var invitee = NewAddress("shared");
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? alice : bob).PostAsync("/api/conversation/create", new { topic = $"race {i}", emails = invitee })));
        Assert.Equal(6, answers.Length);
        // Every conversation has the same third member: the one account of the address.
        var invitees = answers.Select(a => a.EnsureOk().Header().Ids("members").Except([alice.AccountId, bob.AccountId]).Single()).Distinct().ToList();
        Assert.Single(invitees);
        await using var db = server.OpenDb();
        Assert.Equal(invitees[0], db.Accounts.Single(a => a.EmailKey == invitee.ToLowerInvariant()).Id);
    }
}
