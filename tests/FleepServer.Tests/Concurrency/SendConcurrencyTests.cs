using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Concurrency;

/// <summary>message/send into one conversation from several members at once, 48 sends in flight.</summary>
public sealed class SendConcurrencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int Members = 8, SendsEach = 6, Sends = Members * SendsEach;

    [Fact]
    public async Task Concurrent_sends_get_contiguous_numbers_and_reach_every_member_once_in_order()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, Members).Select(i => server.NewAccountAsync($"sender{i}")));
        try
        {
            var conv = await clients[0].CreateConversationAsync("one room", clients[1..]);
            var horizons = new List<long>();
            foreach (var client in clients)
            {
                horizons.Add(await client.HorizonAsync());
            }

            var sends = Enumerable.Range(0, Sends).Select(i => (Client: clients[i % Members], Text: $"send {i} by {i % Members}")).ToList();
            var responses = await ConcurrentCalls.RunAsync(sends.Select(s => (Func<Task<FleepResponse>>)(() => s.Client.SendAsync(conv, s.Text))));

            Assert.Equal(Sends, responses.Length);
            server.AssertAllOk(responses);
            var answered = responses.Select(r => (Nr: r.Json.Long("result_message_nr"), Xml: r.Message().Str("message"))).ToList();
            Assert.Equal(Enumerable.Range(2, Sends).Select(i => (long)i), answered.Select(a => a.Nr).Order());
            for (var i = 0; i < Sends; i++)
            {
                Assert.Equal($"<msg><p>{sends[i].Text}</p></msg>", answered[i].Xml);
            }

            await using var db = server.OpenDb();
            var rows = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conv).OrderBy(m => m.MessageNr).ToListAsync();
            Assert.Equal(Enumerable.Range(1, Sends + 1).Select(i => (long)i), rows.Select(m => m.MessageNr));
            for (var i = 0; i < Sends; i++)
            {
                var row = Assert.Single(rows, r => r.Body == answered[i].Xml);
                Assert.Equal((answered[i].Nr, sends[i].Client.AccountId), (row.MessageNr, row.AccountId));
            }

            var bodyByNr = answered.ToDictionary(a => a.Nr, a => a.Xml);
            for (var m = 0; m < Members; m++)
            {
                var received = (await clients[m].PollToEndAsync(horizons[m]))
                    .Where(r => r.Str("mk_rec_type") == "message" && r.GetProperty("conversation_id").GetGuid() == conv)
                    .Select(r => (Nr: r.Long("message_nr"), Xml: r.Str("message")))
                    .ToList();
                Assert.Equal(Sends, received.Count);
                Assert.Equal(Enumerable.Range(2, Sends).Select(i => (long)i), received.Select(r => r.Nr));
                Assert.All(received, r => Assert.Equal(bodyByNr[r.Nr], r.Xml));
            }
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
