using OpenQA.Selenium;

namespace FleepServer.BrowserTests;

/// <summary>
/// Reading "Seen by", writing indicators and the list's kinds (muted, 1:1, archived, labels,
/// teams) in the web client, and the settings panel's mute, archive and labels controls.
/// </summary>
public static class PresencePageActions
{
    /// <summary>The "Seen by …" line under message <paramref name="nr"/>, or "" when there is none.</summary>
    public static string SeenBy(this ChatPage page, int nr) =>
        page.Browser.Text($"ol.messages li.message[data-message-nr='{nr}'] .seen-by");

    /// <summary>Every "Seen by …" line of the open conversation.</summary>
    public static IReadOnlyList<string> SeenByLines(this ChatPage page) =>
        page.Browser.All("ol.messages .seen-by").Select(e => e.Text).ToList();

    /// <summary>The writing indicator below the history ("" when nobody writes).</summary>
    public static string Writing(this ChatPage page) => page.Browser.Text(".conversation .writing");

    /// <summary>The list's row of <paramref name="topic"/> (main list or the open archived group), or null.</summary>
    public static IWebElement? Row(this ChatPage page, string topic, string scope = "nav") =>
        page.Browser.All($"{scope} button.conv").FirstOrDefault(b => b.FindElement(By.CssSelector(".topic")).Text == topic);

    /// <summary>The topics of the main list (not the archived group), in order.</summary>
    public static IReadOnlyList<string> MainTopics(this ChatPage page) =>
        page.Browser.All("ul.convs:not(.archived-list) button.conv .topic").Select(e => e.Text).ToList();

    /// <summary>The topics of the archived group's rows (empty while it is closed).</summary>
    public static IReadOnlyList<string> ArchivedTopics(this ChatPage page) =>
        page.Browser.All("ul.archived-list button.conv .topic").Select(e => e.Text).ToList();

    public static string Title(this ChatPage page) => page.Browser.Driver.Title;

    public static void OpenSettings(this ChatPage page)
    {
        if (page.Browser.All(".settings #settings-title").Count == 0)
        {
            page.Browser.Click("button.settings-toggle");
        }

        page.Browser.Wait(() => page.Browser.Text("#settings-title") == "Conversation settings", "the settings panel");
    }

    /// <summary>Presses a button of the settings panel's mute / archive row by its text.</summary>
    public static void PressListSetting(this ChatPage page, string text)
    {
        page.OpenSettings();
        page.Browser.Wait(() =>
        {
            var button = page.Browser.All(".list-settings button").FirstOrDefault(b => b.Text == text && b.Enabled);
            button?.Click();
            return button is not null;
        }, $"the settings button {text}");
    }

    public static void SetLabels(this ChatPage page, string labels)
    {
        page.OpenSettings();
        var input = page.Browser.Find("input[name=conversation_labels]");
        input.Clear();
        input.SendKeys(labels);
        page.Browser.Click(".list-settings form button[type=submit]");
    }

    /// <summary>Opens the archived group (when closed) and waits until it has loaded.</summary>
    public static void OpenArchived(this ChatPage page)
    {
        var toggle = page.Browser.Find("button.archived-toggle");
        if (toggle.GetAttribute("aria-expanded") != "true")
        {
            toggle.Click();
        }

        page.Browser.Wait(() => page.Browser.Find("button.archived-toggle").GetAttribute("aria-expanded") == "true"
            && page.Browser.All(".archived p.info").All(p => p.Text != "Loading…"), "the archived group, open and loaded");
    }

    /// <summary>The label filter's choices, as shown.</summary>
    public static IReadOnlyList<string> LabelChoices(this ChatPage page) =>
        page.Browser.All("select[name=label_filter] option").Select(o => o.Text).ToList();

    /// <summary>Chooses a label filter by its shown name ("All conversations" for none).</summary>
    public static void FilterByLabel(this ChatPage page, string name)
    {
        page.Browser.Wait(() =>
        {
            var option = page.Browser.All("select[name=label_filter] option").FirstOrDefault(o => o.Text == name);
            option?.Click();
            return option is not null && option.Selected;
        }, $"the label filter {name}");
    }

    /// <summary>The team buttons of the left pane, as shown.</summary>
    public static IReadOnlyList<string> Teams(this ChatPage page) =>
        page.Browser.All(".list-filter button.team").Select(b => b.Text).ToList();

    public static void ToggleTeam(this ChatPage page, string name) =>
        page.Browser.Wait(() =>
        {
            var button = page.Browser.All(".list-filter button.team").FirstOrDefault(b => b.Text == name);
            button?.Click();
            return button is not null;
        }, $"the team {name}");
}
