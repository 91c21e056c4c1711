using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Api;

/// <summary>api/account/lookup: by e-mail in any case, by fleep address, placeholders for unknown e-mails.</summary>
public sealed class ContactLookupTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Lookup_finds_accounts_by_email_in_any_case_and_by_fleep_address()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var bobAddress = (await bob.ContactAsync("sync", new { contact_id = bob.AccountId })).EnsureOk().Json.Str("fleep_address");

        var found = (await alice.PostAsync("/api/account/lookup", new { lookup_list = new[] { bob.Email.ToUpperInvariant() } })).EnsureOk().Stream();
        var record = Assert.Single(found);
        Assert.Equal("contact", record.Str("mk_rec_type"));
        Assert.Equal(bob.AccountId, record.GetProperty("account_id").GetGuid());
        Assert.Equal("bob", record.Str("display_name"));
        Assert.Equal(bobAddress, record.Str("fleep_address"));
        Assert.Equal("{}", record.Str("avatar_urls"));
        Assert.Equal("active", record.Str("mk_account_status"));
        Assert.False(record.Bool("is_in_org"));
        Assert.False(record.Has("email"));
        Assert.False(record.Has("contact_name"));
        Assert.False(record.Has("phone_nr"));

        var byAddress = (await alice.PostAsync("/api/account/lookup", new { lookup_list = new[] { $"{bobAddress.ToUpperInvariant()}@fleep.io", bobAddress } }))
            .EnsureOk().Stream();
        Assert.Equal(bob.AccountId, Assert.Single(byAddress).GetProperty("account_id").GetGuid());
        Assert.Empty((await alice.PostAsync("/api/account/lookup", new { lookup_list = new[] { "nobody-by-that-name@fleep.io" } })).EnsureOk().Stream());

        var ignored = (await alice.PostAsync("/api/account/lookup", new { lookup_list = new[] { bob.Email }, ignore_list = new[] { bob.AccountId } })).EnsureOk();
        Assert.Empty(ignored.Stream());
    }

    [Fact]
    public async Task Lookup_of_an_unknown_email_makes_one_placeholder_account_to_invite()
    {
        using var alice = await server.NewAccountAsync("alice");
        var address = $"Invitee.{Guid.NewGuid():N}@example.org";

        var first = Assert.Single((await alice.PostAsync("/api/account/lookup", new { lookup_list = new[] { address } })).EnsureOk().Stream());
        var second = Assert.Single((await alice.PostAsync("/api/account/lookup", new { lookup_list = new[] { address.ToLowerInvariant() } })).EnsureOk().Stream());

        Assert.Equal("new", first.Str("mk_account_status"));
        var id = first.GetProperty("account_id").GetGuid();
        Assert.Equal(id, second.GetProperty("account_id").GetGuid());
        // Looking up adds nothing to the list; inviting by id works.
        Assert.Empty((await alice.ContactAsync("sync/all")).EnsureOk().Json.GetProperty("contacts").EnumerateArray());
        (await alice.PostAsync("/api/conversation/create", new { topic = "welcome", account_ids = new[] { id } })).EnsureOk();
        Assert.Equal(id, (await alice.ContactAsync("sync/all")).EnsureOk().ContactIn("contacts", id).GetProperty("account_id").GetGuid());
    }

    [Fact]
    public async Task Lookup_refuses_bad_input_with_fleep_errors()
    {
        using var alice = await server.NewAccountAsync();
        (await alice.PostAsync("/api/account/lookup", new { lookup_list = "someone@example.org" })).AssertError(400, "invalid_param");
        (await alice.PostAsync("/api/account/lookup", new { lookup_list = new[] { new string('a', 1020) + "@x.org" } })).AssertError(400, "invalid_param");
        (await alice.PostAsync("/api/account/lookup", new { lookup_list = new[] { "someone@example.org" }, ignore_list = new[] { "not-a-uuid" } }))
            .AssertError(400, "invalid_param");
        (await alice.PostAsync("/api/account/lookup", new { lookup_list = new[] { "someone@example.org" }, ignore_list = "x" })).AssertError(400, "invalid_param");
        (await alice.PostAsync("/api/account/lookup", new { lookup_list = new[] { "two words@example" } })).AssertError(400, "invalid_param");
        (await alice.PostAsync("/api/account/lookup", new { lookup_list = new object?[] { null } })).AssertError(400, "invalid_param");
        (await alice.PostAsync("/api/account/lookup", new { lookup_list = new[] { 5 } })).AssertError(400, "invalid_param");
        (await alice.PostAsync("/api/account/lookup", new { })).AssertError(400, "missing_param");
        (await alice.PostAsync("/api/account/lookup", new { lookup_list = Enumerable.Range(0, 1001).Select(i => $"u{i}@example.org").ToArray() }))
            .AssertError(400, "invalid_param");
    }
}
