namespace FleepSamples.Tests;

/// <summary>Announcing through a conversation's incoming hook: no bot account, just the hook's URL.</summary>
public sealed class HookTests(SharedFleep shared)
{
    [Fact]
    public async Task Announcement_through_a_hook_reaches_the_conversation()
    {
        var ct = TestContext.Current.CancellationToken;
        var fleep = shared.StandIn;
        var id = Guid.NewGuid().ToString("N")[..8];
        var alice = await fleep.CreateAccountAsync($"alice-{id}@example.com", "Alice", ct: ct);
        await fleep.CreateAccountAsync($"bob-{id}@example.com", "Bob", ct: ct);
        var conversationId = await alice.CreateConversationAsync("Deploys", $"bob-{id}@example.com");
        var hookUrl = await alice.CreateHookAsync(conversationId, "CI", ct);

        using var http = new HttpClient();
        await DeployBot.AnnounceThroughHookAsync(http, new Uri(hookUrl), new Deploy("v2.0.0", "production", DateTimeOffset.UtcNow), ct);

        await alice.WaitForMessageAsync(conversationId, "Deployed v2.0.0 to production", ct: ct);
        var stored = Assert.Single(await fleep.MessagesAsync(conversationId, ct), m => m.HookKey is not null);
        Assert.Equal("Deployed v2.0.0 to production", stored.Text);
        Assert.Equal("DeployBot", stored.SenderName);
    }
}
