namespace FleepServer.BrowserTests;

/// <summary>
/// A conversation opens at its newest messages; older ones come page by page (backward sync) when
/// "Load earlier messages" is pressed or the list is scrolled to its top, until the start.
/// </summary>
public sealed class HistoryTests(BrowserServerFixture server) : IClassFixture<BrowserServerFixture>
{
    private const int Count = 120;

    [Fact]
    public async Task Older_messages_load_page_by_page_back_to_the_start()
    {
        using var alice = await server.NewAccountAsync("alice");
        var bobEmail = BrowserServerFixture.NewEmail("bob");
        using (var bobApi = server.NewClient())
        {
            await bobApi.RegisterAsync(bobEmail, "correct horse", "Bob");
        }

        var created = (await alice.PostAsync("/api/conversation/create", new { topic = "Long history", emails = bobEmail })).EnsureOk();
        var conversation = created.Json.GetProperty("header").GetProperty("conversation_id").GetString();
        for (var i = 1; i <= Count; i++)
        {
            (await alice.PostAsync($"/api/message/send/{conversation}", new { message = $"message {i}" })).EnsureOk();
        }

        using var browser = new Browser(server.BaseAddress);
        var bob = new ChatPage(browser);
        bob.LogIn(bobEmail, "correct horse");
        bob.Open("Long history");

        // The newest page only.
        bob.WaitForMessage(m => m.Body == $"message {Count}", "the newest message");
        var firstPage = bob.Messages();
        Assert.InRange(firstPage.Count, 10, Count - 1);
        Assert.DoesNotContain(firstPage, m => m.Body == "message 1");
        Assert.Empty(browser.All("ol.messages li.system"));

        // One page by the button (pressed where it is: a WebDriver click would first scroll it into
        // view, and reaching the top loads by itself)...
        // Only the rows in and near the view are rendered (docs/web-client.md, "Long lists"): the
        // page shows as the list growing above the reader.
        browser.Find("ol.messages li.earlier button");
        long ScrollHeight() => Convert.ToInt64(browser.Script("return document.querySelector('ol.messages').scrollHeight;"), System.Globalization.CultureInfo.InvariantCulture);
        var heightBefore = ScrollHeight();
        browser.Script("document.querySelector('ol.messages li.earlier button').click();");
        browser.Wait(() => ScrollHeight() > heightBefore && browser.All("ol.messages li.earlier button[disabled]").Count == 0, "an earlier page");
        // The reader stays where they were (the page went above, out of view), so no further page
        // loads by itself.
        var scrollTop = Convert.ToInt64(browser.Script("return document.querySelector('ol.messages').scrollTop;"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(scrollTop > 80, $"scrollTop {scrollTop}");
        Assert.Contains(bob.Messages(), m => m.Body == $"message {Count}");
        Assert.Single(browser.All("ol.messages li.earlier button"));

        // ...the rest by scrolling to the top, until the conversation's first message.
        browser.Wait(() =>
        {
            browser.Script("const list = document.querySelector('ol.messages'); list.scrollTop = 0; list.dispatchEvent(new Event('scroll'));");
            return browser.All("ol.messages li.system").Count == 1;
        }, "the start of the conversation", TimeSpan.FromSeconds(20));

        Assert.Contains("created the conversation", browser.Text("ol.messages li.system"));
        Assert.Empty(browser.All("ol.messages li.earlier"));

        // Down through the whole list: all of them once, in order.
        var all = bob.MessagesByScrolling("ol.messages > li.message:not(.system)");
        Assert.Equal(Count, all.Count);
        Assert.All(all.Select((m, i) => (m.Text, i)), m => Assert.EndsWith($"message {m.i + 1}", m.Text));
        Assert.Equal(all.Select(m => m.Nr).Order().Distinct(), all.Select(m => m.Nr));
        Assert.Empty(browser.ConsoleErrors());
    }
}
