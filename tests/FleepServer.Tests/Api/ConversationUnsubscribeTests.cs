using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Api;

/// <summary>
/// conversation/unsubscribe and conversation/convert_api (docs/compatibility.md, "Conversation
/// calls"): unsubscribing leaves the conversation (the caller's own address only); convert_api
/// changes nothing and answers the header.
/// </summary>
public sealed class ConversationUnsubscribeTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Unsubscribing_leaves_the_conversation_and_nothing_more_arrives()
    {
        using var a = await server.NewAccountAsync("a");
        using var b = await server.NewAccountAsync("b");
        var conv = await a.CreateConversationAsync("news", b);
        var horizonA = await a.HorizonAsync();

        var answer = (await b.ConvAsync("unsubscribe", conv, new { email = b.Email.ToUpperInvariant() })).EnsureOk();

        var header = answer.Header();
        Assert.False(header.Bool("can_post"));
        Assert.Equal([a.AccountId], header.Ids("members"));
        Assert.Equal([b.AccountId], header.Ids("leavers"));
        var leave = answer.Message();
        Assert.Equal("leave", leave.Str("mk_message_type"));
        Assert.Equal(b.AccountId, leave.GetProperty("account_id").GetGuid());
        Assert.Equal(2, leave.Long("message_nr"));

        // The others see the leave message; the leaver gets nothing of what follows.
        var seen = (await a.PollToEndAsync(horizonA)).Where(r => r.Str("mk_rec_type") == "message").ToList();
        Assert.Single(seen);
        Assert.Equal("leave", seen[0].Str("mk_message_type"));
        var horizonB = await b.HorizonAsync();
        (await a.SendAsync(conv, "after")).EnsureOk();
        Assert.Empty(await b.PollToEndAsync(horizonB));
    }

    [Fact]
    public async Task Unsubscribing_without_email_or_twice_is_fine()
    {
        using var a = await server.NewAccountAsync("a");
        using var b = await server.NewAccountAsync("b");
        var conv = await a.CreateConversationAsync("twice", b);

        Assert.Equal("leave", (await b.ConvAsync("unsubscribe", conv)).EnsureOk().Message().Str("mk_message_type"));
        var again = (await b.ConvAsync("unsubscribe", conv, new { email = b.Email })).EnsureOk();

        Assert.Empty(again.Stream());
        Assert.Equal(2, again.Header().Long("last_message_nr"));
        Assert.Equal(2, (await a.HeaderAsync(conv)).Long("last_message_nr"));
    }

    [Fact]
    public async Task Another_accounts_address_is_refused_and_changes_nothing()
    {
        using var a = await server.NewAccountAsync("a");
        using var b = await server.NewAccountAsync("b");
        var conv = await a.CreateConversationAsync("not yours", b);

        (await b.ConvAsync("unsubscribe", conv, new { email = a.Email })).AssertError(431, "not_own_email");
        (await b.ConvAsync("unsubscribe", conv, new { email = "nobody@example.org" })).AssertError(431, "not_own_email");
        (await b.ConvAsync("unsubscribe", conv, new { email = "not an address" })).AssertError(400, "invalid_param");
        (await b.PostRawAsync($"/api/conversation/unsubscribe/{conv}", $$"""{"ticket": "{{b.Ticket}}", "email": 5}""")).AssertError(400, "invalid_param");

        var header = await a.HeaderAsync(conv);
        Assert.Equal(1, header.Long("last_message_nr"));
        Assert.Equal(2, header.Ids("members").Count);
    }

    [Fact]
    public async Task Outsiders_get_the_unknown_id_answer()
    {
        using var a = await server.NewAccountAsync("a");
        using var outsider = await server.NewAccountAsync("outsider");
        var conv = await a.CreateConversationAsync("closed");

        var unknown = (await outsider.ConvAsync("unsubscribe", Guid.NewGuid())).AssertError(430, "not_found");
        Assert.Equal(unknown.Json.GetRawText(), (await outsider.ConvAsync("unsubscribe", conv)).AssertError(430, "not_found").Json.GetRawText());
        Assert.Equal(unknown.Json.GetRawText(), (await outsider.ConvAsync("convert_api", conv)).AssertError(430, "not_found").Json.GetRawText());
        (await outsider.ConvAsync("convert_api", Guid.NewGuid())).AssertError(430, "not_found");
    }

    [Fact]
    public async Task Convert_api_answers_the_header_and_changes_nothing()
    {
        using var a = await server.NewAccountAsync("a");
        using var b = await server.NewAccountAsync("b");
        var conv = await a.CreateConversationAsync("as it is", b);
        (await a.SendAsync(conv, "hello")).EnsureOk();
        var horizonA = await a.HorizonAsync();
        var horizonB = await b.HorizonAsync();

        var answer = (await a.ConvAsync("convert_api", conv)).EnsureOk();

        var header = answer.Header();
        Assert.Equal(conv, header.GetProperty("conversation_id").GetGuid());
        Assert.Equal("as it is", header.Str("topic"));
        Assert.Equal(2, header.Long("last_message_nr"));
        Assert.Empty(answer.Stream());
        Assert.Empty(await a.PollToEndAsync(horizonA));
        Assert.Empty(await b.PollToEndAsync(horizonB));

        // A member who left may still ask: it reads its own view.
        (await b.ConvAsync("leave", conv)).EnsureOk();
        Assert.False((await b.ConvAsync("convert_api", conv)).EnsureOk().Header().Bool("can_post"));
    }
}
