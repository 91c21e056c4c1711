using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Api;

/// <summary>
/// message/send issues a small, constant number of database commands whatever the conversation's
/// size (docs/writes.md, "What a send costs").
/// </summary>
public sealed class MessageQueryCountTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Send_costs_the_same_commands_in_a_small_and_a_large_conversation()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var others = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => server.NewAccountAsync()));
        var small = await a.CreateConversationAsync("small", b);
        var large = await a.CreateConversationAsync("large", [b, .. others]);
        for (var i = 0; i < 30; i++)
        {
            (await a.SendAsync(large, $"history {i}")).EnsureOk();
        }

        (await a.SendAsync(small, "warm up")).EnsureOk();
        (await b.PostAsync("/api/account/sync")).EnsureOk();
        var inSmall = await CountAsync(() => a.SendAsync(small, "counted"));
        var inLarge = await CountAsync(() => a.SendAsync(large, "counted"));
        var withRequestId = await CountAsync(() => a.SendAsync(large, "counted", new { client_req_id = Guid.NewGuid() }));
        var byOther = await CountAsync(() => b.SendAsync(large, "counted"));

        Assert.Equal(inSmall, inLarge);
        Assert.Equal(inSmall, byOther);
        Assert.Equal(inSmall, withRequestId);
        // The conversation lock; the member rows with their privacy flags, the messages their
        // headers point at and any earlier request with the client_req_id; one batched write; one
        // append to every member's stream. Both senders' sessions were checked before, so that
        // check comes from the session cache.
        Assert.True(inSmall <= 4, $"send took {inSmall} commands");
        foreach (var client in others)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task A_hook_post_into_a_quiet_conversation_costs_a_send_and_the_token_lookup()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        using var anonymous = server.NewClient();
        var conv = await a.CreateConversationAsync("ci", b);
        var url = (await a.ConvAsync("create_hook", conv, new { hook_name = "CI" })).EnsureOk().Json.GetProperty("hook_info").Str("hook_url");
        (await anonymous.PostRawAsync(url, """{"message": "warm up"}""")).EnsureOk();
        (await a.SendAsync(conv, "warm up")).EnsureOk();

        var send = await CountAsync(() => a.SendAsync(conv, "counted"));
        var post = await CountAsync(() => anonymous.PostRawAsync(url, """{"message": "counted", "user": "CI"}"""));

        // The lookup by the token's hash reads the conversation's flow number with the hook; under
        // the conversation lock the flow is where it was, so the hook cannot have been dropped since.
        Assert.Equal(send + 1, post);
    }

    private async Task<long> CountAsync(Func<Task<FleepResponse>> call)
    {
        var before = server.Commands.Count;
        (await call()).EnsureOk();
        return server.Commands.Count - before;
    }
}
