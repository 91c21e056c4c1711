using OpenQA.Selenium;

namespace FleepServer.BrowserTests;

/// <summary>
/// Read horizons and writing pens between two browsers: "Seen by" under the message the other
/// member read up to, and "… is writing…" while the other member types, gone when the message is
/// sent or the box cleared; names are text.
/// </summary>
public sealed class PresenceTests(BrowserServerFixture server) : IClassFixture<BrowserServerFixture>
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(3);
    private const string Password = "correct horse battery";
    private const string Payload = "<img src=x onerror=alert(1)>";

    [Fact]
    public async Task Seen_by_and_writing_reach_the_other_browser_and_go_when_the_message_is_sent()
    {
        var aliceEmail = BrowserServerFixture.NewEmail("alice");
        var bobEmail = BrowserServerFixture.NewEmail("bob");
        var bobName = $"Bob {Payload}";
        using (var api = server.NewClient())
        {
            await api.RegisterAsync(aliceEmail, Password, "Alice Writer");
            await api.RegisterAsync(bobEmail, Password, bobName);
        }

        using var aliceBrowser = new Browser(server.BaseAddress);
        using var bobBrowser = new Browser(server.BaseAddress);
        var alice = new ChatPage(aliceBrowser);
        var bob = new ChatPage(bobBrowser);
        alice.LogIn(aliceEmail, Password);
        bob.LogIn(bobEmail, Password);

        alice.CreateConversation("Presence", bobEmail);
        alice.Send("Hello Bob");
        var (hello, _) = alice.WaitForMessage(m => m.Body == "Hello Bob", "Alice's message in her page");
        Assert.Equal("", alice.Writing());

        // Bob opens the conversation and so reads Alice's message: she sees it under the message.
        bob.Open("Presence");
        bob.WaitForMessage(m => m.Body == "Hello Bob", "Alice's message in Bob's page");
        aliceBrowser.Wait(() => alice.SeenBy(hello.Nr) == $"Seen by {bobName}", "seen by Bob under Alice's message", Soon);
        Assert.Equal([$"Seen by {bobName}"], alice.SeenByLines());

        // Bob types: Alice sees that he is writing. He sends: it goes, and his message is there.
        bob.Composer.SendKeys("On my w");
        aliceBrowser.Wait(() => alice.Writing() == $"{bobName} is writing…", "Bob writing, in Alice's page", Soon);
        aliceBrowser.Screenshot("presence");
        bob.Composer.SendKeys("ay");
        bob.Composer.SendKeys(Keys.Enter);
        var (reply, _) = alice.WaitForMessage(m => m.Body == "On my way", "Bob's reply in Alice's page", Soon);
        aliceBrowser.Wait(() => alice.Writing() == "", "the writing indicator gone after Bob sent", Soon);

        // Alice has the conversation open, so she read the reply: Bob sees that.
        bobBrowser.Wait(() => bob.SeenBy(reply.Nr) == "Seen by Alice Writer", "seen by Alice under Bob's reply", Soon);

        // Typing and then clearing the box takes the pen off too.
        bob.Composer.SendKeys("Never mind");
        aliceBrowser.Wait(() => alice.Writing() == $"{bobName} is writing…", "Bob writing again", Soon);
        bob.Composer.SendKeys(Keys.Control + "a");
        bob.Composer.SendKeys(Keys.Backspace);
        aliceBrowser.Wait(() => alice.Writing() == "", "the writing indicator gone after Bob cleared the box", Soon);
        Assert.Equal(2, alice.Messages().Count);

        // Typing and then pausing: the pen goes off by itself after the pause (10 s), long before
        // the server would end it (30 s).
        bob.Composer.SendKeys("Hmm");
        aliceBrowser.Wait(() => alice.Writing() == $"{bobName} is writing…", "Bob writing a third time", Soon);
        var paused = System.Diagnostics.Stopwatch.StartNew();
        aliceBrowser.Wait(() => alice.Writing() == "", "the writing indicator gone after Bob paused", TimeSpan.FromSeconds(20));
        Assert.InRange(paused.Elapsed, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(20));
        Assert.Equal(2, alice.Messages().Count);

        foreach (var browser in new[] { aliceBrowser, bobBrowser })
        {
            Assert.False(browser.HasAlert());
            Assert.Empty(browser.All("img"));
            Assert.Equal(0L, browser.Script("return document.querySelectorAll('[onerror]').length"));
            Assert.Empty(browser.ConsoleErrors());
        }
    }
}
