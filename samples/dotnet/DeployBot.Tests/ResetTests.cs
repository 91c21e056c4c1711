using FleepServer.Testing;
using FleepServer.Testing.Xunit;

namespace FleepSamples.Tests;

/// <summary>
/// A stand-in of this class's own (a class fixture: its tests run one after another), emptied
/// before every test, so each test starts from a new server with the same fixed addresses.
/// </summary>
public sealed class ResetTests(FleepStandInFixture fixture) : IClassFixture<FleepStandInFixture>, IAsyncLifetime
{
    private const string BotEmail = "deploybot@example.com";
    private const string BotPassword = "deploy-bot-password";

    private FleepStandIn Fleep => fixture.StandIn;

    public async ValueTask InitializeAsync() => await Fleep.ResetAsync(TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Reset_forgets_accounts_and_conversations()
    {
        var ct = TestContext.Current.CancellationToken;
        var alice = await Fleep.CreateAccountAsync("alice@example.com", ct: ct);
        await Fleep.CreateAccountAsync(BotEmail, password: BotPassword, ct: ct);
        var conversationId = await alice.CreateConversationAsync("Deploys", BotEmail);
        using (var bot = new DeployBot(Fleep.BaseAddress, BotEmail, BotPassword))
        {
            await bot.LoginAsync(ct);
            await bot.AnnounceAsync(conversationId, "v3.0.0", "production", ct);
        }

        await Fleep.ResetAsync(ct);

        Assert.Empty(await Fleep.MessagesAsync(conversationId, ct));
        using var again = new DeployBot(Fleep.BaseAddress, BotEmail, BotPassword);
        await Assert.ThrowsAsync<HttpRequestException>(() => again.LoginAsync(ct));
    }

    [Fact]
    public async Task After_a_reset_the_same_addresses_are_free_again()
    {
        var ct = TestContext.Current.CancellationToken;
        // Both tests of this class make these accounts; without the reset the second would fail.
        var alice = await Fleep.CreateAccountAsync("alice@example.com", ct: ct);
        await Fleep.CreateAccountAsync(BotEmail, password: BotPassword, ct: ct);
        var conversationId = await alice.CreateConversationAsync("Deploys", BotEmail);
        using var bot = new DeployBot(Fleep.BaseAddress, BotEmail, BotPassword);
        await bot.LoginAsync(ct);

        await bot.AnnounceAsync(conversationId, "v3.0.1", "production", ct);

        await alice.WaitForMessageAsync(conversationId, "Deployed v3.0.1 to production", ct: ct);
    }
}
