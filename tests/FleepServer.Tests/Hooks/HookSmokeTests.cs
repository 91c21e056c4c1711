using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Hooks;

/// <summary>The hook round trip: create, post to the URL, the message in a member's poll.</summary>
public sealed class HookSmokeTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task A_message_posted_to_the_hook_url_reaches_members_as_the_owners_with_hook_key_and_sender_name()
    {
        using var a = await server.NewAccountAsync("Alice");
        using var b = await server.NewAccountAsync("Bob");
        var conv = await a.CreateConversationAsync("ci", b);
        var horizon = await b.HorizonAsync();

        var created = (await a.ConvAsync("create_hook", conv, new { hook_name = "CI" })).EnsureOk();
        var info = created.Json.GetProperty("hook_info");
        var url = info.Str("hook_url");
        Assert.StartsWith(server.BaseAddress.ToString().TrimEnd('/') + "/hook/", url);
        Assert.Equal(22, url[(url.LastIndexOf('/') + 1)..].Length);

        using var anonymous = server.NewClient();
        var posted = await anonymous.PostRawAsync(url, """{"message": "build *green*", "user": "Jenkins"}""");
        Assert.Equal(200, posted.StatusCode);
        Assert.Equal("{}", posted.Json.GetRawText());

        var records = await b.PollToEndAsync(horizon);
        var hookRecords = records.Where(r => r.Str("mk_rec_type") == "hook").ToList();
        Assert.Single(hookRecords);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, hookRecords[0].GetProperty("hook_url").ValueKind);
        var texts = records.Where(r => r.Str("mk_rec_type") == "message" && r.Str("mk_message_type") == "text").ToList();
        var message = Assert.Single(texts);
        Assert.Equal(a.AccountId, message.GetProperty("account_id").GetGuid());
        Assert.Equal(info.Str("hook_key"), message.Str("hook_key"));
        Assert.Equal("Jenkins", message.Str("sender_name"));
        Assert.Equal("<msg><p>build <b>green</b></p></msg>", message.Str("message"));
    }
}
