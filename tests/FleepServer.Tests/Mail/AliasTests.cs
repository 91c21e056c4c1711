using System.Text.Json;
using FleepServer.Data;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Mail;

/// <summary>
/// E-mail aliases (docs/mail.md, "Aliases"), over real SMTP: alias/add mails a confirmation link,
/// alias/confirm with the owner's session makes the address an alias whose conversations move to
/// the owner (a <c>replace</c> message in each), the owner's contact lists it in
/// <c>alias_account_ids</c>, the alias logs the owner in, alias/remove detaches it, and only a
/// confirmed alias can become the primary address.
/// </summary>
public sealed class AliasTests(MailServerFixture server) : IClassFixture<MailServerFixture>
{
    private const string Password = "correct horse";

    private static string NewAddress(string name) => $"{name}.{Guid.NewGuid():N}@example.org";

    private Task<FleepResponse> AddAsync(FleepTestClient owner, object emails) => owner.PostAsync("/api/alias/add", new { emails });

    private Task<FleepResponse> ConfirmAsync(FleepTestClient owner, string? id) => owner.PostAsync("/api/alias/confirm", new { notification_id = id });

    /// <summary>Adds the address as an alias of the owner and answers the mailed link's id.</summary>
    private async Task<string> RequestAsync(FleepTestClient owner, string address)
    {
        var before = server.Smtp.MailsTo(address).Count;
        var added = (await AddAsync(owner, address)).EnsureOk();
        Assert.Equal(JsonValueKind.Null, added.Json.GetProperty("failed").ValueKind);
        await server.Smtp.WaitForAsync(address, _ => server.Smtp.MailsTo(address).Count > before);
        return server.Smtp.MailsTo(address).Last().LinkParameter("confirm_id");
    }

    /// <summary>Adds and confirms the address; answers the alias account's id.</summary>
    private async Task<Guid> AliasAsync(FleepTestClient owner, string address)
    {
        var id = await RequestAsync(owner, address);
        var confirmed = (await ConfirmAsync(owner, id)).EnsureOk();
        return AliasContact(confirmed, address).GetProperty("account_id").GetGuid();
    }

    private static JsonElement AliasContact(FleepResponse response, string address) =>
        Assert.Single(response.Stream(), c => string.Equals(c.Str("email"), address, StringComparison.OrdinalIgnoreCase));

    private static JsonElement Own(FleepResponse response, Guid accountId)
    {
        var stream = response.Stream();
        Assert.NotEmpty(stream);
        var own = stream[^1];
        Assert.Equal(accountId, own.GetProperty("account_id").GetGuid());
        return own;
    }

    private static JsonElement SystemBody(JsonElement message) => JsonDocument.Parse(message.Str("message")).RootElement;

    [Fact]
    public async Task A_confirmed_alias_brings_its_conversations_and_history_to_the_owner_and_everyone_sees_the_change()
    {
        using var carol = await server.NewAccountAsync("Carol");
        using var bob = await server.NewAccountAsync("Bob");
        var address = NewAddress("bob.work");

        // Carol invites the address (no account yet) to one conversation, and it and Bob to another.
        var alone = (await carol.PostAsync("/api/conversation/create", new { topic = "work plans", emails = address, message = "first message" }))
            .EnsureOk().Header().GetProperty("conversation_id").GetGuid();
        await carol.SendAsync(alone, "second message");
        var shared = (await carol.PostAsync("/api/conversation/create",
            new { topic = "both of you", emails = address, account_ids = new[] { bob.AccountId } })).EnsureOk().Header().GetProperty("conversation_id").GetGuid();

        var added = (await AddAsync(bob, address)).EnsureOk();
        Assert.Equal(JsonValueKind.Null, added.Json.GetProperty("failed").ValueKind);
        var placeholder = AliasContact(added, address);
        Assert.Equal("new", placeholder.Str("mk_account_status"));
        var aliasId = placeholder.GetProperty("account_id").GetGuid();
        Assert.Empty(Own(added, bob.AccountId).Ids("alias_account_ids"));

        var mail = await server.Smtp.WaitForAsync(address);
        Assert.Equal("Confirm your e-mail alias", mail.Subject);
        Assert.Contains(bob.Email, mail.Text);
        Assert.Contains("/alias/confirm?confirm_id=", mail.Text);
        var id = mail.LinkParameter("confirm_id");

        var carolHorizon = await carol.HorizonAsync();
        var bobHorizon = await bob.HorizonAsync();
        var confirmed = (await ConfirmAsync(bob, id)).EnsureOk();
        Assert.Equal(JsonValueKind.Null, confirmed.Json.GetProperty("failed").ValueKind);
        var alias = AliasContact(confirmed, address);
        Assert.Equal(aliasId, alias.GetProperty("account_id").GetGuid());
        Assert.Equal("alias", alias.Str("mk_account_status"));
        Assert.Equal(address, alias.Str("display_name"));
        Assert.True(alias.Bool("is_hidden_for_add"));
        Assert.Equal([aliasId], Own(confirmed, bob.AccountId).Ids("alias_account_ids"));

        // Bob's stream brings the conversation the address was in, with the replace message and his contact's new list.
        var bobRecords = await bob.PollToEndAsync(bobHorizon);
        var bobHeader = bobRecords.Last(r => r.Str("mk_rec_type") == "conv" && r.GetProperty("conversation_id").GetGuid() == alone);
        Assert.Contains(bob.AccountId, bobHeader.Ids("members"));
        Assert.Equal("work plans", bobHeader.Str("topic"));
        Assert.Contains(bobRecords, r => r.Str("mk_rec_type") == "message" && r.Str("mk_message_type") == "replace"
            && r.GetProperty("conversation_id").GetGuid() == alone);
        Assert.Equal([aliasId], bobRecords.ContactsAbout(bob.AccountId).Last().Ids("alias_account_ids"));

        // Bob has the conversation the address was in, with its history; the address is no member any more.
        var synced = (await bob.ConvAsync("sync", alone, new { mk_direction = "ic_full" })).EnsureOk();
        var members = synced.Header().Ids("members");
        Assert.Contains(bob.AccountId, members);
        Assert.DoesNotContain(aliasId, members);
        var texts = synced.Messages().Select(m => m.Str("message")).ToList();
        Assert.Contains(texts, t => t.Contains("first message", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("second message", StringComparison.Ordinal));
        var sharedMembers = (await bob.HeaderAsync(shared)).Ids("members");
        Assert.Equal(new[] { carol.AccountId, bob.AccountId }.Order(), sharedMembers.Order());

        // Carol sees, in each conversation, the replace message by Bob and the new member list, and the alias's new status.
        var records = await carol.PollToEndAsync(carolHorizon);
        var replaces = records.Where(r => r.Str("mk_rec_type") == "message" && r.Str("mk_message_type") == "replace").ToList();
        Assert.Equal(2, replaces.Count);
        Assert.Equal(new[] { alone, shared }.Order(), replaces.Select(r => r.GetProperty("conversation_id").GetGuid()).Order());
        foreach (var replace in replaces)
        {
            Assert.Equal(bob.AccountId, replace.GetProperty("account_id").GetGuid());
            var body = SystemBody(replace);
            Assert.Equal($"{{author}} replaced {address} with {bob.Email}.", body.Str("sysmsg_text"));
            Assert.Equal([aliasId], body.Ids("members"));
        }

        var header = records.Last(r => r.Str("mk_rec_type") == "conv" && r.GetProperty("conversation_id").GetGuid() == alone);
        Assert.Contains(bob.AccountId, header.Ids("members"));
        Assert.DoesNotContain(aliasId, header.Ids("members"));
        Assert.NotEmpty(records.ContactsAbout(bob.AccountId));
        Assert.Equal("alias", records.ContactsAbout(aliasId).Last().Str("mk_account_status"));

        // alias/sync lists it; the address logs Bob in; inviting the address now invites Bob.
        var sync = (await bob.PostAsync("/api/alias/sync")).EnsureOk();
        Assert.Equal(2, sync.Stream().Count);
        Assert.Equal(aliasId, sync.Stream()[0].GetProperty("account_id").GetGuid());
        Assert.Equal([aliasId], Own(sync, bob.AccountId).Ids("alias_account_ids"));
        using var viaAlias = server.NewClient();
        Assert.Equal(bob.AccountId, (await viaAlias.LoginAsync(address.ToUpperInvariant(), Password)).Json.GetProperty("account_id").GetGuid());
        var invited = (await carol.PostAsync("/api/conversation/create", new { topic = "later", emails = address })).EnsureOk().Header().Ids("members");
        Assert.Contains(bob.AccountId, invited);
        Assert.DoesNotContain(aliasId, invited);

        // Others cannot take the address any more, nor register it.
        using var dave = await server.NewAccountAsync("Dave");
        (await AddAsync(dave, address)).AssertError(431, "email_taken");
        (await server.NewClient().PostAsync("/api/account/register/v2", new { email = address }, withTicket: false)).AssertError(431, "email_taken");
    }

    [Fact]
    public async Task Remove_detaches_the_alias_and_empties_alias_account_ids()
    {
        using var bob = await server.NewAccountAsync("Bob");
        var address = NewAddress("old");
        var aliasId = await AliasAsync(bob, address);
        var other = NewAddress("never");

        var removed = (await bob.PostAsync("/api/alias/remove", new { emails = $"{address}, {other}" })).EnsureOk();
        Assert.Equal([other], removed.Json.GetProperty("failed").EnumerateArray().Select(e => e.GetString()).ToList());
        Assert.Single(removed.Stream());
        Assert.Empty(Own(removed, bob.AccountId).Ids("alias_account_ids"));
        var sync = (await bob.PostAsync("/api/alias/sync")).EnsureOk();
        Assert.Empty(Own(sync, bob.AccountId).Ids("alias_account_ids"));
        Assert.Single(sync.Stream());

        // The address is a placeholder again: it logs nobody in, and can be added (and mailed) again.
        (await server.NewClient().PostAsync("/api/account/login", new { email = address, password = Password }, withTicket: false))
            .AssertError(431, "incorrect_login");
        await using (var db = server.OpenDb())
        {
            var account = db.Accounts.Single(a => a.Id == aliasId);
            Assert.Equal(AccountStatus.New, account.Status);
            Assert.Null(account.AliasOfId);
        }

        Assert.Equal(aliasId, await AliasAsync(bob, address));
    }

    [Fact]
    public async Task Only_a_confirmed_alias_becomes_the_primary_address_and_everyone_sees_the_new_one()
    {
        using var bob = await server.NewAccountAsync("Bob");
        using var carol = await server.NewAccountAsync("Carol");
        var conversation = await carol.CreateConversationAsync("primary", bob);
        var address = NewAddress("bob.new");
        var id = await RequestAsync(bob, address);

        // Not confirmed yet, unknown, someone else's: refused, and nothing changes.
        (await bob.PostAsync("/api/account/configure", new { primary_email = address })).AssertError(431, "not_alias");
        (await bob.PostAsync("/api/account/configure_primary_email", new { primary_email = address })).AssertError(431, "not_alias");
        (await bob.PostAsync("/api/account/configure_primary_email", new { primary_email = NewAddress("unknown") })).AssertError(431, "not_alias");
        (await bob.PostAsync("/api/account/configure", new { primary_email = carol.Email })).AssertError(431, "not_alias");
        (await bob.PostAsync("/api/account/configure_primary_email", new { })).AssertError(400, "missing_param");
        (await bob.PostAsync("/api/account/configure_primary_email", new { primary_email = "not an address" })).AssertError(400, "invalid_param");
        Assert.Equal(bob.Email, (await carol.ContactAsync("sync", new { contact_id = bob.AccountId })).EnsureOk().Json.Str("email"));

        var aliasId = AliasContact((await ConfirmAsync(bob, id)).EnsureOk(), address).GetProperty("account_id").GetGuid();
        var carolHorizon = await carol.HorizonAsync();
        var changed = (await bob.PostAsync("/api/account/configure_primary_email", new { primary_email = address })).EnsureOk();
        var own = Assert.Single(changed.Json.GetProperty("profiles").EnumerateArray());
        Assert.Equal(address, own.Str("email"));
        Assert.Equal([aliasId], own.Ids("alias_account_ids"));

        // Carol sees the new address; the former one is now the alias; both log Bob in.
        var seen = (await carol.PollToEndAsync(carolHorizon)).ContactsAbout(bob.AccountId);
        Assert.NotEmpty(seen);
        Assert.Equal(address, seen[^1].Str("email"));
        Assert.Contains(bob.AccountId, (await carol.HeaderAsync(conversation)).Ids("members"));
        var sync = (await bob.PostAsync("/api/alias/sync")).EnsureOk();
        Assert.Equal(2, sync.Stream().Count);
        Assert.Equal(bob.Email, sync.Stream()[0].Str("email"));
        Assert.Equal(aliasId, sync.Stream()[0].GetProperty("account_id").GetGuid());
        using var viaNew = server.NewClient();
        Assert.Equal(bob.AccountId, (await viaNew.LoginAsync(address, Password)).Json.GetProperty("account_id").GetGuid());
        using var viaOld = server.NewClient();
        Assert.Equal(bob.AccountId, (await viaOld.LoginAsync(bob.Email, Password)).Json.GetProperty("account_id").GetGuid());

        // And back, through account/configure; the current address itself is accepted too.
        var back = (await bob.PostAsync("/api/account/configure", new { primary_email = bob.Email })).EnsureOk();
        Assert.Equal(bob.Email, back.Json.GetProperty("profiles")[0].Str("email"));
        (await bob.PostAsync("/api/account/configure", new { primary_email = bob.Email.ToUpperInvariant() })).EnsureOk();
        Assert.Equal(address, (await bob.PostAsync("/api/alias/sync")).EnsureOk().Stream()[0].Str("email"));
    }

    [Fact]
    public async Task A_used_an_expired_or_another_accounts_link_is_refused()
    {
        using var bob = await server.NewAccountAsync("Bob");
        using var dave = await server.NewAccountAsync("Dave");
        var address = NewAddress("once");
        var id = await RequestAsync(bob, address);

        // Another account's session cannot use Bob's link, and does not use it up.
        (await ConfirmAsync(dave, id)).AssertError(431, "invalid_notification");
        (await ConfirmAsync(bob, id)).EnsureOk();
        (await ConfirmAsync(bob, id)).AssertError(431, "invalid_notification");
        (await ConfirmAsync(bob, "0123456789abcdef0123456789abcdef")).AssertError(431, "invalid_notification");
        (await ConfirmAsync(bob, null)).AssertError(400, "missing_param");
        (await server.NewClient().PostAsync("/api/alias/confirm", new { notification_id = id }, withTicket: false)).AssertError(401, "not_authenticated");

        var late = NewAddress("late");
        var lateId = await RequestAsync(bob, late);
        server.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        // A week also ends the session: log in again (through the alias, which logs Bob in).
        await bob.LoginAsync(address, Password);
        (await ConfirmAsync(bob, lateId)).AssertError(431, "invalid_notification");
        var sync = (await bob.PostAsync("/api/alias/sync")).EnsureOk();
        Assert.Equal(2, sync.Stream().Count);
        Assert.Equal(address, sync.Stream()[0].Str("email"));
    }

    [Fact]
    public async Task Bad_addresses_and_other_peoples_addresses_get_fleep_errors()
    {
        using var bob = await server.NewAccountAsync("Bob");
        using var carol = await server.NewAccountAsync("Carol");
        (await AddAsync(bob, "not an address")).AssertError(400, "invalid_param");
        (await AddAsync(bob, new string('x', 250) + "@example.org")).AssertError(400, "invalid_param");
        (await AddAsync(bob, Enumerable.Range(0, 101).Select(i => NewAddress($"many{i}")).ToArray())).AssertError(400, "invalid_param");
        (await bob.PostAsync("/api/alias/add", new { })).AssertError(400, "missing_param");
        (await AddAsync(bob, 42)).AssertError(400);
        (await AddAsync(bob, new[] { 1, 2 })).AssertError(400);
        (await AddAsync(bob, new { email = "x@example.org" })).AssertError(400);
        (await AddAsync(bob, "a\u0000b@example.org")).AssertError(400);
        (await bob.PostAsync("/api/alias/confirm", new { notification_id = new string('a', 129) })).AssertError(400, "invalid_param");
        (await AddAsync(bob, "")).AssertError(400, "missing_param");
        (await bob.PostAsync("/api/alias/remove", new { emails = "nope" })).AssertError(400, "invalid_param");
        (await AddAsync(bob, carol.Email)).AssertError(431, "email_taken");
        (await AddAsync(bob, bob.Email.ToUpperInvariant())).AssertError(431, "alias_own_email");

        // A refused call mails nothing, not even to its good addresses.
        var good = NewAddress("good");
        (await AddAsync(bob, new[] { good, carol.Email })).AssertError(431, "email_taken");
        var marker = NewAddress("marker");
        await RequestAsync(bob, marker);
        Assert.Empty(server.Smtp.MailsTo(good));

        // At most four confirmations an address an hour.
        var busy = NewAddress("busy");
        for (var i = 0; i < 4; i++)
        {
            (await AddAsync(bob, busy)).EnsureOk();
        }

        (await AddAsync(bob, busy)).AssertError(431, "too_many_requests");
    }

    [Fact]
    public async Task Two_owners_confirming_one_address_at_once_leave_exactly_one_owner()
    {
        for (var round = 0; round < 3; round++)
        {
            using var bob = await server.NewAccountAsync("Bob");
            using var dave = await server.NewAccountAsync("Dave");
            var address = NewAddress($"contested{round}");
            using var carol = await server.NewAccountAsync("Carol");
            var conversation = (await carol.PostAsync("/api/conversation/create", new { topic = "contested", emails = address })).EnsureOk()
                .Header().GetProperty("conversation_id").GetGuid();
            (await AddAsync(bob, address)).EnsureOk();
            (await AddAsync(dave, address)).EnsureOk();
            await server.Smtp.WaitForAsync(address, _ => server.Smtp.MailsTo(address).Count >= 2);
            var mails = server.Smtp.MailsTo(address);
            Assert.Equal(2, mails.Count);
            var bobId = mails.Single(m => m.Text.Contains(bob.Email, StringComparison.Ordinal)).LinkParameter("confirm_id");
            var daveId = mails.Single(m => m.Text.Contains(dave.Email, StringComparison.Ordinal)).LinkParameter("confirm_id");

            var answers = await ConcurrentCalls.RunAsync([() => ConfirmAsync(bob, bobId), () => ConfirmAsync(dave, daveId)]);
            server.AssertNoServerErrors(answers);
            Assert.Equal(1, answers.Count(a => a.StatusCode == 200));
            Assert.Single(answers, a => a.StatusCode == 431 && a.ErrorId == "email_taken");
            var winner = answers[0].StatusCode == 200 ? bob : dave;
            var loser = winner == bob ? dave : bob;

            await using var db = server.OpenDb();
            var alias = db.Accounts.Single(a => a.EmailKey == address.ToLowerInvariant());
            Assert.Equal(AccountStatus.Alias, alias.Status);
            Assert.Equal(winner.AccountId, alias.AliasOfId);
            Assert.Equal([alias.Id], db.Accounts.Single(a => a.Id == winner.AccountId).AliasAccountIds);
            Assert.Empty(db.Accounts.Single(a => a.Id == loser.AccountId).AliasAccountIds);
            var members = (await carol.HeaderAsync(conversation)).Ids("members");
            Assert.Contains(winner.AccountId, members);
            Assert.DoesNotContain(loser.AccountId, members);
            Assert.DoesNotContain(alias.Id, members);
        }
    }

    [Fact]
    public async Task An_add_racing_a_confirm_of_the_same_address_never_fails_the_confirm()
    {
        for (var round = 0; round < 3; round++)
        {
            using var bob = await server.NewAccountAsync("Bob");
            using var dave = await server.NewAccountAsync("Dave");
            var address = NewAddress($"raced{round}");
            var id = await RequestAsync(bob, address);

            var answers = await ConcurrentCalls.RunAsync([() => ConfirmAsync(bob, id), () => AddAsync(dave, address)]);
            server.AssertNoServerErrors(answers);
            answers[0].EnsureOk();
            // Dave's add came either first (and mailed a link that can no longer be confirmed) or after (refused).
            Assert.True(answers[1].StatusCode == 200 || answers[1] is { StatusCode: 431, ErrorId: "email_taken" }, server.Explain(answers));
            if (answers[1].StatusCode == 200)
            {
                await server.Smtp.WaitForAsync(address, m => m.Text.Contains(dave.Email, StringComparison.Ordinal));
                var daveId = server.Smtp.MailsTo(address).Single(m => m.Text.Contains(dave.Email, StringComparison.Ordinal)).LinkParameter("confirm_id");
                (await ConfirmAsync(dave, daveId)).AssertError(431, "email_taken");
            }

            Assert.Equal(2, (await bob.PostAsync("/api/alias/sync")).EnsureOk().Stream().Count);
            Assert.Single((await dave.PostAsync("/api/alias/sync")).EnsureOk().Stream());
        }
    }

    [Fact]
    public async Task Concurrent_primary_address_swaps_and_a_remove_leave_the_addresses_consistent()
    {
        using var bob = await server.NewAccountAsync("Bob");
        var original = bob.Email;
        var address = NewAddress("swap");
        var aliasId = await AliasAsync(bob, address);

        var calls = new List<Func<Task<FleepResponse>>>();
        for (var i = 0; i < 4; i++)
        {
            calls.Add(() => bob.PostAsync("/api/account/configure_primary_email", new { primary_email = address }));
            calls.Add(() => bob.PostAsync("/api/account/configure", new { primary_email = original }));
        }

        calls.Add(() => bob.PostAsync("/api/alias/remove", new { emails = new[] { address, original } }));
        var answers = await ConcurrentCalls.RunAsync(calls);
        server.AssertNoServerErrors(answers);
        Assert.All(answers, a => Assert.True(a.StatusCode == 200 || a is { StatusCode: 431, ErrorId: "not_alias" }, server.Explain(answers)));
        // The remove detached whichever address was the alias at its moment.
        var removed = answers[^1].EnsureOk();
        Assert.Single(removed.Json.GetProperty("failed").EnumerateArray());

        await using var db = server.OpenDb();
        var owner = db.Accounts.Single(a => a.Id == bob.AccountId);
        var other = db.Accounts.Single(a => a.Id == aliasId);
        Assert.Equal(new[] { original.ToLowerInvariant(), address.ToLowerInvariant() }.Order(), new[] { owner.EmailKey, other.EmailKey }.Order());
        Assert.Equal(AccountStatus.Active, owner.Status);
        Assert.Equal(AccountStatus.New, other.Status);
        Assert.Null(other.AliasOfId);
        Assert.Empty(owner.AliasAccountIds);
        using var again = server.NewClient();
        Assert.Equal(bob.AccountId, (await again.LoginAsync(owner.Email, Password)).Json.GetProperty("account_id").GetGuid());
    }
}
