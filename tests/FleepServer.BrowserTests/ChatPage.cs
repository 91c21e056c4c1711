using System.Diagnostics;
using OpenQA.Selenium;

namespace FleepServer.BrowserTests;

/// <summary>A shown message: its flow number, author, body text and whether it was deleted.</summary>
public sealed record ShownMessage(int Nr, string Author, string Body, bool Deleted, bool Edited);

/// <summary>What a person does in the web client, as they do it: through the page's labelled controls.</summary>
public sealed class ChatPage(Browser browser)
{
    public Browser Browser => browser;

    public void Register(string displayName, string email, string password)
    {
        browser.Open("/");
        browser.Find("form.card button.link").Click();
        browser.Wait(() => browser.Text("#auth-title") == "Create an account", "the registration form");
        browser.Find("input[name=display_name]").SendKeys(displayName);
        browser.Find("input[name=email]").SendKeys(email);
        browser.Find("input[name=password]").SendKeys(password);
        browser.Find("form.card button[type=submit]").Click();
        WaitForList();
    }

    public void LogIn(string email, string password, bool remember = false)
    {
        browser.Open("/");
        browser.Wait(() => browser.Text("#auth-title") == "Log in", "the login form");
        browser.Find("input[name=email]").SendKeys(email);
        browser.Find("input[name=password]").SendKeys(password);
        if (remember)
        {
            browser.Find("input[name=remember_me]").Click();
        }

        browser.Find("form.card button[type=submit]").Click();
        WaitForList();
    }

    /// <summary>Logged in and the first sync done: the list (or its "no conversations" line) is shown.</summary>
    public void WaitForList() =>
        browser.Wait(() => browser.All("nav[aria-label=Conversations][aria-busy=false]").Count > 0, "the conversation list, synced");

    public void LogOut()
    {
        browser.Find("header.top button.logout").Click();
        browser.Wait(() => browser.Text("#auth-title") == "Log in", "the login form after logging out");
    }

    public void CreateConversation(string topic, params string[] emails)
    {
        browser.Find("button.new").Click();
        browser.Find("input[name=topic]").SendKeys(topic);
        browser.Find("input[name=emails]").SendKeys(string.Join(", ", emails));
        browser.Find("form.create button[type=submit]").Click();
        browser.Wait(() => browser.Text("#conversation-title") == topic, $"the new conversation {topic}");
    }

    /// <summary>The conversation list's entries: topic and unread count.</summary>
    public IReadOnlyList<(string Topic, int Unread)> Conversations() =>
        browser.All("button.conv").Select(b =>
        {
            var badge = b.FindElements(By.CssSelector(".badge"));
            return (b.FindElement(By.CssSelector(".topic")).Text, badge.Count == 0 ? 0 : int.Parse(badge[0].Text));
        }).ToList();

    public void WaitForConversation(string topic, TimeSpan? timeout = null) =>
        browser.Wait(() => Conversations().Any(c => c.Topic == topic), $"conversation {topic} in the list", timeout);

    public void Open(string topic)
    {
        WaitForConversation(topic);
        browser.Wait(() => browser.All("button.conv").FirstOrDefault(b => b.FindElement(By.CssSelector(".topic")).Text == topic), $"conversation {topic}")
            .Click();
        browser.Wait(() => browser.Text("#conversation-title") == topic, $"conversation {topic} open");
    }

    public IWebElement Composer => browser.Find("textarea[name=message]");

    /// <summary>Types the text (Shift+Enter for each line break) and presses Enter.</summary>
    public void Send(string text)
    {
        var composer = Composer;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            composer.SendKeys(lines[i]);
            if (i < lines.Length - 1)
            {
                composer.SendKeys(Keys.Shift + Keys.Enter + Keys.Shift);
            }
        }

        composer.SendKeys(Keys.Enter);
    }

    public IReadOnlyList<ShownMessage> Messages() =>
        browser.All("ol.messages li.message:not(.system)").Select(li => new ShownMessage(
            int.Parse(li.GetAttribute("data-message-nr")!),
            li.FindElement(By.CssSelector(".author")).Text,
            li.FindElement(By.CssSelector(".body")).Text,
            li.GetAttribute("class")!.Contains("deleted"),
            li.FindElements(By.CssSelector(".edited")).Count > 0)).ToList();

    /// <summary>Waits until a message satisfies <paramref name="match"/>; returns it and how long that took.</summary>
    public (ShownMessage Message, TimeSpan Took) WaitForMessage(Func<ShownMessage, bool> match, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var message = browser.Wait(() => Messages().FirstOrDefault(match), what, timeout);
        return (message, clock.Elapsed);
    }

    public IWebElement MessageItem(int nr) => browser.Find($"ol.messages li.message[data-message-nr='{nr}']");
}
