using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Concurrency;

/// <summary>
/// message/copy into one conversation from many clients at once: half copy a message of the target
/// conversation itself (source = target), half copy from another conversation into it.
/// </summary>
public sealed class CopyConcurrencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int Members = 8, CopiesEach = 16;

    [Fact]
    public async Task Concurrent_copies_into_one_conversation_are_each_stored_once_under_contiguous_numbers()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, Members).Select(i => server.NewAccountAsync($"copier{i}")));
        try
        {
            var owner = clients[0];
            var target = await owner.CreateConversationAsync("target", clients[1..]);
            var source = await owner.CreateConversationAsync("source", clients[1..]);

            // One distinct message per copy, so every copy can be told apart by its body.
            var inTarget = new List<(long Nr, string Xml)>();
            var inSource = new List<(long Nr, string Xml)>();
            for (var k = 0; k < CopiesEach; k++)
            {
                var t = (await owner.SendAsync(target, $"kept in target {k}")).EnsureOk().Message();
                inTarget.Add((t.Long("message_nr"), t.Str("message")));
                var s = (await owner.SendAsync(source, $"kept in source {k}")).EnsureOk().Message();
                inSource.Add((s.Long("message_nr"), s.Str("message")));
            }

            var copies = new List<(FleepTestClient Client, Guid From, long Nr, string Xml)>();
            for (var k = 0; k < CopiesEach; k++)
            {
                copies.Add((clients[k % Members], target, inTarget[k].Nr, inTarget[k].Xml));
                copies.Add((clients[(k + 1) % Members], source, inSource[k].Nr, inSource[k].Xml));
            }

            var responses = await ConcurrentCalls.RunAsync(copies.Select(c =>
                (Func<Task<FleepResponse>>)(() => c.Client.MessageAsync("copy", c.From, new { message_nr = c.Nr, to_conv_id = target }))));

            Assert.Equal(2 * CopiesEach, responses.Length);
            server.AssertAllOk(responses);

            var seeded = 1 + CopiesEach;
            var expectedLast = seeded + 2 * CopiesEach;
            var answered = responses.Select(r => r.Json.Long("result_message_nr")).ToList();
            Assert.Equal(2 * CopiesEach, answered.Distinct().Count());
            Assert.All(answered, nr => Assert.InRange(nr, seeded + 1, expectedLast));
            for (var i = 0; i < copies.Count; i++)
            {
                var message = responses[i].Message();
                Assert.Equal(target, message.GetProperty("conversation_id").GetGuid());
                Assert.Equal(answered[i], message.Long("message_nr"));
                Assert.Equal(copies[i].Xml, message.Str("message"));
                Assert.Equal(copies[i].Client.AccountId, message.GetProperty("account_id").GetGuid());
            }

            await using var db = server.OpenDb();
            var rows = await db.Messages.AsNoTracking().Where(m => m.ConversationId == target).OrderBy(m => m.MessageNr).ToListAsync();
            Assert.Equal(Enumerable.Range(1, expectedLast).Select(i => (long)i), rows.Select(m => m.MessageNr));
            Assert.Equal(expectedLast, (await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == target)).LastMessageNr);
            for (var i = 0; i < copies.Count; i++)
            {
                var row = rows[(int)answered[i] - 1];
                Assert.Equal((copies[i].Xml, copies[i].Client.AccountId), (row.Body, row.AccountId));
            }

            // Each seeded body is in the target once more per copy: target messages twice, source messages once.
            Assert.All(inTarget, m => Assert.Equal(2, rows.Count(r => r.Body == m.Xml)));
            Assert.All(inSource, m => Assert.Single(rows, r => r.Body == m.Xml));

            // A member reading the flow sees the same end.
            Assert.Equal(expectedLast, (await clients[^1].HeaderAsync(target)).Long("last_message_nr"));
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
