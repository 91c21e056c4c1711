using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Api;

/// <summary>contact:get_dialog, served as api/contact/get_dialog: one one-to-one conversation per pair, reused.</summary>
public sealed class ContactDialogTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Account_dialog_with_contact_id_opens_the_same_dialog_as_get_dialog()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");

        // Fleep's own python client opens dialogs with api/account/dialog {contact_id}.
        var opened = (await alice.PostAsync("/api/account/dialog", new { contact_id = bob.AccountId })).EnsureOk();
        var dialog = opened.Header().GetProperty("conversation_id").GetGuid();
        Assert.Equal("ic_full", opened.Header().Str("mk_init_mode"));
        var viaContact = (await bob.ContactAsync("get_dialog", new { account_id = alice.AccountId })).EnsureOk();
        Assert.Equal(dialog, viaContact.Header().GetProperty("conversation_id").GetGuid());
        (await alice.PostAsync("/api/account/dialog", new { })).AssertError(400, "missing_param");
        (await alice.PostAsync("/api/account/dialog", new { contact_id = Guid.NewGuid() })).AssertError(430);
    }

    [Fact]
    public async Task Get_dialog_creates_the_dialog_once_and_both_contacts_carry_its_id()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        using var eve = await server.NewAccountAsync("eve");
        var aliceHorizon = await alice.HorizonAsync();
        var bobHorizon = await bob.HorizonAsync();

        var first = (await alice.ContactAsync("get_dialog", new { account_id = bob.AccountId })).EnsureOk();
        var dialog = first.Header().GetProperty("conversation_id").GetGuid();
        Assert.Equal("cct_default", first.Header().Str("mk_conv_type"));
        Assert.Equal(dialog, (await alice.ContactAsync("get_dialog", new { account_id = bob.AccountId })).EnsureOk().Header().GetProperty("conversation_id").GetGuid());
        Assert.Equal(dialog, (await bob.ContactAsync("get_dialog", new { account_id = alice.AccountId })).EnsureOk().Header().GetProperty("conversation_id").GetGuid());
        var members = (await alice.HeaderAsync(dialog)).Ids("members");
        Assert.Equal(2, members.Count);
        Assert.Contains(bob.AccountId, members);

        Assert.Equal(dialog, (await alice.ContactAsync("sync", new { contact_id = bob.AccountId })).EnsureOk().Json.GetProperty("dialog_id").GetGuid());
        Assert.Equal(dialog, (await bob.ContactAsync("sync", new { contact_id = alice.AccountId })).EnsureOk().Json.GetProperty("dialog_id").GetGuid());
        Assert.Equal(4, (await alice.ContactAsync("sync", new { contact_id = bob.AccountId })).EnsureOk().Json.Long("sort_rank"));
        Assert.Contains((await alice.PollAfterAsync(aliceHorizon)).Records.ContactsAbout(bob.AccountId),
            c => c.Has("dialog_id") && c.GetProperty("dialog_id").GetGuid() == dialog);
        Assert.Contains((await bob.PollAfterAsync(bobHorizon)).Records.ContactsAbout(alice.AccountId),
            c => c.Has("dialog_id") && c.GetProperty("dialog_id").GetGuid() == dialog);

        // A third account sees neither the dialog nor its id.
        (await eve.ConvAsync("sync", dialog, new { })).AssertError(430, "not_found");
        Assert.False((await eve.ContactAsync("sync", new { contact_id = bob.AccountId })).EnsureOk().Json.Has("dialog_id"));
        var eveDialog = (await eve.ContactAsync("get_dialog", new { account_id = bob.AccountId })).EnsureOk().Header().GetProperty("conversation_id").GetGuid();
        Assert.NotEqual(dialog, eveDialog);
    }

    [Fact]
    public async Task Concurrent_first_calls_make_one_dialog_and_leaving_it_makes_the_next_call_start_a_new_one()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            (i % 2 == 0 ? alice : bob).ContactAsync("get_dialog", new { account_id = (i % 2 == 0 ? bob : alice).AccountId, mk_conv_type = "cct_no_mail" })));
        var ids = answers.Select(a => a.EnsureOk().Header().GetProperty("conversation_id").GetGuid()).Distinct().ToList();
        var dialog = Assert.Single(ids);
        Assert.Equal("cct_no_mail", (await alice.HeaderAsync(dialog)).Str("mk_conv_type"));

        (await bob.ConvAsync("leave", dialog, new { })).EnsureOk();
        var next = (await alice.ContactAsync("get_dialog", new { account_id = bob.AccountId })).EnsureOk().Header().GetProperty("conversation_id").GetGuid();
        Assert.NotEqual(dialog, next);
        Assert.Equal(next, (await bob.ContactAsync("sync", new { contact_id = alice.AccountId })).EnsureOk().Json.GetProperty("dialog_id").GetGuid());
    }

    [Fact]
    public async Task Get_dialog_refuses_bad_input()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        (await alice.ContactAsync("get_dialog", new { account_id = alice.AccountId })).AssertError(400, "invalid_param");
        (await alice.ContactAsync("get_dialog", new { account_id = Guid.NewGuid() })).AssertError(430, "not_found");
        (await alice.ContactAsync("get_dialog", new { account_id = "nope" })).AssertError(400, "invalid_param");
        (await alice.ContactAsync("get_dialog", new { account_id = bob.AccountId, mk_conv_type = "cct_list" })).AssertError(400, "invalid_param");
        (await alice.ContactAsync("get_dialog", new { })).AssertError(400, "missing_param");
    }
}
