using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Concurrency;

/// <summary>
/// account/configure by many accounts that share conversations, all at once: every change of a
/// public field fans out to every co-member's stream, so the writers' transactions overlap on each
/// other's stream heads. Two sessions of some accounts also configure the same account at once.
/// </summary>
public sealed class ConfigureConcurrencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int Accounts = 20, CallsEach = 4, SharedConversations = 3, Twins = 4, TwinCalls = 2;

    private sealed record Call(FleepTestClient Client, int Account, Dictionary<string, object?> Body);

    [Fact]
    public async Task Co_members_configuring_at_once_get_no_server_errors_and_every_stream_ends_with_the_final_contact()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, Accounts).Select(i => server.NewAccountAsync($"co{i}")));
        // A second session of some accounts: its configure calls overlap the first session's.
        var twins = await Task.WhenAll(clients.Take(Twins).Select(async c =>
        {
            var twin = server.NewClient();
            await twin.LoginAsync(c.Email, "correct horse");
            return twin;
        }));
        try
        {
            for (var c = 0; c < SharedConversations; c++)
            {
                await clients[c].CreateConversationAsync($"shared {c}", [.. clients.Where((_, i) => i != c)]);
            }

            // Every account's values before the run: an account keeps them where none of its calls that changed them was applied.
            var names = new List<HashSet<string>>();
            var phones = new List<HashSet<string>>();
            var addresses = new List<HashSet<string>>();
            foreach (var client in clients)
            {
                var own = (await client.ContactAsync("sync", new { contact_id = client.AccountId })).EnsureOk().Json;
                names.Add([own.Str("display_name")]);
                phones.Add([own.Str("phone_nr")]);
                addresses.Add([own.Str("fleep_address")]);
            }

            var horizons = new List<long>();
            foreach (var client in clients)
            {
                horizons.Add(await client.HorizonAsync());
            }

            var calls = new List<Call>();
            void Add(FleepTestClient client, int account, string tag)
            {
                var body = new Dictionary<string, object?> { ["display_name"] = $"Co {account} {tag}", ["phone_nr"] = $"+372 {account} {tag}" };
                names[account].Add($"Co {account} {tag}");
                phones[account].Add($"+372 {account} {tag}");
                if (calls.Count % 10 == 0)
                {
                    var address = $"co{account}.{Guid.NewGuid():N}";
                    body["fleep_address"] = address;
                    addresses[account].Add(address);
                }

                calls.Add(new Call(client, account, body));
            }

            for (var j = 0; j < CallsEach; j++)
            {
                for (var i = 0; i < Accounts; i++)
                {
                    Add(clients[i], i, $"v{j}");
                    if (i < Twins && j < TwinCalls)
                    {
                        Add(twins[i], i, $"twin v{j}");
                    }
                }
            }

            var responses = await ConcurrentCalls.RunAsync(calls.Select(c => (Func<Task<FleepResponse>>)(() => c.Client.PostAsync("/api/account/configure", c.Body))));

            Assert.Equal(Accounts * CallsEach + Twins * TwinCalls, responses.Length);
            Assert.Equal(9, calls.Count(c => c.Body.ContainsKey("fleep_address")));
            // Server errors are asserted at the end together with the stream check, so a run names both.
            var failed = responses.Count(r => r.StatusCode != 200);

            await using var db = server.OpenDb();
            var ids = clients.Select(c => c.AccountId).ToList();
            var final = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id);
            Assert.Equal(Accounts, final.Count);
            for (var i = 0; i < Accounts; i++)
            {
                // The database holds one of the values the account's own calls sent.
                var account = final[clients[i].AccountId];
                Assert.Contains(account.DisplayName, names[i]);
                Assert.Contains(account.PhoneNr ?? "", phones[i]);
                Assert.Contains(account.FleepAddress, addresses[i]);
            }

            var mismatches = new List<string>();
            for (var y = 0; y < Accounts; y++)
            {
                var stream = await clients[y].PollToEndAsync(horizons[y]);
                for (var x = 0; x < Accounts; x++)
                {
                    var about = stream.ContactsAbout(clients[x].AccountId);
                    // Every account changed its name (a public field) at least once unless all its calls failed:
                    // each co-member and the account itself heard of it.
                    if (about.Count == 0)
                    {
                        mismatches.Add($"account {y}'s stream has no contact record about account {x}");
                        continue;
                    }

                    var last = about[^1];
                    var expected = final[clients[x].AccountId];
                    (string Field, string Value)[] fields = x == y
                        ? [("display_name", expected.DisplayName), ("phone_nr", expected.PhoneNr ?? ""), ("fleep_address", expected.FleepAddress)]
                        : [("display_name", expected.DisplayName), ("full_name", expected.DisplayName), ("fleep_address", expected.FleepAddress)];
                    foreach (var (field, value) in fields)
                    {
                        var got = last.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                        if (got != value)
                        {
                            mismatches.Add($"{(x == y ? "own" : $"co-member {y}'s")} last record about {x}: {field} = '{got}', database has '{value}'");
                        }
                    }
                }
            }

            Assert.True(failed == 0 && mismatches.Count == 0,
                $"{failed} of {responses.Length} answers were not 200 ({server.Explain(responses)}); " +
                $"{mismatches.Count} stale contact fields: {string.Join("; ", mismatches.Take(10))}");
        }
        finally
        {
            foreach (var client in clients.Concat(twins))
            {
                client.Dispose();
            }
        }
    }
}
