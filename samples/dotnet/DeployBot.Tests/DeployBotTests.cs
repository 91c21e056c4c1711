using FleepServer.Testing;

namespace FleepSamples.Tests;

/// <summary>The bot against a real server: what it posts reaches the team, and it answers questions.</summary>
public sealed class DeployBotTests(SharedFleep shared)
{
    private const string BotPassword = "deploy-bot-password";

    // The stand-in is shared with other test classes running at the same time: every test uses
    // addresses of its own.
    private readonly string id = Guid.NewGuid().ToString("N")[..8];
    private FleepStandIn Fleep => shared.StandIn;
    private string BotEmail => $"deploybot-{id}@example.com";

    [Fact]
    public async Task Announcement_reaches_the_team()
    {
        var ct = TestContext.Current.CancellationToken;
        var (alice, conversationId) = await TeamAsync(ct);
        using var bot = new DeployBot(Fleep.BaseAddress, BotEmail, BotPassword);
        await bot.LoginAsync(ct);

        await bot.AnnounceAsync(conversationId, "v1.4.0", "production", ct);

        // Alice's own poll sees it, as her Fleep client would...
        var seen = await alice.WaitForMessageAsync(conversationId, "Deployed v1.4.0 to production", ct: ct);
        Assert.Equal(bot.AccountId, seen.GetProperty("account_id").GetString());
        // ...and the server stored it as the bot's.
        var stored = Assert.Single(await Fleep.MessagesAsync(conversationId, ct), m => m.Text.StartsWith("Deployed", StringComparison.Ordinal));
        Assert.Equal(BotEmail, stored.AuthorEmail);
        Assert.Equal("Deployed v1.4.0 to production", stored.Text);
    }

    [Fact]
    public async Task Bot_answers_status_questions()
    {
        var ct = TestContext.Current.CancellationToken;
        var (alice, conversationId) = await TeamAsync(ct);
        using var bot = new DeployBot(Fleep.BaseAddress, BotEmail, BotPassword);
        await bot.LoginAsync(ct);
        await bot.AnnounceAsync(conversationId, "v1.4.1", "staging", ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = bot.RunAsync(stop.Token);

        await alice.SendAsync(conversationId, "status?", ct);

        var reply = await alice.WaitForMessageAsync(conversationId, "Deploy status: v1.4.1 on staging", ct: ct);
        Assert.Equal(bot.AccountId, reply.GetProperty("account_id").GetString());
        await stop.CancelAsync();
        await running;
        // One answer: the bot does not answer its own announcement or itself.
        Assert.Single(await Fleep.MessagesAsync(conversationId, ct), m => m.Text.StartsWith("Deploy status", StringComparison.Ordinal));
    }

    /// <summary>The bot's account and Alice's, and a conversation of the two that Alice started.</summary>
    private async Task<(FleepClient Alice, string ConversationId)> TeamAsync(CancellationToken ct)
    {
        await Fleep.CreateAccountAsync(BotEmail, "Deploy Bot", BotPassword, ct);
        var alice = await Fleep.CreateAccountAsync($"alice-{id}@example.com", "Alice", ct: ct);
        var conversationId = await alice.CreateConversationAsync("Deploys", BotEmail);
        return (alice, conversationId);
    }
}
