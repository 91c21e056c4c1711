namespace FleepServer.BrowserTests;

/// <summary>
/// The web client in Firefox (driven over WebDriver BiDi, <see cref="Firefox"/>): two people, each
/// in a window of their own (own cookies and storage), register in the page, chat, and see each
/// other's messages arrive by themselves; markup typed into a message stays text. The chromium
/// tests cover the rest of the client; these prove it works in Firefox too.
/// </summary>
public sealed class FirefoxTests(BrowserServerFixture server, FirefoxFixture browser)
    : IClassFixture<BrowserServerFixture>, IClassFixture<FirefoxFixture>
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(5);
    private const string Password = "correct horse battery";
    private const string Payload = "<img src=x onerror=alert(1)> <script>alert(2)</script>";

    [Fact]
    public async Task Register_create_send_and_the_reply_shows_without_a_reload()
    {
        await using var aliceWindow = await browser.Firefox.NewWindowAsync(server.BaseAddress);
        await using var bobWindow = await browser.Firefox.NewWindowAsync(server.BaseAddress);
        var alice = new FirefoxChatPage(aliceWindow);
        var bob = new FirefoxChatPage(bobWindow);
        var bobEmail = BrowserServerFixture.NewEmail("bob");

        await alice.RegisterAsync("Alice Firefox", BrowserServerFixture.NewEmail("alice"), Password);
        await bob.RegisterAsync("Bob Firefox", bobEmail, Password);
        Assert.Empty(await bob.ConversationsAsync());

        // Alice starts a conversation with Bob and writes; her page shows the message.
        await alice.CreateConversationAsync("Firefox check", bobEmail);
        await alice.SendAsync("Hello from Firefox");
        var (sent, _) = await alice.WaitForMessageAsync("Hello from Firefox", "Alice's message in her page");
        Assert.Equal("Alice Firefox", sent.Author);
        Assert.False(sent.Deleted);
        Assert.False(sent.Edited);

        // Bob's open page gets the conversation and the message by itself (the long-poll).
        await bob.WaitForConversationAsync("Firefox check", Live);
        await bob.OpenAsync("Firefox check");
        var (seen, _) = await bob.WaitForMessageAsync("Hello from Firefox", "Alice's message in Bob's page", Live, sent.Nr);
        Assert.Equal("Alice Firefox", seen.Author);

        // Bob replies; Alice's page shows it without being reloaded (the mark set on it survives).
        await aliceWindow.ScriptAsync<bool>("() => (window.notReloaded = true)");
        await bob.SendAsync("Hi Alice\nFirefox works");
        var (reply, _) = await bob.WaitForMessageAsync("Hi Alice\nFirefox works", "Bob's reply in his page");
        var (shown, took) = await alice.WaitForMessageAsync("Hi Alice\nFirefox works", "Bob's reply in Alice's page", Live, reply.Nr);
        Assert.Equal("Bob Firefox", shown.Author);
        Assert.True(took <= Live, $"took {took}");
        Assert.True(await aliceWindow.ScriptAsync<bool>("() => window.notReloaded === true"), "Alice's page was reloaded");
        await aliceWindow.ScreenshotAsync("firefox-conversation");

        // Each message once, in flow order, in both pages.
        foreach (var page in new[] { alice, bob })
        {
            var numbers = (await page.MessagesAsync()).Select(m => m.Nr).ToList();
            Assert.Equal([sent.Nr, reply.Nr], numbers);
        }

        // A reload comes back to the same conversation, still logged in (the session in the tab's storage).
        await aliceWindow.ReloadAsync();
        await alice.WaitForMessageAsync("Hi Alice\nFirefox works", "Bob's reply after a reload", nr: reply.Nr);
        Assert.Equal("Firefox check", await aliceWindow.TextAsync("#conversation-title"));
        Assert.Equal([sent.Nr, reply.Nr], (await alice.MessagesAsync()).Select(m => m.Nr));

        Assert.Empty(aliceWindow.ConsoleErrors());
        Assert.Empty(bobWindow.ConsoleErrors());
    }

    [Fact]
    public async Task Markup_in_a_message_renders_as_text()
    {
        var senderEmail = BrowserServerFixture.NewEmail("sender");
        var readerEmail = BrowserServerFixture.NewEmail("reader");
        using (var api = server.NewClient())
        {
            await api.RegisterAsync(senderEmail, Password, "Sender Firefox");
            await api.RegisterAsync(readerEmail, Password, "Reader Firefox");
        }

        await using var senderWindow = await browser.Firefox.NewWindowAsync(server.BaseAddress);
        await using var readerWindow = await browser.Firefox.NewWindowAsync(server.BaseAddress);
        var sender = new FirefoxChatPage(senderWindow);
        var reader = new FirefoxChatPage(readerWindow);
        await sender.LogInAsync(senderEmail, Password);
        await reader.LogInAsync(readerEmail, Password);

        await sender.CreateConversationAsync("Markup in Firefox", readerEmail);
        await sender.SendAsync($"Body {Payload}");
        await sender.WaitForMessageAsync($"Body {Payload}", "the message in the sender's page");
        await reader.OpenAsync("Markup in Firefox");
        var (shown, _) = await reader.WaitForMessageAsync($"Body {Payload}", "the message in the reader's page", Live);
        Assert.Equal("Sender Firefox", shown.Author);

        foreach (var window in new[] { senderWindow, readerWindow })
        {
            // The body's text is the payload; no element was made from it and nothing ran.
            Assert.Equal(0, await window.CountAsync("img"));
            Assert.Equal(0, await window.CountAsync("#app script, #app img, #app iframe, #app object, [onerror]"));
            Assert.Equal(1, await window.CountAsync("script"));
            Assert.EndsWith("/assets/app.js", await window.ScriptAsync<string>("() => document.querySelector('script').src"));
            Assert.Empty(window.Prompts());
            Assert.Empty(window.ConsoleErrors());
        }
    }
}

/// <summary>One Firefox for a test class; each test opens windows (user contexts) of its own in it.</summary>
public sealed class FirefoxFixture : IAsyncLifetime
{
    private Firefox? firefox;

    public Firefox Firefox => firefox ?? throw new InvalidOperationException("Firefox has not started");

    public async ValueTask InitializeAsync() => firefox = await Firefox.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (firefox is not null)
        {
            await firefox.DisposeAsync();
        }
    }
}
