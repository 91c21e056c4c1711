using OpenQA.Selenium;

namespace FleepServer.BrowserTests;

/// <summary>A search result as shown: its conversation's topic, author, text and the conversation it opens.</summary>
public sealed record ShownResult(string Topic, string Author, string Text, string ConversationId, IReadOnlyList<string> Marked);

/// <summary>A message on a board panel: its flow number and body text.</summary>
public sealed record BoardEntry(int Nr, string Author, string Body);

/// <summary>Search, pins, tasks and the board panels, as a person uses them: through the page's labelled controls.</summary>
public static class BoardPageActions
{
    /// <summary>Types the keywords into the top bar's search box, submits and waits for the answer.</summary>
    public static void Search(this ChatPage page, string keywords)
    {
        var browser = page.Browser;
        var box = browser.Find("form[role=search] input[type=search]");
        Assert.Equal("Search messages", browser.Script("return arguments[0].labels[0].textContent", box));
        // Select and delete what the box holds, as a person does (a cleared value would not reach the page's state).
        box.SendKeys(Keys.Control + "a");
        box.SendKeys(Keys.Backspace);
        box.SendKeys(keywords);
        box.SendKeys(Keys.Enter);
        // Done when the summary names these keywords, or Fleep's error is shown.
        browser.Wait(() => browser.All("section.search-results[aria-busy=false]").Count == 1
            && (browser.Text("section.search-results .search-summary").Contains($"“{keywords}”", StringComparison.Ordinal)
                || browser.All("section.search-results [role=alert]").Count > 0),
            $"the search results for {keywords}");
    }

    /// <summary>What the results say about themselves ("2 messages found for …", "No messages found for …").</summary>
    public static string SearchSummary(this ChatPage page) => page.Browser.Text("section.search-results .search-summary");

    public static IReadOnlyList<ShownResult> SearchResults(this ChatPage page) =>
        page.Browser.All("section.search-results a.search-result").Select(a => new ShownResult(
            a.FindElement(By.CssSelector(".search-topic")).Text,
            a.FindElement(By.CssSelector(".search-author")).Text,
            a.FindElement(By.CssSelector(".search-text")).Text,
            a.GetAttribute("data-conversation-id")!,
            a.FindElements(By.CssSelector(".search-text mark")).Select(m => m.Text).ToList())).ToList();

    /// <summary>Clicks the result whose text contains <paramref name="text"/>.</summary>
    public static void OpenSearchResult(this ChatPage page, string text) =>
        page.Browser.Wait(() => page.Browser.All("section.search-results a.search-result")
            .FirstOrDefault(a => a.FindElement(By.CssSelector(".search-text")).Text.Contains(text, StringComparison.Ordinal)), $"the result {text}").Click();

    /// <summary>Clicks the action <paramref name="label"/> (its accessible name) on the message <paramref name="nr"/> of the history.</summary>
    public static void MessageAction(this ChatPage page, int nr, string label) =>
        page.Browser.Click($"ol.messages li.message[data-message-nr='{nr}'] .board-actions button[aria-label='{label}']");

    /// <summary>The board label beside the message's time: Pinned, Task, Done or "".</summary>
    public static string MessageBadge(this ChatPage page, int nr)
    {
        var badges = page.MessageItem(nr).FindElements(By.CssSelector(".board-badge"));
        return badges.Count == 0 ? "" : badges[0].Text;
    }

    public static void OpenPinboard(this ChatPage page) => OpenBoard(page, "pinboard", "Pinboard");

    public static void OpenTaskboard(this ChatPage page) => OpenBoard(page, "taskboard", "Taskboard");

    private static void OpenBoard(ChatPage page, string kind, string title)
    {
        var browser = page.Browser;
        var toggle = browser.Find($"header.conv-header button.{kind}-toggle");
        if (toggle.GetAttribute("aria-expanded") != "true")
        {
            toggle.Click();
        }

        browser.Wait(() => browser.Text("#board-title") == title && browser.All("#board-panel[aria-busy=false]").Count == 1, $"the {title}, loaded");
    }

    /// <summary>The entries of the open board's list <paramref name="list"/> (pins, tasks-open, tasks-done).</summary>
    public static IReadOnlyList<BoardEntry> BoardEntries(this ChatPage page, string list) =>
        page.Browser.All($"#board-panel ol.{list} li.board-entry").Select(li => new BoardEntry(
            int.Parse(li.GetAttribute("data-message-nr")!),
            li.FindElement(By.CssSelector(".author")).Text,
            li.FindElement(By.CssSelector(".body")).Text)).ToList();

    /// <summary>Clicks the action <paramref name="label"/> on the board entry of message <paramref name="nr"/>.</summary>
    public static void BoardAction(this ChatPage page, int nr, string label) =>
        page.Browser.Click($"#board-panel li.board-entry[data-message-nr='{nr}'] button[aria-label='{label}']");
}
