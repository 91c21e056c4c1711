using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Concurrency;

/// <summary>One client_req_id sent by ten threads at once: one change, ten identical answers.</summary>
public sealed class SameClientReqIdTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int Threads = 10;

    [Fact]
    public async Task Ten_sends_with_one_client_req_id_create_one_message()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("one send", b);
        var reqId = Guid.NewGuid();

        var responses = await ConcurrentCalls.RunAsync(Enumerable.Range(0, Threads).Select(_ =>
            (Func<Task<FleepResponse>>)(() => a.SendAsync(conv, "only once", new { client_req_id = reqId }))));

        await AssertOneChangeAsync(responses, conv, reqId, a, expectedNr: 2);
        await using var db = server.OpenDb();
        Assert.Single(await db.Messages.AsNoTracking().Where(m => m.ConversationId == conv && m.Body == "<msg><p>only once</p></msg>").ToListAsync());
    }

    [Fact]
    public async Task Ten_copies_with_one_client_req_id_create_one_copy()
    {
        using var a = await server.NewAccountAsync();
        var source = await a.CreateConversationAsync("copy source");
        var target = await a.CreateConversationAsync("copy target");
        var xml = (await a.SendAsync(source, "copy me once")).EnsureOk().Message().Str("message");
        var reqId = Guid.NewGuid();

        var responses = await ConcurrentCalls.RunAsync(Enumerable.Range(0, Threads).Select(_ =>
            (Func<Task<FleepResponse>>)(() => a.MessageAsync("copy", source, new { message_nr = 2, to_conv_id = target, client_req_id = reqId }))));

        await AssertOneChangeAsync(responses, target, reqId, a, expectedNr: 2);
        await using var db = server.OpenDb();
        Assert.Single(await db.Messages.AsNoTracking().Where(m => m.ConversationId == target && m.Body == xml).ToListAsync());
    }

    [Fact]
    public async Task Ten_copies_within_one_conversation_with_one_client_req_id_create_one_copy()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("copy within");
        var xml = (await a.SendAsync(conv, "copy me here once")).EnsureOk().Message().Str("message");
        var reqId = Guid.NewGuid();

        var responses = await ConcurrentCalls.RunAsync(Enumerable.Range(0, Threads).Select(_ =>
            (Func<Task<FleepResponse>>)(() => a.MessageAsync("copy", conv, new { message_nr = 2, to_conv_id = conv, client_req_id = reqId }))));

        await AssertOneChangeAsync(responses, conv, reqId, a, expectedNr: 3);
        await using var db = server.OpenDb();
        Assert.Equal(2, await db.Messages.AsNoTracking().CountAsync(m => m.ConversationId == conv && m.Body == xml));
    }

    [Fact]
    public async Task Ten_topic_stores_with_one_client_req_id_change_the_topic_once()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("before", b);
        var reqId = Guid.NewGuid();

        // Each thread asks for a different topic: only the first applied one may take effect.
        var responses = await ConcurrentCalls.RunAsync(Enumerable.Range(0, Threads).Select(i =>
            (Func<Task<FleepResponse>>)(() => a.ConvAsync("store", conv, new { topic = $"after {i}", client_req_id = reqId }))));

        await AssertOneChangeAsync(responses, conv, reqId, a, expectedNr: 2);
        var topics = responses.Select(r => r.Header().Str("topic")).Distinct().ToList();
        var topic = Assert.Single(topics);
        Assert.Contains(topic, Enumerable.Range(0, Threads).Select(i => $"after {i}"));
        Assert.Equal(topic, (await b.HeaderAsync(conv)).Str("topic"));
    }

    /// <summary>All answers 200 with the same result_message_nr (the expected one), one request recorded, the flow one longer.</summary>
    private async Task AssertOneChangeAsync(FleepResponse[] responses, Guid conv, Guid reqId, FleepTestClient caller, long expectedNr)
    {
        Assert.Equal(Threads, responses.Length);
        server.AssertAllOk(responses);
        Assert.All(responses, r => Assert.Equal(expectedNr, r.Json.Long("result_message_nr")));
        Assert.All(responses, r => Assert.Equal(reqId, r.Json.GetProperty("client_req_id").GetGuid()));

        await using var db = server.OpenDb();
        var recorded = await db.ClientRequests.AsNoTracking().Where(r => r.AccountId == caller.AccountId && r.ClientReqId == reqId).ToListAsync();
        Assert.Equal((conv, expectedNr), (Assert.Single(recorded).ConversationId!.Value, Assert.Single(recorded).ResultMessageNr));
        Assert.Equal(expectedNr, (await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conv)).LastMessageNr);
        Assert.Equal(expectedNr, await db.Messages.AsNoTracking().CountAsync(m => m.ConversationId == conv));
    }
}
