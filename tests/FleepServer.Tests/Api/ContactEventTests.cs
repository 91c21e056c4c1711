using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Api;

/// <summary>
/// The contact operations Fleep offers only as api/event/store events (contact:get, :add,
/// :set_name, :set_phone, :hide, :sync, :sync_activity, :lookup_by_email, :get_dialog), through
/// HTTP as clients send them (docs/compatibility.md "Contact events").
/// </summary>
public sealed class ContactEventTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int SyncPage = 100;

    private static JsonElement About(EventBatchResult result, Guid accountId) =>
        Assert.Single(result.OfType("contact"), c => c.GetProperty("account_id").GetGuid() == accountId);

    [Fact]
    public async Task Event_operations_change_the_callers_view_and_reach_its_stream_only()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var aliceHorizon = await alice.HorizonAsync();
        var bobHorizon = await bob.HorizonAsync();

        var added = About((await alice.EventAsync("contact:add", new { email = bob.Email, name = "Bobbie" })).EnsureApplied(), bob.AccountId);
        Assert.Equal("Bobbie", added.Str("display_name"));
        Assert.Equal("Bobbie", added.Str("contact_name"));
        Assert.Equal(8, added.Long("sort_rank"));

        var named = About((await alice.EventAsync("contact:set_name", new { account_id = bob.AccountId, name = "Robert" })).EnsureApplied(), bob.AccountId);
        Assert.Equal("Robert", named.Str("contact_name"));
        var phoned = About((await alice.EventAsync("contact:set_phone", new { account_id = bob.AccountId, phone_nr = "+44 20" })).EnsureApplied(), bob.AccountId);
        Assert.Equal("+44 20", phoned.Str("phone_nr"));
        Assert.Equal("Robert", phoned.Str("display_name"));

        var got = (await alice.EventAsync("contact:get", new { account_id = bob.AccountId })).EnsureApplied();
        Assert.Equal("Robert", About(got, bob.AccountId).Str("display_name"));
        Assert.Equal(bob.AccountId, got.Identifier.GetProperty("account_id").GetGuid());
        var bobsView = About((await bob.EventAsync("contact:get", new { account_id = bob.AccountId })).EnsureApplied(), bob.AccountId);
        Assert.Equal("bob", bobsView.Str("display_name"));
        Assert.False(bobsView.Has("contact_name"));

        var lastSeen = (await alice.EventAsync("contact:sync_activity", new { account_ids = new[] { bob.AccountId } })).EnsureApplied();
        Assert.Equal(bob.AccountId, Assert.Single(lastSeen.OfType("lastseen")).GetProperty("account_id").GetGuid());

        var looked = (await alice.EventAsync("contact:lookup_by_email", new { email = bob.Email.ToUpperInvariant() })).EnsureApplied();
        Assert.Equal(bob.AccountId, Assert.Single(looked.OfType("contact")).GetProperty("account_id").GetGuid());

        var hidden = About((await alice.EventAsync("contact:hide", new { account_id = bob.AccountId })).EnsureApplied(), bob.AccountId);
        Assert.True(hidden.Bool("is_hidden_for_add"));
        Assert.Equal(0, hidden.Long("sort_rank"));

        var dialog = (await alice.EventAsync("contact:get_dialog", new { account_id = bob.AccountId })).EnsureApplied();
        var again = (await alice.EventAsync("contact:get_dialog", new { account_id = bob.AccountId })).EnsureApplied();
        var dialogId = dialog.Identifier.GetProperty("conversation_id").GetGuid();
        Assert.Equal(dialogId, again.Identifier.GetProperty("conversation_id").GetGuid());
        Assert.Equal(bob.AccountId, dialog.Identifier.GetProperty("account_id").GetGuid());

        // Private name and phone reach alice's stream, never bob's.
        var aliceStream = (await alice.PollToEndAsync(aliceHorizon)).ContactsAbout(bob.AccountId);
        Assert.Contains(aliceStream, c => c.Has("contact_name") && c.Str("contact_name") == "Robert");
        Assert.Contains(aliceStream, c => c.Has("phone_nr") && c.Str("phone_nr") == "+44 20");
        var bobStream = await bob.PollToEndAsync(bobHorizon);
        var bobRaw = string.Join("\n", bobStream.Select(r => r.GetRawText()));
        Assert.DoesNotContain("Robert", bobRaw);
        Assert.DoesNotContain("+44 20", bobRaw);
        Assert.DoesNotContain("Bobbie", bobRaw);

        var refused = (await alice.EventAsync("contact:set_name", new { account_id = Guid.NewGuid(), name = "x" })).AssertRefused(430);
        Assert.Equal(430, refused.GetProperty("status_code").GetInt32());
    }

    [Fact]
    public async Task Contact_sync_pages_the_list_by_sort_rank_with_the_request_records_cursor()
    {
        using var alice = await server.NewAccountAsync("alice");
        var others = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => server.NewAccountAsync()));
        try
        {
            // Two co-members (rank 1), one imported account and 105 imported new addresses (rank 8): 108, past one page.
            await alice.CreateConversationAsync("met", others[0], others[1]);
            var addresses = Enumerable.Range(0, 105).Select(i => $"imported.{i}.{Guid.NewGuid():N}@example.org").Prepend(others[2].Email).ToList();
            var imported = (await alice.EventAsync("contact:import", new { contacts = addresses.Select(email => new { email }).ToArray() })).EnsureApplied();
            var importedIds = imported.OfType("contact").Select(c => c.GetProperty("account_id").GetGuid()).ToList();
            Assert.Equal(addresses.Count, importedIds.Count);
            Assert.Contains(others[2].AccountId, importedIds);
            var expected = importedIds.Concat([others[0].AccountId, others[1].AccountId]).ToHashSet();
            Assert.Equal(108, expected.Count);

            var pages = new List<List<JsonElement>>();
            var cursors = new List<JsonElement?>();
            object? cursor = null;
            do
            {
                Assert.True(pages.Count < 10, "contact:sync never ended");
                // limit is ignored, as the catalogue says: pages stay 100 long.
                var page = (await alice.EventAsync("contact:sync", new { sync_cursor = cursor, limit = 1 })).EnsureApplied();
                pages.Add(page.OfType("contact"));
                var next = page.Request.TryGetProperty("sync_cursor", out var given) && given.ValueKind == JsonValueKind.Object ? given : (JsonElement?)null;
                cursors.Add(next);
                cursor = next;
            }
            while (cursor is not null);

            Assert.Equal([SyncPage, 108 - SyncPage], pages.Select(p => p.Count));
            var first = pages[0];
            var firstCursor = cursors[0]!.Value;
            Assert.Equal(first[^1].GetProperty("account_id").GetGuid(), firstCursor.GetProperty("account_id").GetGuid());
            Assert.Equal(8, firstCursor.GetProperty("sort_rank").GetInt64());
            Assert.Null(cursors[1]);

            var all = pages.SelectMany(p => p).ToList();
            var ids = all.Select(c => c.GetProperty("account_id").GetGuid()).ToList();
            Assert.Equal(108, ids.Count);
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.True(expected.SetEquals(ids));
            // Highest sort rank first: the 106 imported (8), then the two co-members (1).
            Assert.Equal(Enumerable.Repeat(8L, 106).Concat([1L, 1L]), all.Select(c => c.Long("sort_rank")));
            Assert.Equal(new[] { others[0].AccountId, others[1].AccountId }.Order(), ids.Skip(106).Order());

            // A cursor must name both fields: the catalogue declares both.
            (await alice.EventAsync("contact:sync", new { sync_cursor = new { account_id = others[0].AccountId } })).AssertRefused(400, "missing_param");
        }
        finally
        {
            foreach (var other in others)
            {
                other.Dispose();
            }
        }
    }
}
