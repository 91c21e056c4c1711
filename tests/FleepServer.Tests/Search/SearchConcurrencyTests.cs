using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Search;

/// <summary>Searches running while others send: each sender finds its own message at once, nobody gets a server error.</summary>
public sealed class SearchConcurrencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Senders_find_their_own_messages_while_others_send_and_search()
    {
        const int Clients = 6;
        const int Rounds = 4;
        using var owner = await server.NewAccountAsync("owner");
        var clients = new List<FleepTestClient>();
        for (var i = 0; i < Clients; i++)
        {
            clients.Add(await server.NewAccountAsync($"c{i}"));
        }

        var shared = await owner.CreateConversationAsync("shared", [.. clients]);
        var sent = new System.Collections.Concurrent.ConcurrentBag<(Guid Account, string Word, long Nr)>();

        var calls = clients.SelectMany((client, i) => Enumerable.Range(0, Rounds).Select(round => (Func<Task<FleepResponse>>)(async () =>
        {
            var word = $"w{i}x{round}x{Guid.NewGuid():N}"[..16];
            var send = await client.SendAsync(shared, $"common chatter {word}");
            if (send.StatusCode != 200)
            {
                return send;
            }

            sent.Add((client.AccountId, word, send.Json.Long("result_message_nr")));
            var found = await client.PostAsync("/api/search", new { keywords = word, need_suggestions = true });
            if (found.StatusCode == 200)
            {
                var match = Assert.Single(found.Json.GetProperty("matches").EnumerateArray().ToList());
                Assert.Equal(send.Json.Long("result_message_nr"), match.Long("message_nr"));
            }

            return found;
        }))).Concat(Enumerable.Range(0, Clients * 2).Select(i => (Func<Task<FleepResponse>>)(() =>
            clients[i % Clients].PostAsync("/api/search", new { keywords = "common chat", need_suggestions = true })))).ToList();

        var responses = await ConcurrentCalls.RunAsync(calls);

        server.AssertAllOk(responses);
        Assert.Equal(Clients * Rounds, sent.Count);
        // Afterwards everyone finds every message of the shared conversation (at most the answer's 50).
        var all = await owner.SearchAsync("common chatter");
        Assert.Equal(Math.Min(50, Clients * Rounds), all.Matches().Count);
        foreach (var (account, word, nr) in sent)
        {
            var other = clients.First(c => c.AccountId != account);
            Assert.Equal([nr], (await other.SearchAsync(word)).Matches().Select(m => m.Long("message_nr")));
        }
    }
}
