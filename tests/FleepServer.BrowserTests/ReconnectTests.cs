using FleepServer.Tests.Infrastructure;

namespace FleepServer.BrowserTests;

/// <summary>
/// The server goes away under an open page and comes back on the same address: the page keeps
/// trying (with growing pauses), resumes its stream from the last horizon it had, and shows
/// what was written meanwhile exactly once, without a reload.
/// </summary>
public sealed class ReconnectTests(BrowserServerFixture server) : IClassFixture<BrowserServerFixture>
{
    [Fact]
    public async Task A_server_restart_loses_and_repeats_nothing()
    {
        using var alice = await server.NewAccountAsync("alice");
        var bobEmail = BrowserServerFixture.NewEmail("bob");
        using (var bobApi = server.NewClient())
        {
            await bobApi.RegisterAsync(bobEmail, "correct horse", "Bob");
        }

        var created = (await alice.PostAsync("/api/conversation/create", new { topic = "Restarts", emails = bobEmail })).EnsureOk();
        var conversation = created.Json.GetProperty("header").GetProperty("conversation_id").GetString();

        // Bob's page talks to a server process of its own on a fixed address.
        var port = FreePort.Next();
        var settings = new Dictionary<string, string?> { ["Urls"] = $"http://127.0.0.1:{port}" };
        var first = await server.StartPeerAsync(settings);
        Assert.Equal(port, first.BaseAddress.Port);
        using var browser = new Browser(first.BaseAddress);
        var bob = new ChatPage(browser);
        bob.LogIn(bobEmail, "correct horse");
        bob.Open("Restarts");
        (await alice.PostAsync($"/api/message/send/{conversation}", new { message = "before" })).EnsureOk();
        bob.WaitForMessage(m => m.Body == "before", "the message before the restart");

        // The process stops; messages are written (through another process) while it is gone.
        await server.StopPeerAsync(first.Services);
        browser.Wait(() => browser.Text("header.top .status").Contains("Reconnecting", StringComparison.Ordinal), "the page noticing");
        for (var i = 1; i <= 3; i++)
        {
            (await alice.PostAsync($"/api/message/send/{conversation}", new { message = $"while away {i}" })).EnsureOk();
        }

        // The process is back on the same address: the page catches up by itself.
        var second = await server.StartPeerAsync(settings);
        bob.WaitForMessage(m => m.Body == "while away 3", "the messages written while the server was away", TimeSpan.FromSeconds(20));
        browser.Wait(() => browser.Text("header.top .status").Length == 0, "the page live again");
        (await alice.PostAsync($"/api/message/send/{conversation}", new { message = "after" })).EnsureOk();
        bob.WaitForMessage(m => m.Body == "after", "a message after the restart", TimeSpan.FromSeconds(1));

        var bodies = bob.Messages().Select(m => m.Body).ToList();
        Assert.Equal(["before", "while away 1", "while away 2", "while away 3", "after"], bodies);
        var numbers = bob.Messages().Select(m => m.Nr).ToList();
        Assert.Equal(numbers.Order().Distinct(), numbers);

        // The browser's own notes of the refused connections are the only console lines.
        Assert.All(browser.ConsoleErrors(), e => Assert.Contains("api/account/poll", e));
        await server.StopPeerAsync(second.Services);
    }
}
