using FleepServer.Domain.Contacts;
using FleepServer.Errors;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Api;

/// <summary>
/// The contact operations that Fleep offers only as api/event/store events (contact:get, :add,
/// :set_name, :set_phone, :hide, :sync, :sync_activity, :lookup_by_email, :get_dialog), called on
/// <see cref="ContactActions"/> with the event's params, as the event endpoint will.
/// </summary>
public sealed class ContactActionsTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private async Task<T> WithActionsAsync<T>(Func<ContactActions, Task<T>> call)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<ContactActions>());
    }

    [Fact]
    public async Task Event_operations_change_the_callers_view_and_reach_its_stream_only()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var ct = TestContext.Current.CancellationToken;
        var aliceHorizon = await alice.HorizonAsync();
        var bobHorizon = await bob.HorizonAsync();

        var added = await WithActionsAsync(a => a.AddAsync(alice.AccountId, new AddContact { Email = bob.Email, Name = "Bobbie" }, ct));
        Assert.Equal(bob.AccountId, added.AccountId);
        Assert.Equal("Bobbie", added.DisplayName);
        Assert.Equal(8, added.SortRank);

        var named = await WithActionsAsync(a => a.SetNameAsync(alice.AccountId, new SetContactName { AccountId = bob.AccountId, Name = "Robert" }, ct));
        Assert.Equal("Robert", named.ContactName);
        var phoned = await WithActionsAsync(a => a.SetPhoneAsync(alice.AccountId, new SetContactPhone { AccountId = bob.AccountId, PhoneNr = "+44 20" }, ct));
        Assert.Equal("+44 20", phoned.PhoneNr);
        Assert.Equal("Robert", phoned.DisplayName);

        var got = await WithActionsAsync(a => a.GetAsync(alice.AccountId, new ContactRef { AccountId = bob.AccountId }, ct));
        Assert.Equal("Robert", got.DisplayName);
        var bobsView = await WithActionsAsync(a => a.GetAsync(bob.AccountId, new ContactRef { AccountId = bob.AccountId }, ct));
        Assert.Equal("bob", bobsView.DisplayName);
        Assert.Null(bobsView.ContactName);

        var lastSeen = await WithActionsAsync(a => a.SyncActivityAsync(alice.AccountId, new ContactRefs { AccountIds = [bob.AccountId] }, ct));
        Assert.Equal(bob.AccountId, Assert.Single(lastSeen).AccountId);

        var looked = await WithActionsAsync(a => a.LookupByEmailAsync(alice.AccountId, new LookupByEmail { Email = bob.Email.ToUpperInvariant() }, ct));
        Assert.Equal(bob.AccountId, looked.AccountId);

        var hidden = await WithActionsAsync(a => a.HideAsync(alice.AccountId, new HideContacts { AccountId = bob.AccountId }, ct));
        Assert.Equal([bob.AccountId], hidden);

        var dialog = await WithActionsAsync(a => a.GetDialogAsync(alice.AccountId, new GetDialog { AccountId = bob.AccountId }, ct));
        var again = await WithActionsAsync(a => a.GetDialogAsync(alice.AccountId, new GetDialog { AccountId = bob.AccountId }, ct));
        Assert.Equal(dialog.View.Conversation.Id, again.View.Conversation.Id);

        var aliceStream = (await alice.PollAfterAsync(aliceHorizon)).Records.ContactsAbout(bob.AccountId);
        Assert.Contains(aliceStream, c => c.Has("contact_name") && c.Str("contact_name") == "Robert");
        Assert.DoesNotContain("Robert", (await bob.PollAfterAsync(bobHorizon)).Raw);
        Assert.DoesNotContain("+44 20", (await bob.PollAfterAsync(bobHorizon)).Raw);

        var error = await Assert.ThrowsAsync<FleepException>(() =>
            WithActionsAsync(a => a.SetNameAsync(alice.AccountId, new SetContactName { AccountId = Guid.NewGuid(), Name = "x" }, ct)));
        Assert.Equal(430, error.StatusCode);
    }

    [Fact]
    public async Task Contact_sync_pages_the_list_by_sort_rank_with_a_cursor()
    {
        using var alice = await server.NewAccountAsync("alice");
        var ct = TestContext.Current.CancellationToken;
        var others = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => server.NewAccountAsync()));
        await alice.CreateConversationAsync("met", others[0], others[1]);
        (await alice.ContactAsync("import", new { contact_list = new[] { new { addr_full = others[2].Email } } })).EnsureOk();

        var seen = new List<Guid>();
        ContactSyncCursor? cursor = null;
        var pages = 0;
        do
        {
            var page = await WithActionsAsync(a => a.SyncAsync(alice.AccountId, new SyncContactPage { SyncCursor = cursor, Limit = 1 }, ct));
            seen.AddRange(page.Contacts.Select(c => c.AccountId));
            cursor = page.SyncCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, seen.Count);
        Assert.Equal(others[2].AccountId, seen[0]);
        Assert.Equal(others.Select(o => o.AccountId).Order(), seen.Order());
        await Assert.ThrowsAsync<FleepException>(() => WithActionsAsync(a => a.SyncAsync(alice.AccountId, new SyncContactPage { Limit = 0 }, ct)));
        foreach (var other in others)
        {
            other.Dispose();
        }
    }
}
