using System.Diagnostics;
using FleepServer.Testing;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.StandIn;

/// <summary>
/// The stand-in another project's tests start in one line (FleepServer.Testing): a real server over
/// its own database, driven here only through what the package offers its users.
/// </summary>
public sealed class FleepStandInTests(PostgresServer postgres)
{
    [Fact]
    public async Task Two_accounts_exchange_a_message_through_a_stand_in()
    {
        Assert.NotEmpty(postgres.Source);
        await using var fleep = await FleepStandIn.StartAsync();
        using var alice = await fleep.CreateAccountAsync("alice@example.org", "Alice");
        using var bob = await fleep.CreateAccountAsync("bob@example.org", "Bob");

        var conversationId = await alice.CreateConversationAsync("Plans", "bob@example.org");
        var sent = await alice.SendAsync(conversationId, "lunch at noon?");

        var seen = await bob.WaitForMessageAsync(conversationId, "lunch at noon?");
        Assert.Equal(sent, seen.GetProperty("message_nr").GetInt64());
        Assert.Equal(alice.AccountId, seen.GetProperty("account_id").GetString());

        var stored = (await fleep.MessagesAsync(conversationId)).Where(m => m.MkMessageType == "text").ToList();
        Assert.Single(stored);
        Assert.Equal("lunch at noon?", stored[0].Text);
        Assert.Equal("alice@example.org", stored[0].AuthorEmail);
    }

    [Fact]
    public async Task A_hook_post_and_an_outgoing_call_are_visible_to_the_test()
    {
        await using var fleep = await FleepStandIn.StartAsync();
        using var owner = await fleep.CreateAccountAsync("owner@example.org");
        var conversationId = await owner.CreateConversationAsync("Builds");
        var hookUrl = await owner.CreateHookAsync(conversationId, "CI");
        var hooks = (await owner.PostAsync($"api/conversation/show_hooks/{conversationId}")).GetProperty("hooks");
        Assert.Equal(1, hooks.GetArrayLength());
        await owner.PostAsync($"api/conversation/configure_hook/{conversationId}", new
        {
            hook_key = hooks[0].GetProperty("hook_key").GetString(),
            outgoing_url = new Uri(fleep.BaseAddress, "nowhere").ToString(),
        });

        using var http = new HttpClient();
        (await http.PostAsync(hookUrl, new StringContent("""{"message":"build 42 passed"}""", System.Text.Encoding.UTF8, "application/json")))
            .EnsureSuccessStatusCode();

        var stored = (await fleep.MessagesAsync(conversationId)).Where(m => m.HookKey is not null).ToList();
        Assert.Single(stored);
        Assert.Equal("build 42 passed", stored[0].Text);

        // A member's message goes out to the hook's outgoing URL (a hook's own posts never do).
        await owner.SendAsync(conversationId, "deploy it");
        var deadline = Stopwatch.StartNew();
        while (fleep.OutgoingCalls.Count == 0 && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        var call = Assert.Single(fleep.OutgoingCalls.Take(1));
        Assert.Contains("deploy it", call.Body);
        Assert.EndsWith("/nowhere", call.Url);
        Assert.Equal(404, call.StatusCode);
    }
}
