using System.Collections.Concurrent;
using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Streams;

/// <summary>
/// Delivery under load: 4 senders × 500 messages across 10 conversations, 20 pollers of whom every
/// tenth poll is abandoned mid-wait and resumed from the last horizon seen. Every poller gets every
/// message it is entitled to exactly once, in message_nr order per conversation, and nothing of a
/// conversation it is not in.
/// </summary>
public sealed class StreamLoadTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int Senders = 4, MessagesEach = 500, Conversations = 10, Pollers = 20;

    private sealed record Received(Guid ConversationId, long MessageNr, string Xml);

    [Fact]
    public async Task Every_poller_gets_exactly_what_it_is_entitled_to_once_and_in_order()
    {
        var accounts = await Task.WhenAll(Enumerable.Range(0, Pollers).Select(i => server.NewAccountAsync($"p{i}")));
        var senders = accounts.Take(Senders).ToArray();
        var others = accounts.Skip(Senders).ToArray();
        // Every sender is in every conversation; each conversation also has 3 of the others, and
        // the last poller is in none (the outsider).
        var memberships = new Dictionary<Guid, HashSet<Guid>>();
        for (var c = 0; c < Conversations; c++)
        {
            var guests = new[] { others[c % 15], others[(c + 5) % 15], others[(c + 7) % 15] }.Distinct().ToArray();
            var id = await senders[0].CreateConversationAsync($"load {c}", [.. senders.Skip(1), .. guests]);
            memberships[id] = [.. senders.Select(s => s.AccountId), .. guests.Select(g => g.AccountId)];
        }

        var horizons = new Dictionary<Guid, long>();
        foreach (var poller in accounts)
        {
            horizons[poller.AccountId] = (await poller.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        }

        var sent = new ConcurrentBag<(Guid ConversationId, long MessageNr)>();
        var conversationIds = memberships.Keys.ToArray();
        var done = new CancellationTokenSource();
        var seen = new ConcurrentDictionary<Guid, long>(horizons);
        var polling = accounts.Select(poller => Task.Run(() => PollUntilDoneAsync(poller, horizons[poller.AccountId], seen, done.Token))).ToArray();

        await Task.WhenAll(senders.Select((sender, s) => Task.Run(async () =>
        {
            for (var i = 0; i < MessagesEach; i++)
            {
                var conversation = conversationIds[(i + s) % Conversations];
                var response = (await sender.SendAsync(conversation, $"s{s} m{i}")).EnsureOk();
                sent.Add((conversation, response.Json.GetProperty("result_message_nr").GetInt64()));
            }
        })));

        // Let every poller reach the head of its stream, then stop them.
        var heads = new Dictionary<Guid, long>();
        foreach (var poller in accounts)
        {
            heads[poller.AccountId] = (await poller.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        }

        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (accounts.Any(a => seen[a.AccountId] < heads[a.AccountId]))
        {
            Assert.True(DateTime.UtcNow < deadline, "the pollers did not reach the heads of their streams");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        await done.CancelAsync();
        var received = await Task.WhenAll(polling);

        Assert.Equal(Senders * MessagesEach, sent.Count);
        for (var p = 0; p < accounts.Length; p++)
        {
            var me = accounts[p].AccountId;
            var mine = received[p];
            var entitled = sent.Where(m => memberships[m.ConversationId].Contains(me)).ToHashSet();
            Assert.All(mine, r => Assert.True(memberships.ContainsKey(r.ConversationId) && memberships[r.ConversationId].Contains(me),
                $"poller {p} received a record of a conversation it is not in"));
            Assert.Equal(mine.Count, mine.Select(r => (r.ConversationId, r.MessageNr)).Distinct().Count());
            Assert.True(entitled.SetEquals(mine.Select(r => (r.ConversationId, r.MessageNr))), $"poller {p} did not get exactly its messages");
            foreach (var flow in mine.GroupBy(r => r.ConversationId))
            {
                var numbers = flow.Select(r => r.MessageNr).ToList();
                Assert.Equal(numbers.Order(), numbers);
            }
        }

        Assert.Empty(received[^1]);
        foreach (var account in accounts)
        {
            account.Dispose();
        }
    }

    /// <summary>Long-polls until told to stop; every tenth poll is abandoned and resumed from the last horizon.</summary>
    private static async Task<List<Received>> PollUntilDoneAsync(FleepTestClient poller, long horizon, ConcurrentDictionary<Guid, long> seen, CancellationToken done)
    {
        var received = new List<Received>();
        var polls = 0;
        while (!done.IsCancellationRequested)
        {
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(done);
            var poll = poller.PostAsync("/api/account/poll", new { event_horizon = horizon }, ct: abort.Token);
            if (++polls % 10 == 0)
            {
                await Task.Delay(5, CancellationToken.None);
                await abort.CancelAsync();
            }

            FleepResponse answer;
            try
            {
                answer = await poll;
            }
            catch (OperationCanceledException)
            {
                continue;
            }

            answer.EnsureOk();
            foreach (var record in answer.Stream().Where(r => r.Str("mk_rec_type") == "message"))
            {
                received.Add(new Received(record.GetProperty("conversation_id").GetGuid(), record.Long("message_nr"), record.Str("message")));
            }

            horizon = answer.Horizon();
            seen[poller.AccountId] = horizon;
        }

        return received;
    }
}
