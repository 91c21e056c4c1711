using System.Diagnostics;
using OpenQA.Selenium;

namespace FleepServer.BrowserTests;

/// <summary>
/// Two people chat through two browsers: every step is done in the page, and every change one
/// makes appears in the other's page by itself (the long-poll), within a second.
/// </summary>
public sealed class ChatTests(BrowserServerFixture server) : IClassFixture<BrowserServerFixture>
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(1);
    private const string Password = "correct horse battery";

    [Fact]
    public void Register_create_send_reply_edit_and_delete_each_show_in_the_other_browser_at_once()
    {
        using var aliceBrowser = new Browser(server.BaseAddress);
        using var bobBrowser = new Browser(server.BaseAddress);
        var alice = new ChatPage(aliceBrowser);
        var bob = new ChatPage(bobBrowser);
        var aliceEmail = BrowserServerFixture.NewEmail("alice");
        var bobEmail = BrowserServerFixture.NewEmail("bob");

        // Register (which logs in), log out, log in again with "remember me".
        alice.Register("Alice Example", aliceEmail, Password);
        alice.LogOut();
        alice.LogIn(aliceEmail, Password, remember: true);
        bob.Register("Bob Example", bobEmail, Password);
        Assert.Empty(bob.Conversations());

        // Alice starts a conversation with Bob by his address; it reaches Bob's list.
        alice.CreateConversation("Release planning", bobEmail);
        bob.WaitForConversation("Release planning", TimeSpan.FromSeconds(5));

        // A first message while Bob has not opened the conversation: it counts as unread for him.
        alice.Send("Hello Bob");
        alice.WaitForMessage(m => m.Body == "Hello Bob", "Alice's first message in her page");
        bobBrowser.Wait(() => bob.Conversations().Single(c => c.Topic == "Release planning").Unread == 1, "one unread message for Bob");
        Assert.Equal("Release planning, 1 unread", bobBrowser.Find("button.conv").GetAttribute("aria-label"));
        bob.Open("Release planning");
        var (first, _) = bob.WaitForMessage(m => m.Body == "Hello Bob", "Alice's first message in Bob's page");
        Assert.Equal("Alice Example", first.Author);
        bobBrowser.Wait(() => bob.Conversations().Single(c => c.Topic == "Release planning").Unread == 0, "the message read once shown");

        // Send: Bob's page shows it within a second of Alice's.
        alice.Send("Shall we ship on Friday?\nOr Monday?");
        var (sent, _) = alice.WaitForMessage(m => m.Body.StartsWith("Shall we ship", StringComparison.Ordinal), "Alice's message in her page");
        Assert.Equal("Shall we ship on Friday?\nOr Monday?", sent.Body);
        var (seen, took) = bob.WaitForMessage(m => m.Nr == sent.Nr, "Alice's message in Bob's page", Live);
        Assert.Equal(sent.Body, seen.Body);
        Assert.True(took <= Live, $"took {took}");

        // Reply: Alice's page shows it within a second.
        bob.Send("Friday works for me");
        var (reply, _) = bob.WaitForMessage(m => m.Body == "Friday works for me", "Bob's reply in his page");
        alice.WaitForMessage(m => m.Nr == reply.Nr && m.Author == "Bob Example", "Bob's reply in Alice's page", Live);

        // Up edits one's own last message; Esc leaves it as it was.
        alice.Composer.SendKeys(Keys.ArrowUp);
        aliceBrowser.Wait(() => alice.Composer.GetAttribute("value") == "Shall we ship on Friday?\nOr Monday?", "the last own message in the composer");
        alice.Composer.SendKeys(Keys.Escape);
        aliceBrowser.Wait(() => alice.Composer.GetAttribute("value") == "" && aliceBrowser.All(".composer .editing").Count == 0, "editing cancelled");

        alice.Composer.SendKeys(Keys.ArrowUp);
        aliceBrowser.Wait(() => alice.Composer.GetAttribute("value")!.StartsWith("Shall we ship", StringComparison.Ordinal), "the last own message in the composer");
        alice.Composer.SendKeys(Keys.Control + "a" + Keys.Control);
        alice.Send("We ship on Friday");
        alice.WaitForMessage(m => m.Nr == sent.Nr && m.Body == "We ship on Friday" && m.Edited, "the edit in Alice's page");
        var (edited, editTook) = bob.WaitForMessage(m => m.Nr == sent.Nr && m.Body == "We ship on Friday", "the edit in Bob's page", Live);
        Assert.True(edited.Edited);
        Assert.True(editTook <= Live, $"took {editTook}");

        // Edit through the message's own button too (Bob's reply).
        bob.MessageItem(reply.Nr).FindElement(By.CssSelector("button[aria-label='Edit message']")).Click();
        bobBrowser.Wait(() => bob.Composer.GetAttribute("value") == "Friday works for me", "Bob's reply in his composer");
        bob.Composer.SendKeys(Keys.Control + "a" + Keys.Control);
        bob.Send("Friday works for me too");
        alice.WaitForMessage(m => m.Nr == reply.Nr && m.Body == "Friday works for me too", "Bob's edit in Alice's page", TimeSpan.FromSeconds(5));

        bobBrowser.Screenshot("conversation");

        // Delete (with a confirmation in the page): gone from both.
        alice.MessageItem(sent.Nr).FindElement(By.CssSelector("button[aria-label='Delete message']")).Click();
        alice.MessageItem(sent.Nr).FindElement(By.CssSelector("button[aria-label='Confirm delete']")).Click();
        alice.WaitForMessage(m => m.Nr == sent.Nr && m.Deleted, "the deletion in Alice's page");
        var (deleted, deleteTook) = bob.WaitForMessage(m => m.Nr == sent.Nr && m.Deleted, "the deletion in Bob's page", Live);
        Assert.Equal("Message deleted", deleted.Body);
        Assert.True(deleteTook <= Live, $"took {deleteTook}");
        Assert.DoesNotContain(bob.Messages(), m => m.Body.Contains("ship", StringComparison.Ordinal));
        Assert.Empty(bobBrowser.All($"li[data-message-nr='{sent.Nr}'] button[aria-label='Delete message']"));

        // Every message once, in flow order, in both pages.
        foreach (var page in new[] { alice, bob })
        {
            var numbers = page.Messages().Select(m => m.Nr).ToList();
            Assert.Equal(3, numbers.Count);
            Assert.Equal(numbers.Order().Distinct(), numbers);
        }

        // A reload comes back to the same conversation, still logged in ("remember me").
        aliceBrowser.Driver.Navigate().Refresh();
        aliceBrowser.Wait(() => aliceBrowser.Text("#conversation-title") == "Release planning", "the conversation after a reload");
        alice.WaitForMessage(m => m.Nr == reply.Nr && m.Body == "Friday works for me too", "history after a reload");

        Assert.Empty(aliceBrowser.ConsoleErrors());
        Assert.Empty(bobBrowser.ConsoleErrors());
    }

    [Fact]
    public void A_refused_call_shows_fleeps_error_message()
    {
        using var browser = new Browser(server.BaseAddress);
        browser.Open("/");
        browser.Find("input[name=email]").SendKeys(BrowserServerFixture.NewEmail("nobody"));
        browser.Find("input[name=password]").SendKeys("wrong password");
        browser.Find("form.card button[type=submit]").Click();

        var alert = browser.Wait(() => browser.All("form.card [role=alert]").FirstOrDefault(), "the login error");
        browser.Screenshot("login-error");
        Assert.Equal("Incorrect email or password", alert.Text.TrimEnd('.'));
        Assert.Equal("Log in", browser.Text("#auth-title"));

        // The only console line is the browser's own note of the refused request.
        Assert.All(browser.ConsoleErrors(), e => Assert.Contains("api/account/login", e));
    }

    [Fact]
    public void A_narrow_screen_shows_one_pane_at_a_time()
    {
        using var browser = new Browser(server.BaseAddress);
        browser.SetWindowSize(400, 800);
        var page = new ChatPage(browser);
        page.Register("Narrow Person", BrowserServerFixture.NewEmail("narrow"), Password);
        Assert.True(browser.Find("nav[aria-label=Conversations]").Displayed);

        page.CreateConversation("Small screen", BrowserServerFixture.NewEmail("friend"));
        Assert.False(browser.All("nav[aria-label=Conversations]").Single().Displayed);
        page.Send("fits");
        page.WaitForMessage(m => m.Body == "fits", "the message");
        browser.Screenshot("narrow-conversation");
        var width = Convert.ToInt64(browser.Script("return document.documentElement.scrollWidth"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(width <= 400, $"the page is {width}px wide");

        browser.Find("button[aria-label='Back to conversations']").Click();
        browser.Wait(() => browser.All("nav[aria-label=Conversations]").Single().Displayed, "the list again");
        Assert.Empty(browser.ConsoleErrors());
    }
}
