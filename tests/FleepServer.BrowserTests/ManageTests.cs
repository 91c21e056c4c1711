using System.Diagnostics;
using OpenQA.Selenium;

namespace FleepServer.BrowserTests;

/// <summary>
/// A conversation managed from its settings panel: the topic, members added by address and
/// removed, and leaving; the other member's page follows by itself (the long-poll).
/// </summary>
public sealed class ManageTests(BrowserServerFixture server) : IClassFixture<BrowserServerFixture>
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(1);
    private const string Password = "correct horse battery";

    [Fact]
    public async Task Topic_members_and_leaving_change_through_the_settings_panel_and_reach_the_other_browser()
    {
        var aliceEmail = BrowserServerFixture.NewEmail("alice");
        var bobEmail = BrowserServerFixture.NewEmail("bob");
        var carolEmail = BrowserServerFixture.NewEmail("carol");
        using (var api = server.NewClient())
        {
            await api.RegisterAsync(aliceEmail, Password, "Alice Manager");
            await api.RegisterAsync(bobEmail, Password, "Bob Member");
            await api.RegisterAsync(carolEmail, Password, "Carol Guest");
        }

        using var aliceBrowser = new Browser(server.BaseAddress);
        using var bobBrowser = new Browser(server.BaseAddress);
        var alice = new ChatPage(aliceBrowser);
        var bob = new ChatPage(bobBrowser);
        alice.LogIn(aliceEmail, Password);
        bob.LogIn(bobEmail, Password);

        alice.CreateConversation("Old topic", bobEmail);
        bob.Open("Old topic");

        // Alice changes the topic; Bob's title and list follow within a second.
        aliceBrowser.Find("button.settings-toggle").Click();
        aliceBrowser.Wait(() => aliceBrowser.Text("#settings-title") == "Conversation settings", "the settings panel");
        var topicInput = aliceBrowser.Find("input[name=conversation_topic]");
        Assert.Equal("Old topic", topicInput.GetAttribute("value"));
        topicInput.Clear();
        topicInput.SendKeys("New topic");
        var clock = Stopwatch.StartNew();
        aliceBrowser.Find(".settings button[type=submit]").Click();
        aliceBrowser.Wait(() => aliceBrowser.Text("#conversation-title") == "New topic", "the new topic in Alice's page");
        bobBrowser.Wait(() => bobBrowser.Text("#conversation-title") == "New topic", "the new topic in Bob's page", Live);
        Assert.True(clock.Elapsed <= Live + Live, $"took {clock.Elapsed}");
        bob.WaitForConversation("New topic", Live);
        bobBrowser.Wait(() => bobBrowser.All("ol.messages li.system").Any(li => li.Text == "Alice Manager changed the topic to “New topic”."), "the topic message in Bob's page", Live);

        // A bad address: Fleep's error message, shown as an alert.
        var add = aliceBrowser.Find("input[name=add_emails]");
        add.SendKeys("not an address");
        aliceBrowser.Find("form:has(input[name=add_emails]) button[type=submit]").Click();
        var alert = aliceBrowser.Wait(() => aliceBrowser.All(".settings [role=alert]").FirstOrDefault(), "the error of a bad address");
        Assert.False(string.IsNullOrWhiteSpace(alert.Text));
        Assert.DoesNotContain("The server answered", alert.Text);
        Assert.All(aliceBrowser.ConsoleErrors(), e => Assert.Contains("api/conversation/add_members", e));

        // Carol is added by address, then removed.
        add = aliceBrowser.Find("input[name=add_emails]");
        add.Clear();
        add.SendKeys(carolEmail);
        aliceBrowser.Find("form:has(input[name=add_emails]) button[type=submit]").Click();
        aliceBrowser.Wait(() => aliceBrowser.All(".settings ul.members li").Count == 3, "three members in Alice's panel");
        Assert.Empty(aliceBrowser.All(".settings [role=alert]"));
        Assert.Equal("", aliceBrowser.Find("input[name=add_emails]").GetAttribute("value"));
        bobBrowser.Wait(() => bobBrowser.All("ol.messages li.system").Any(li => li.Text.Contains("added", StringComparison.Ordinal)), "the add message in Bob's page", Live);
        aliceBrowser.Find("button[aria-label='Remove Carol Guest']").Click();
        aliceBrowser.Wait(() => aliceBrowser.All(".settings ul.members li").Count == 2, "two members in Alice's panel again");
        bobBrowser.Wait(() => bobBrowser.All("ol.messages li.system").Any(li => li.Text.Contains("removed", StringComparison.Ordinal)), "the remove message in Bob's page", Live);
        Assert.Equal(2, aliceBrowser.All(".settings ul.members li").Count);
        Assert.Contains(aliceBrowser.All(".settings ul.members li"), li => li.Text.StartsWith("Bob Member", StringComparison.Ordinal));

        // Bob leaves: the conversation is gone from his list; Alice sees that he left.
        bobBrowser.Find("button.settings-toggle").Click();
        bobBrowser.Find(".settings button.danger").Click();
        bobBrowser.Wait(() => bob.Conversations().All(c => c.Topic != "New topic"), "the conversation gone from Bob's list");
        Assert.Empty(bob.Conversations());
        Assert.Empty(bobBrowser.All("#conversation-title"));
        aliceBrowser.Wait(() => aliceBrowser.All("ol.messages li.system").Any(li => li.Text == "Bob Member left the conversation."), "Bob's leave message in Alice's page", Live);
        aliceBrowser.Wait(() => aliceBrowser.All(".settings ul.members li").Count == 1, "Alice alone in the conversation");

        // After a reload Bob's list still leaves it out.
        bobBrowser.Driver.Navigate().Refresh();
        bob.WaitForList();
        Assert.Empty(bob.Conversations());

        Assert.Empty(aliceBrowser.ConsoleErrors());
        Assert.Empty(bobBrowser.ConsoleErrors());
    }
}
