using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Concurrency;

/// <summary>
/// Contact calls between the same pairs from both sides at once: get_dialog, describe, hide and
/// import. The pairs form a ring, so every account is in two pairs and its calls overlap both.
/// </summary>
public sealed class ContactConcurrencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int Accounts = 8;

    /// <summary>The fields of a contact record that are the viewer's own view of the contact.</summary>
    private static readonly string[] ViewFields = ["display_name", "contact_name", "phone_nr", "is_hidden_for_add", "sort_rank", "dialog_id"];

    [Fact]
    public async Task Concurrent_contact_calls_of_both_sides_make_one_dialog_per_pair_and_agree_with_the_database()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, Accounts).Select(i => server.NewAccountAsync($"pal{i}")));
        try
        {
            // Everyone shares one conversation, so each is in the others' lists and can be hidden.
            await clients[0].CreateConversationAsync("acquainted", clients[1..]);
            var horizons = new List<long>();
            foreach (var client in clients)
            {
                horizons.Add(await client.HorizonAsync());
            }

            var pairs = Enumerable.Range(0, Accounts).Select(i => (A: clients[i], B: clients[(i + 1) % Accounts])).ToList();
            var names = new Dictionary<(Guid Owner, Guid Contact), HashSet<string>>();
            var dialogCalls = new List<(int Pair, Func<Task<FleepResponse>> Call)>();
            var otherCalls = new List<Func<Task<FleepResponse>>>();
            for (var p = 0; p < pairs.Count; p++)
            {
                var (a, b) = pairs[p];
                foreach (var (me, other) in new[] { (a, b), (b, a) })
                {
                    var given = names[(me.AccountId, other.AccountId)] = [];
                    for (var k = 0; k < 2; k++)
                    {
                        dialogCalls.Add((p, () => me.ContactAsync("get_dialog", new { account_id = other.AccountId })));
                        var name = $"pair {p} name {k} by {me.AccountId:N}";
                        var phone = $"+1 {p}{k}";
                        given.Add(name);
                        otherCalls.Add(() => me.ContactAsync("describe", new { contact_id = other.AccountId, contact_name = name, phone_nr = phone }));
                    }

                    var imported = $"pair {p} imported by {me.AccountId:N}";
                    var importedPhone = $"+1 {p}9";
                    given.Add(imported);
                    otherCalls.Add(() => me.ContactAsync("import", new { contact_list = new[] { new { addr_full = other.Email, addr_descr = imported, phone_nr = importedPhone } } }));
                    otherCalls.Add(() => me.ContactAsync("hide", new { contacts = new[] { other.AccountId } }));
                }
            }

            var responses = await ConcurrentCalls.RunAsync(dialogCalls.Select(d => d.Call).Concat(otherCalls));

            Assert.Equal(Accounts * 12, responses.Length);
            // Server errors are asserted at the end together with the consistency checks, so a run names both.
            var failed = responses.Count(r => r.StatusCode != 200);

            await using var db = server.OpenDb();
            var ids = clients.Select(c => c.AccountId).ToList();
            var entries = await db.Contacts.AsNoTracking().Where(e => ids.Contains(e.OwnerId) && ids.Contains(e.ContactId)).ToListAsync();
            var memberships = await db.ConversationMembers.AsNoTracking()
                .Where(m => ids.Contains(m.AccountId) && m.LeaveMessageNr == null).ToListAsync();
            var twoMemberConversations = memberships.GroupBy(m => m.ConversationId)
                .Where(g => g.Count() == 2)
                .Select(g => (Conversation: g.Key, Members: g.Select(m => m.AccountId).ToHashSet()))
                .ToList();
            for (var p = 0; p < pairs.Count; p++)
            {
                var (a, b) = pairs[p];
                var answered = dialogCalls.Select((d, i) => (d.Pair, Response: responses[i])).Where(d => d.Pair == p && d.Response.StatusCode == 200)
                    .Select(d => d.Response.Header().GetProperty("conversation_id").GetGuid()).ToList();
                Assert.True(answered.Count > 0, $"no get_dialog call of pair {p} was answered; {server.Explain(responses)}");
                var dialog = Assert.Single(answered.Distinct());
                var pairConversations = twoMemberConversations.Where(c => c.Members.SetEquals([a.AccountId, b.AccountId])).ToList();
                Assert.Equal(new[] { dialog }, pairConversations.Select(c => c.Conversation));
                Assert.Equal(dialog, Assert.Single(entries, e => e.OwnerId == a.AccountId && e.ContactId == b.AccountId).DialogId);
                Assert.Equal(dialog, Assert.Single(entries, e => e.OwnerId == b.AccountId && e.ContactId == a.AccountId).DialogId);
            }

            var mismatches = new List<string>();
            for (var o = 0; o < Accounts; o++)
            {
                var owner = clients[o];
                var stream = await owner.PollToEndAsync(horizons[o]);
                foreach (var contact in new[] { clients[(o + 1) % Accounts], clients[(o + Accounts - 1) % Accounts] })
                {
                    var entry = Assert.Single(entries, e => e.OwnerId == owner.AccountId && e.ContactId == contact.AccountId);
                    if (entry.ContactName is null)
                    {
                        mismatches.Add($"account {o} has no private name for {contact.AccountId} although it sent three");
                    }
                    else
                    {
                        Assert.Contains(entry.ContactName, names[(owner.AccountId, contact.AccountId)]);
                    }


                    var synced = (await owner.ContactAsync("sync", new { contact_id = contact.AccountId })).EnsureOk().Json;
                    Assert.Equal(entry.ContactName, synced.Str("contact_name"));
                    Assert.Equal(entry.PhoneNr, synced.Str("phone_nr"));
                    Assert.Equal(entry.IsHidden, synced.Bool("is_hidden_for_add"));
                    Assert.Equal(entry.DialogId, synced.GetProperty("dialog_id").GetGuid());

                    var about = stream.ContactsAbout(contact.AccountId);
                    Assert.True(about.Count > 0, $"account {o}'s stream has no contact record about its pair");
                    foreach (var field in ViewFields)
                    {
                        var inStream = Field(about[^1], field);
                        var inSync = Field(synced, field);
                        if (inStream != inSync)
                        {
                            mismatches.Add($"account {o} about {contact.AccountId}: {field} last streamed {inStream}, contact/sync {inSync}");
                        }
                    }
                }
            }

            Assert.True(failed == 0 && mismatches.Count == 0,
                $"{failed} of {responses.Length} answers were not 200 ({server.Explain(responses)}); " +
                $"{mismatches.Count} stale fields: {string.Join("; ", mismatches.Take(10))}");
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static string Field(JsonElement record, string name) => record.TryGetProperty(name, out var value) ? value.GetRawText() : "(absent)";
}
