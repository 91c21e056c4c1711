using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Api;

/// <summary>
/// client_req_id retries and message_nr allocation under concurrency (docs/compatibility.md,
/// "client_req_id"; docs/writes.md).
/// </summary>
public sealed class MessageIdempotencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task A_repeated_client_req_id_returns_the_original_message_and_creates_nothing()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("retries");
        var reqId = Guid.NewGuid();

        var first = (await a.SendAsync(conv, "once", new { client_req_id = reqId })).EnsureOk();
        var second = (await a.SendAsync(conv, "once", new { client_req_id = reqId })).EnsureOk();
        var different = (await a.SendAsync(conv, "a different body", new { client_req_id = reqId })).EnsureOk();

        foreach (var response in new[] { first, second, different })
        {
            Assert.Equal(2, response.Json.Long("result_message_nr"));
            Assert.Equal(reqId, response.Json.GetProperty("client_req_id").GetGuid());
            Assert.Equal("<msg><p>once</p></msg>", response.Message().Str("message"));
            var request = Assert.Single(response.Stream(), r => r.Str("mk_rec_type") == "request");
            Assert.Equal(reqId, request.GetProperty("client_req_id").GetGuid());
            Assert.Equal(conv, request.GetProperty("conversation_id").GetGuid());
            Assert.Equal(2, request.Long("result_message_nr"));
        }

        Assert.Equal(2, second.Header().Long("last_message_nr"));
        await using var db = server.OpenDb();
        Assert.Equal(2, await db.Messages.CountAsync(m => m.ConversationId == conv));
        Assert.Equal(1, await db.ClientRequests.CountAsync(r => r.ClientReqId == reqId));
    }

    [Fact]
    public async Task Ten_concurrent_retries_give_one_message_and_the_same_number_to_all()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("concurrent retries");
        var reqId = Guid.NewGuid();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => a.SendAsync(conv, "burst", new { client_req_id = reqId })));

        Assert.All(responses, r => r.EnsureOk());
        Assert.All(responses, r => Assert.Equal(2, r.Json.Long("result_message_nr")));
        await using var db = server.OpenDb();
        Assert.Equal(2, await db.Messages.CountAsync(m => m.ConversationId == conv));
    }

    [Fact]
    public async Task The_same_client_req_id_in_two_conversations_at_once_is_applied_once()
    {
        using var a = await server.NewAccountAsync();
        var first = await a.CreateConversationAsync("one");
        var second = await a.CreateConversationAsync("two");
        var reqId = Guid.NewGuid();

        var responses = await Task.WhenAll(
            a.SendAsync(first, "race", new { client_req_id = reqId }),
            a.SendAsync(second, "race", new { client_req_id = reqId }));

        Assert.Single(responses, r => r.StatusCode == 200);
        Assert.Single(responses, r => r.StatusCode == 431 && r.ErrorId == "client_req_id_reused");
        await using var db = server.OpenDb();
        Assert.Equal(3, await db.Messages.CountAsync(m => m.ConversationId == first || m.ConversationId == second));
    }

    [Fact]
    public async Task Client_req_id_is_per_account_and_also_guards_edits()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("per account", b);
        var reqId = Guid.NewGuid();

        Assert.Equal(2, (await a.SendAsync(conv, "from a", new { client_req_id = reqId })).EnsureOk().Json.Long("result_message_nr"));
        Assert.Equal(3, (await b.SendAsync(conv, "from b", new { client_req_id = reqId })).EnsureOk().Json.Long("result_message_nr"));

        var editId = Guid.NewGuid();
        var edit = new { message_nr = 2, message = "edited", client_req_id = editId };
        (await a.MessageAsync("store", conv, edit)).EnsureOk();
        var again = (await a.MessageAsync("store", conv, edit)).EnsureOk();
        Assert.Equal(4, again.Message().Long("flow_message_nr"));
        Assert.Equal(4, again.Header().Long("last_message_nr"));
    }

    [Fact]
    public async Task Sixty_four_concurrent_senders_get_contiguous_numbers_each_acknowledged_once()
    {
        // 16 members, each sending from 4 concurrent loops: 64 sends in flight at any time.
        // (Fewer accounts keeps the password hashing of registration out of the test's time.)
        const int accounts = 16;
        const int loopsPerAccount = 4;
        const int senders = accounts * loopsPerAccount;
        const int perSender = 4;
        using var owner = await server.NewAccountAsync("owner");
        var clients = await Task.WhenAll(Enumerable.Range(0, accounts).Select(i => server.NewAccountAsync($"sender{i}")));
        try
        {
            var conv = await owner.CreateConversationAsync("stampede", clients);

            var results = await Task.WhenAll(clients.SelectMany(client => Enumerable.Repeat(client, loopsPerAccount)).Select(async client =>
            {
                var numbers = new List<long>();
                for (var i = 0; i < perSender; i++)
                {
                    var response = (await client.SendAsync(conv, $"{client.AccountId} {i}")).EnsureOk();
                    Assert.Equal(response.Json.Long("result_message_nr"), response.Message().Long("message_nr"));
                    numbers.Add(response.Json.Long("result_message_nr"));
                }

                Assert.Equal(numbers.Order(), numbers);
                return numbers;
            }));

            var all = results.SelectMany(n => n).Order().ToList();
            Assert.Equal(Enumerable.Range(2, senders * perSender).Select(i => (long)i), all);

            await using var db = server.OpenDb();
            var rows = await db.Messages.Where(m => m.ConversationId == conv).OrderBy(m => m.MessageNr).ToListAsync();
            Assert.Equal(Enumerable.Range(1, senders * perSender + 1).Select(i => (long)i), rows.Select(m => m.MessageNr));
            Assert.All(rows.Skip(1), m => Assert.Equal(m.MessageNr - 1, m.PrevMessageNr));
            Assert.All(rows.Skip(1), m => Assert.Equal(m.MessageNr - 1, m.InboxNr));
            var stored = await db.Conversations.SingleAsync(c => c.Id == conv);
            Assert.Equal(senders * perSender + 1, stored.LastMessageNr);
            Assert.Equal(senders * perSender, stored.LastInboxNr);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Concurrent_sends_edits_and_topic_changes_account_for_every_flow_number_once()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("mixed", b);
        for (var i = 0; i < 10; i++)
        {
            (await a.SendAsync(conv, $"original {i}")).EnsureOk();
        }

        var work = new List<Task<FleepResponse>>();
        for (var i = 0; i < 10; i++)
        {
            var nr = i + 2;
            work.Add(a.MessageAsync("edit", conv, new { message_nr = nr, message = $"edited {nr}" }));
            work.Add(b.SendAsync(conv, $"new {i}"));
            work.Add(b.ConvAsync("set_topic", conv, new { topic = $"topic {i}" }));
        }

        var responses = await Task.WhenAll(work);
        Assert.All(responses, r => r.EnsureOk());

        await using var db = server.OpenDb();
        var rows = await db.Messages.Where(m => m.ConversationId == conv).ToListAsync();
        var flowNumbers = rows.Select(m => m.MessageNr).Concat(rows.Where(m => m.FlowMessageNr != null).Select(m => m.FlowMessageNr!.Value)).Order().ToList();
        var last = (await db.Conversations.SingleAsync(c => c.Id == conv)).LastMessageNr;
        Assert.Equal(1 + 10 + 30, last);
        Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (long)i), flowNumbers);

        // A client walking the flow forward from the create message sees every message once, edits included.
        var synced = new List<long> { 1 };
        long fw = 1;
        do
        {
            var batch = (await b.ConvAsync("sync", conv, new { from_message_nr = fw, mk_direction = "forward" })).EnsureOk();
            synced.AddRange(batch.Messages().Select(m => m.Long("message_nr")));
            fw = batch.Header().Long("fw_message_nr");
        }
        while (fw < last);

        Assert.Equal(rows.Select(m => m.MessageNr).Order(), synced.Order());
    }

    [Fact]
    public async Task Conversation_store_with_a_client_req_id_is_applied_once()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("store once");
        var reqId = Guid.NewGuid();

        var first = (await a.ConvAsync("store", conv, new { topic = "renamed", client_req_id = reqId })).EnsureOk();
        var again = (await a.ConvAsync("store", conv, new { topic = "renamed again", client_req_id = reqId })).EnsureOk();

        Assert.Equal(2, first.Json.Long("result_message_nr"));
        Assert.Equal(2, again.Json.Long("result_message_nr"));
        Assert.Equal(reqId, again.Json.GetProperty("client_req_id").GetGuid());
        Assert.Equal("topic", again.Message().Str("mk_message_type"));
        Assert.Equal("renamed", again.Header().Str("topic"));
        Assert.Equal(2, again.Header().Long("last_message_nr"));
        Assert.Single(again.Stream(), r => r.Str("mk_rec_type") == "request");

        // A store that posts nothing: the retry answers without result_message_nr, like the first call.
        var hideId = Guid.NewGuid();
        var hidden = (await a.ConvAsync("store", conv, new { hide_message_nr = 2, client_req_id = hideId })).EnsureOk();
        var hiddenAgain = (await a.ConvAsync("store", conv, new { hide_message_nr = 1, client_req_id = hideId })).EnsureOk();
        Assert.False(hidden.Json.Has("result_message_nr"));
        Assert.False(hiddenAgain.Json.Has("result_message_nr"));
        Assert.Equal(2, hiddenAgain.Header().Long("hide_message_nr"));
    }
}
