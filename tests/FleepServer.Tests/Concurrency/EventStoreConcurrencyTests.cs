using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Concurrency;

/// <summary>
/// api/event/store batches from several members at once, each mixing a message, a topic change and
/// the caller's own account events, so conversation writes and account writes of co-members overlap.
/// </summary>
public sealed class EventStoreConcurrencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int Members = 8, BatchesEach = 3, Batches = Members * BatchesEach;

    [Fact]
    public async Task Concurrent_event_batches_apply_every_event_once_without_errors()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, Members).Select(i => server.NewAccountAsync($"ev{i}")));
        try
        {
            var conv = await clients[0].CreateConversationAsync("events", clients[1..]);
            var batches = new List<(FleepTestClient Client, int Member, string Text, string Topic, string Name, string Phone, TestEvent[] Events)>();
            for (var k = 0; k < BatchesEach; k++)
            {
                for (var m = 0; m < Members; m++)
                {
                    var (text, topic, name, phone) = ($"event message {m}.{k}", $"event topic {m}.{k}", $"Ev {m} v{k}", $"+44 {m} {k}");
                    batches.Add((clients[m], m, text, topic, name, phone,
                    [
                        new TestEvent("message:add_plain", new { conversation_id = conv, message = text }),
                        new TestEvent("conv:set_topic", new { conversation_id = conv, topic }),
                        new TestEvent("account:set_name", new { name }),
                        new TestEvent("account:set_phone", new { phone_nr = phone }),
                    ]));
                }
            }

            var responses = await ConcurrentCalls.RunAsync(batches.Select(b => (Func<Task<FleepResponse>>)(() =>
                b.Client.PostAsync("/api/event/store", new { api_version = 4, stream = b.Events.Select(e => e.ToJson()).ToArray() }))));

            Assert.Equal(Batches, responses.Length);
            server.AssertAllOk(responses);
            var requests = responses.SelectMany(r => new EventBatchResult(r).Requests).ToList();
            Assert.Equal(Batches * 4, requests.Count);
            var refused = requests.Where(r => r.GetProperty("status_code").GetInt32() != 200).ToList();
            Assert.True(refused.Count == 0, $"{refused.Count} events refused: {string.Join("; ", refused.Take(5))}");
            for (var b = 0; b < Batches; b++)
            {
                var answered = new EventBatchResult(responses[b]).Requests.Select(r => r.GetProperty("client_req_id").GetGuid());
                Assert.Equal(batches[b].Events.Select(e => e.Id), answered);
            }

            await using var db = server.OpenDb();
            var rows = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conv).OrderBy(m => m.MessageNr).ToListAsync();
            // The create message, then one message and one topic change per batch.
            Assert.Equal(Enumerable.Range(1, 1 + 2 * Batches).Select(i => (long)i), rows.Select(m => m.MessageNr));
            foreach (var batch in batches)
            {
                Assert.Single(rows, m => m.Body == $"<msg><p>{batch.Text}</p></msg>" && m.AccountId == batch.Client.AccountId);
            }

            var stored = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conv);
            Assert.Equal(1 + 2 * Batches, stored.LastMessageNr);
            Assert.Contains(stored.Topic, batches.Select(b => b.Topic));

            var eventIds = batches.SelectMany(b => b.Events.Select(e => e.Id)).ToList();
            var recorded = await db.ClientRequests.AsNoTracking().Where(r => eventIds.Contains(r.ClientReqId)).ToListAsync();
            Assert.Equal(eventIds.Count, recorded.Count);
            Assert.Equal(eventIds.Count, recorded.Select(r => r.ClientReqId).Distinct().Count());

            var ids = clients.Select(c => c.AccountId).ToList();
            var accounts = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id);
            Assert.Equal(Members, accounts.Count);
            for (var m = 0; m < Members; m++)
            {
                var mine = batches.Where(b => b.Member == m).ToList();
                Assert.Contains(accounts[clients[m].AccountId].DisplayName, mine.Select(b => b.Name));
                Assert.Contains(accounts[clients[m].AccountId].PhoneNr ?? "", mine.Select(b => b.Phone));
            }

            // Sending a batch again answers its first results and applies nothing.
            var first = batches[0];
            var again = (await first.Client.EventsAsync(first.Events)).EnsureApplied();
            Assert.Equal(4, again.Requests.Count);
            Assert.Equal(1 + 2 * Batches, (await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conv)).LastMessageNr);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
