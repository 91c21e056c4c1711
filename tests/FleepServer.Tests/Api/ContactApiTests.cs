using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Api;

/// <summary>api/contact/* through HTTP, each answer against Fleep's documented shape (docs/contacts.md).</summary>
public sealed class ContactApiTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static readonly string[] PublicFields =
        ["mk_rec_type", "account_id", "email", "display_name", "full_name", "mk_account_status", "fleep_address", "avatar_urls",
         "is_hidden_for_add", "activity_time", "sort_rank"];

    private static readonly string[] OwnerOnlyFields =
        ["client_flags", "is_full_privacy", "mk_email_interval", "fleep_autogen", "has_password", "is_premium", "client_settings",
         "alias_account_ids"];

    [Fact]
    public async Task Sync_answers_the_bare_contact_public_for_others_and_with_owner_fields_for_oneself()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        await alice.CreateConversationAsync("met", bob);

        var other = (await alice.ContactAsync("sync", new { contact_id = bob.AccountId })).EnsureOk().Json;
        Assert.Equal("contact", other.Str("mk_rec_type"));
        Assert.Equal(bob.AccountId, other.GetProperty("account_id").GetGuid());
        Assert.Equal(bob.Email, other.Str("email"));
        Assert.Equal("bob", other.Str("display_name"));
        Assert.Equal("bob", other.Str("full_name"));
        Assert.Equal("active", other.Str("mk_account_status"));
        Assert.Equal("{}", other.Str("avatar_urls"));
        Assert.False(other.Bool("is_hidden_for_add"));
        Assert.Equal(1, other.Long("sort_rank"));
        Assert.True(other.Has("activity_time"));
        Assert.True(other.Has("fleep_address"));
        Assert.False(other.Has("dialog_id"));
        Assert.False(other.Has("contact_name"));
        Assert.False(other.Has("phone_nr"));
        Assert.All(OwnerOnlyFields, field => Assert.False(other.Has(field), field));

        var own = (await alice.ContactAsync("sync", new { contact_id = alice.AccountId })).EnsureOk().Json;
        Assert.Equal(alice.AccountId, own.GetProperty("account_id").GetGuid());
        Assert.True(own.Bool("is_hidden_for_add"));
        Assert.All(OwnerOnlyFields, field => Assert.True(own.Has(field), field));

        (await alice.ContactAsync("sync", new { contact_id = Guid.NewGuid() })).AssertError(430, "not_found");
        (await alice.ContactAsync("sync", new { contact_id = "not-a-uuid" })).AssertError(400, "invalid_param");
        (await alice.ContactAsync("sync", new { })).AssertError(400, "missing_param");
    }

    [Fact]
    public async Task Describe_shows_the_private_name_and_phone_to_the_describer_only()
    {
        using var bob = await server.NewAccountAsync("bob");
        using var carol = await server.NewAccountAsync("carol");
        using var dave = await server.NewAccountAsync("dave");
        await bob.CreateConversationAsync("three", carol, dave);
        var bobHorizon = await bob.HorizonAsync();
        var carolHorizon = await carol.HorizonAsync();
        var daveHorizon = await dave.HorizonAsync();
        var secretName = $"Boss {Guid.NewGuid():N}";
        const string secretPhone = "+372 5555 0101";

        var described = (await bob.ContactAsync("describe", new { contact_id = carol.AccountId, contact_name = secretName, phone_nr = secretPhone }))
            .EnsureOk();

        var record = Assert.Single(described.Stream());
        Assert.Equal(carol.AccountId, record.GetProperty("account_id").GetGuid());
        Assert.Equal(secretName, record.Str("display_name"));
        Assert.Equal(secretName, record.Str("contact_name"));
        Assert.Equal(secretPhone, record.Str("phone_nr"));
        Assert.Equal("carol", record.Str("full_name"));
        Assert.All(PublicFields, field => Assert.True(record.Has(field), field));
        var pushed = Assert.Single((await bob.PollAfterAsync(bobHorizon)).Records.ContactsAbout(carol.AccountId));
        Assert.Equal(secretName, pushed.Str("display_name"));
        Assert.Equal(secretPhone, pushed.Str("phone_nr"));

        // Nobody else's answers or streams carry the private name or phone.
        Assert.DoesNotContain(secretName, (await carol.PollAfterAsync(carolHorizon)).Raw);
        Assert.DoesNotContain(secretName, (await dave.PollAfterAsync(daveHorizon)).Raw);
        foreach (var viewer in new[] { carol, dave })
        {
            var seen = (await viewer.ContactAsync("sync", new { contact_id = carol.AccountId })).EnsureOk();
            Assert.DoesNotContain(secretName, seen.Json.GetRawText());
            Assert.DoesNotContain(secretPhone, seen.Json.GetRawText());
            Assert.DoesNotContain(secretName, (await viewer.PostAsync("/api/account/sync")).EnsureOk().Json.GetRawText());
            Assert.DoesNotContain(secretName, (await viewer.PostAsync("/api/account/poll", new { event_horizon = 0, wait = false })).EnsureOk().Json.GetRawText());
            Assert.DoesNotContain(secretName, (await viewer.ContactAsync("sync/all")).EnsureOk().Json.GetRawText());
        }

        var daveView = (await dave.ContactAsync("sync", new { contact_id = carol.AccountId })).EnsureOk().Json;
        Assert.Equal("carol", daveView.Str("display_name"));
        Assert.False(daveView.Has("contact_name"));
        Assert.False(daveView.Has("phone_nr"));

        // Bob's own sync keeps the private view; a public rename keeps it too, with the new full_name.
        var bobSync = (await bob.PostAsync("/api/account/sync")).EnsureOk();
        Assert.Equal(secretName, Assert.Single(bobSync.Stream().ContactsAbout(carol.AccountId)).Str("display_name"));
        bobHorizon = bobSync.Horizon();
        daveHorizon = await dave.HorizonAsync();
        (await carol.PostAsync("/api/account/configure", new { display_name = "Carol Renamed" })).EnsureOk();
        var renamedForBob = Assert.Single((await bob.PollAfterAsync(bobHorizon)).Records.ContactsAbout(carol.AccountId));
        Assert.Equal(secretName, renamedForBob.Str("display_name"));
        Assert.Equal("Carol Renamed", renamedForBob.Str("full_name"));
        var renamedForDave = Assert.Single((await dave.PollAfterAsync(daveHorizon)).Records.ContactsAbout(carol.AccountId));
        Assert.Equal("Carol Renamed", renamedForDave.Str("display_name"));
        Assert.False(renamedForDave.Has("phone_nr"));

        // An empty name clears it: the real name is back, contact_name is "".
        var cleared = Assert.Single((await bob.ContactAsync("describe", new { contact_id = carol.AccountId, contact_name = "" })).EnsureOk().Stream());
        Assert.Equal("Carol Renamed", cleared.Str("display_name"));
        Assert.Equal("", cleared.Str("contact_name"));
        Assert.Equal(secretPhone, cleared.Str("phone_nr"));
    }

    [Fact]
    public async Task Describe_refuses_bad_input()
    {
        using var bob = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        (await bob.ContactAsync("describe", new { contact_id = carol.AccountId, contact_name = new string('x', 1025) })).AssertError(400, "invalid_param");
        (await bob.ContactAsync("describe", new { contact_id = carol.AccountId, phone_nr = 5 })).AssertError(400, "invalid_param");
        (await bob.ContactAsync("describe", new { contact_id = carol.AccountId, contact_name = new[] { "x" } })).AssertError(400, "invalid_param");
        (await bob.ContactAsync("describe", new { contact_name = "x" })).AssertError(400, "missing_param");
        (await bob.ContactAsync("describe", new { contact_id = Guid.NewGuid(), contact_name = "x" })).AssertError(430, "not_found");
        (await bob.ContactAsync("describe", new { contact_id = bob.AccountId, contact_name = "me" })).AssertError(400, "invalid_param");
        (await bob.ContactAsync("describe", new { contact_id = Guid.Empty, contact_name = "x" })).AssertError(400, "invalid_param");
    }

    [Fact]
    public async Task Sync_list_and_sync_all_answer_contacts_with_ignore_and_search()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        using var carol = await server.NewAccountAsync("carol");
        using var stranger = await server.NewAccountAsync("stranger");
        await alice.CreateConversationAsync("met", bob, carol);
        (await alice.ContactAsync("describe", new { contact_id = carol.AccountId, contact_name = "Zebra Person" })).EnsureOk();

        var list = (await alice.ContactAsync("sync/list", new { contacts = new[] { carol.AccountId, Guid.NewGuid(), bob.AccountId } })).EnsureOk();
        var listed = list.Json.GetProperty("contacts").EnumerateArray().ToList();
        Assert.Equal([carol.AccountId, bob.AccountId], listed.Select(c => c.GetProperty("account_id").GetGuid()));
        Assert.Equal("Zebra Person", listed[0].Str("display_name"));

        var all = (await alice.ContactAsync("sync/all")).EnsureOk();
        var ids = all.Json.GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("account_id").GetGuid()).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Contains(bob.AccountId, ids);
        Assert.Contains(carol.AccountId, ids);
        Assert.DoesNotContain(stranger.AccountId, ids);
        Assert.DoesNotContain(alice.AccountId, ids);
        Assert.All(all.Json.GetProperty("contacts").EnumerateArray(), c => Assert.All(PublicFields, f => Assert.True(c.Has(f), f)));

        var ignored = (await alice.ContactAsync("sync/all", new { ignore = new[] { bob.AccountId } })).EnsureOk();
        Assert.Equal(carol.AccountId, Assert.Single(ignored.Json.GetProperty("contacts").EnumerateArray()).GetProperty("account_id").GetGuid());

        var searched = (await alice.ContactAsync("sync/all", new { search_str = "zEBRA" })).EnsureOk();
        Assert.Equal(carol.AccountId, Assert.Single(searched.Json.GetProperty("contacts").EnumerateArray()).GetProperty("account_id").GetGuid());
        var byEmail = (await alice.ContactAsync("sync/all", new { search_str = bob.Email[..10].ToUpperInvariant() })).EnsureOk();
        Assert.Equal(bob.AccountId, Assert.Single(byEmail.Json.GetProperty("contacts").EnumerateArray()).GetProperty("account_id").GetGuid());

        // The stranger's own list does not reveal alice's private name either.
        Assert.Empty((await stranger.ContactAsync("sync/all")).EnsureOk().Json.GetProperty("contacts").EnumerateArray());

        (await alice.ContactAsync("sync/all", new { ignore = new[] { "not-a-uuid" } })).AssertError(400, "invalid_param");
        (await alice.ContactAsync("sync/all", new { ignore = bob.AccountId })).AssertError(400, "invalid_param");
        (await alice.ContactAsync("sync/all", new { search_str = new string('x', 1025) })).AssertError(400, "invalid_param");
        (await alice.ContactAsync("sync/list", new { contacts = "x" })).AssertError(400, "invalid_param");
        (await alice.ContactAsync("sync/list", new { })).AssertError(400, "missing_param");
        (await alice.ContactAsync("sync/list", new { contacts = new[] { Guid.Empty } })).AssertError(400, "invalid_param");
    }

    [Fact]
    public async Task Hidden_contacts_stay_hidden_until_a_new_conversation_brings_them_back()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var old = await alice.CreateConversationAsync("old", bob);
        var horizon = await alice.HorizonAsync();

        var hide = (await alice.ContactAsync("hide", new { contacts = new[] { bob.AccountId, Guid.NewGuid(), alice.AccountId } })).EnsureOk();
        Assert.Equal([bob.AccountId], hide.Json.Ids("contacts"));
        var pushed = Assert.Single((await alice.PollAfterAsync(horizon)).Records.ContactsAbout(bob.AccountId));
        Assert.True(pushed.Bool("is_hidden_for_add"));
        Assert.Equal(0, pushed.Long("sort_rank"));
        Assert.Empty((await alice.ContactAsync("hide", new { contacts = new[] { bob.AccountId } })).EnsureOk().Json.Ids("contacts"));

        // Activity in an existing conversation does not bring bob back.
        (await bob.SendAsync(old, "still here")).EnsureOk();
        (await alice.SendAsync(old, "hello")).EnsureOk();
        var sync = (await alice.PostAsync("/api/account/sync")).EnsureOk();
        Assert.True(Assert.Single(sync.Stream().ContactsAbout(bob.AccountId)).Bool("is_hidden_for_add"));
        Assert.True((await alice.ContactAsync("sync/all")).EnsureOk().ContactIn("contacts", bob.AccountId).Bool("is_hidden_for_add"));
        Assert.True((await alice.ContactAsync("sync", new { contact_id = bob.AccountId })).EnsureOk().Json.Bool("is_hidden_for_add"));
        // Bob's view of alice is his own: not hidden.
        Assert.False((await bob.ContactAsync("sync", new { contact_id = alice.AccountId })).EnsureOk().Json.Bool("is_hidden_for_add"));

        horizon = sync.Horizon();
        await bob.CreateConversationAsync("new", alice);
        var back = (await alice.PollAfterAsync(horizon)).Records.ContactsAbout(bob.AccountId);
        Assert.NotEmpty(back);
        Assert.All(back, c => Assert.False(c.Bool("is_hidden_for_add")));
        var listed = (await alice.ContactAsync("sync/all")).EnsureOk().ContactIn("contacts", bob.AccountId);
        Assert.False(listed.Bool("is_hidden_for_add"));
        Assert.Equal(1, listed.Long("sort_rank"));

        (await alice.ContactAsync("hide", new { contacts = new[] { "nope" } })).AssertError(400, "invalid_param");
        (await alice.ContactAsync("hide", new { })).AssertError(400, "missing_param");
    }

    [Fact]
    public async Task Import_lists_addresses_with_private_names_and_makes_placeholder_accounts_that_registration_takes_over()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var newcomer = $"Newcomer.{Guid.NewGuid():N}@Example.org";
        var horizon = await alice.HorizonAsync();

        var imported = (await alice.ContactAsync("import", new
        {
            contact_list = new object[]
            {
                new { addr_full = bob.Email.ToUpperInvariant(), addr_descr = "Bobby", phone_nr = "+1 555" },
                new { addr_full = newcomer, addr_descr = "New Person" },
            },
        })).EnsureOk().Stream();

        Assert.Equal(2, imported.Count);
        var bobRecord = imported[0];
        Assert.Equal(bob.AccountId, bobRecord.GetProperty("account_id").GetGuid());
        Assert.Equal("Bobby", bobRecord.Str("display_name"));
        Assert.Equal("Bobby", bobRecord.Str("contact_name"));
        Assert.Equal("bob", bobRecord.Str("full_name"));
        Assert.Equal("+1 555", bobRecord.Str("phone_nr"));
        Assert.Equal(8, bobRecord.Long("sort_rank"));
        var placeholder = imported[1];
        Assert.Equal("new", placeholder.Str("mk_account_status"));
        Assert.Equal("New Person", placeholder.Str("display_name"));
        Assert.Equal(newcomer, placeholder.Str("email"));
        var placeholderId = placeholder.GetProperty("account_id").GetGuid();
        Assert.Equal(2, (await alice.PollAfterAsync(horizon)).Records.Count(r => r.Str("mk_rec_type") == "contact"));
        Assert.DoesNotContain("Bobby", (await bob.PostAsync("/api/account/poll", new { event_horizon = 0, wait = false })).EnsureOk().Json.GetRawText());

        // Imported contacts are in the list without a shared conversation.
        var all = await alice.ContactAsync("sync/all");
        Assert.Equal(8, all.EnsureOk().ContactIn("contacts", placeholderId).Long("sort_rank"));

        // The placeholder can be invited by id; registering the address takes the same account over.
        var conversation = await alice.PostAsync("/api/conversation/create", new { topic = "invite", account_ids = new[] { placeholderId } });
        conversation.EnsureOk();
        horizon = await alice.HorizonAsync();
        using var claimed = server.NewClient();
        var registered = await claimed.RegisterAsync(newcomer.ToLowerInvariant(), "correct horse", "Real Name");
        Assert.Equal(placeholderId, registered.Json.GetProperty("account_id").GetGuid());
        Assert.Equal("active", registered.Json.Str("mk_account_status"));
        await claimed.LoginAsync(newcomer, "correct horse");
        Assert.Single((await claimed.PostAsync("/api/account/sync")).EnsureOk().Stream(), r => r.Str("mk_rec_type") == "conv");
        var renamed = Assert.Single((await alice.PollAfterAsync(horizon)).Records.ContactsAbout(placeholderId));
        Assert.Equal("New Person", renamed.Str("display_name"));
        Assert.Equal("Real Name", renamed.Str("full_name"));
        Assert.Equal("active", renamed.Str("mk_account_status"));
        (await server.NewClient().PostAsync("/api/account/register", new { email = newcomer, password = "correct horse" }, withTicket: false))
            .AssertError(431, "email_taken");
    }

    [Fact]
    public async Task Import_takes_address_book_entries_with_the_name_in_front()
    {
        using var alice = await server.NewAccountAsync();
        var address = $"entry.{Guid.NewGuid():N}@example.org";
        var named = $"other.{Guid.NewGuid():N}@example.org";

        var stream = (await alice.ContactAsync("import", new
        {
            contact_list = new object[]
            {
                new { addr_full = $"\"Book Name\" <{address}>" },
                new { addr_full = $"Ignored Name <{named}>", addr_descr = "Chosen Name" },
            },
        })).EnsureOk().Stream();

        var first = Assert.Single(stream, c => c.Str("email") == address);
        Assert.Equal("Book Name", first.Str("contact_name"));
        var second = Assert.Single(stream, c => c.Str("email") == named);
        Assert.Equal("Chosen Name", second.Str("contact_name"));
        (await alice.ContactAsync("import", new { contact_list = new[] { new { addr_full = "Name <not an address>" } } })).AssertError(400, "invalid_param");
    }

    [Fact]
    public async Task Import_refuses_bad_input()
    {
        using var alice = await server.NewAccountAsync();
        (await alice.ContactAsync("import", new { contact_list = new[] { new { addr_full = "not an address" } } })).AssertError(400, "invalid_param");
        (await alice.ContactAsync("import", new { contact_list = new[] { new { addr_descr = "no address" } } })).AssertError(400, "missing_param");
        (await alice.ContactAsync("import", new { contact_list = new[] { new { addr_full = "a@example.org", addr_descr = new string('x', 1025) } } }))
            .AssertError(400, "invalid_param");
        (await alice.ContactAsync("import", new { contact_list = "a@example.org" })).AssertError(400, "invalid_param");
        (await alice.ContactAsync("import", new { contact_list = new object?[] { null } })).AssertError(400, "invalid_param");
        (await alice.ContactAsync("import", new { })).AssertError(400, "missing_param");
        Assert.Empty((await alice.ContactAsync("import", new { contact_list = Array.Empty<object>() })).EnsureOk().Stream());
    }

    [Fact]
    public async Task Unlist_drops_the_contact_from_suggestions_until_a_new_conversation()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        using var stranger = await server.NewAccountAsync("stranger");
        await alice.CreateConversationAsync("met", bob);

        var unlisted = Assert.Single((await alice.ContactAsync("unlist", new { contact_id = bob.AccountId })).EnsureOk().Stream());
        Assert.Equal(0, unlisted.Long("sort_rank"));
        Assert.False(unlisted.Bool("is_hidden_for_add"));
        (await alice.ContactAsync("unlist", new { contact_id = stranger.AccountId })).AssertError(430, "not_found");
        (await alice.ContactAsync("unlist", new { contact_id = "x" })).AssertError(400, "invalid_param");

        await alice.CreateConversationAsync("again", bob);
        Assert.Equal(1, (await alice.ContactAsync("sync/all")).EnsureOk().ContactIn("contacts", bob.AccountId).Long("sort_rank"));
    }

    [Fact]
    public async Task Sync_activity_answers_lastseen_of_contacts_that_were_active()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        using var stranger = await server.NewAccountAsync("stranger");
        await alice.CreateConversationAsync("met", bob);
        var placeholder = Assert.Single((await alice.ContactAsync("import",
                new { contact_list = new[] { new { addr_full = $"ghost.{Guid.NewGuid():N}@example.org" } } })).EnsureOk().Stream())
            .GetProperty("account_id").GetGuid();

        server.Clock.Advance(TimeSpan.FromMinutes(5));
        (await bob.PostAsync("/api/account/set_flag", new { client_flag = "busy" })).EnsureOk();
        var expected = server.Clock.GetUtcNow().ToUnixTimeSeconds();

        var answer = (await alice.ContactAsync("sync/activity", new { contacts = new[] { bob.AccountId, placeholder, stranger.AccountId, Guid.NewGuid() } }))
            .EnsureOk();
        var seen = Assert.Single(answer.Stream());
        Assert.Equal("lastseen", seen.Str("mk_rec_type"));
        Assert.Equal(bob.AccountId, seen.GetProperty("account_id").GetGuid());
        Assert.Equal(expected, seen.Long("activity_time"));
        Assert.Equal(3, seen.EnumerateObject().Count());
        Assert.Equal(expected, (await alice.ContactAsync("sync", new { contact_id = bob.AccountId })).EnsureOk().Json.Long("activity_time"));

        (await alice.ContactAsync("sync/activity", new { contacts = new[] { "bad" } })).AssertError(400, "invalid_param");
        (await alice.ContactAsync("sync/activity", new { })).AssertError(400, "missing_param");
    }
}
