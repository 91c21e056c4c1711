namespace FleepServer.BrowserTests;

/// <summary>
/// Markup in anything people type (a message, a topic, a display name) is shown as the text it
/// is, in the sender's page and the reader's: no element is made from it and no script runs.
/// </summary>
public sealed class SafeRenderingTests(BrowserServerFixture server) : IClassFixture<BrowserServerFixture>
{
    private const string Payload = "<img src=x onerror=alert(1)> <script>alert(2)</script>";
    private const string Password = "correct horse battery";

    [Fact]
    public async Task Markup_in_a_message_a_topic_and_a_name_renders_as_text()
    {
        // The accounts' display names carry the payload.
        var senderEmail = BrowserServerFixture.NewEmail("sender");
        var readerEmail = BrowserServerFixture.NewEmail("reader");
        using (var api = server.NewClient())
        {
            await api.RegisterAsync(senderEmail, Password, $"Sender {Payload}");
            await api.RegisterAsync(readerEmail, Password, $"Reader {Payload}");
        }

        using var senderBrowser = new Browser(server.BaseAddress);
        using var readerBrowser = new Browser(server.BaseAddress);
        var sender = new ChatPage(senderBrowser);
        var reader = new ChatPage(readerBrowser);
        sender.LogIn(senderEmail, Password);
        reader.LogIn(readerEmail, Password);

        var topic = $"Topic {Payload}";
        sender.CreateConversation(topic, readerEmail);
        sender.Send($"Body {Payload}");
        sender.WaitForMessage(m => m.Body == $"Body {Payload}", "the message in the sender's page");
        reader.Open(topic);
        var (shown, _) = reader.WaitForMessage(m => m.Body == $"Body {Payload}", "the message in the reader's page");
        Assert.Equal($"Sender {Payload}", shown.Author);

        foreach (var browser in new[] { senderBrowser, readerBrowser })
        {
            Assert.Equal(topic, browser.Text("#conversation-title"));
            Assert.Contains(topic, browser.Text("nav[aria-label=Conversations]"));
            // The create message names the people by their display names, as text.
            Assert.Contains($"Sender {Payload} created the conversation", browser.Text("ol.messages li.system"));
            Assert.False(browser.HasAlert());
            Assert.Empty(browser.All("img"));
            Assert.Empty(browser.All("#app script, #app img, #app iframe, #app object"));
            // The page's one script is its own.
            var scripts = browser.All("script");
            Assert.Single(scripts);
            Assert.EndsWith("/assets/app.js", scripts[0].GetAttribute("src"));
            Assert.Equal(0L, browser.Script("return document.querySelectorAll('[onerror]').length"));
            Assert.Empty(browser.ConsoleErrors());
        }
    }
}
