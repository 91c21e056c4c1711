using FleepServer.Tests.Infrastructure;

namespace FleepServer.BrowserTests;

/// <summary>
/// The list's kinds of conversations: muted (marked, not in the title's count), archived (a group
/// of its own, back in the list with the next message, as hidden conversations are), 1:1 (the
/// other person's name), and the label and team filters.
/// </summary>
public sealed class ListKindsTests(BrowserServerFixture server) : IClassFixture<BrowserServerFixture>
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(3);
    private const string Password = "correct horse battery";
    private const string Payload = "<img src=x onerror=alert(1)>";

    private async Task<(FleepTestClient Api, string Email)> AccountAsync(string name, string displayName)
    {
        var email = BrowserServerFixture.NewEmail(name);
        var api = server.NewClient();
        await api.RegisterAsync(email, Password, displayName);
        await api.LoginAsync(email, Password);
        return (api, email);
    }

    [Fact]
    public async Task A_muted_conversation_is_marked_and_left_out_of_the_title_count()
    {
        var (aliceApi, aliceEmail) = await AccountAsync("alice", "Alice Muter");
        var (bobApi, _) = await AccountAsync("bob", "Bob Poster");
        using var _a = aliceApi;
        using var _b = bobApi;
        var loud = await bobApi.CreateConversationAsync("Loud", aliceApi);
        var quiet = await bobApi.CreateConversationAsync("Quiet", aliceApi);
        (await bobApi.SendAsync(loud, "one")).EnsureOk();
        (await bobApi.SendAsync(quiet, "two")).EnsureOk();

        using var browser = new Browser(server.BaseAddress);
        var alice = new ChatPage(browser);
        alice.LogIn(aliceEmail, Password);
        browser.Wait(() => alice.Title() == "(2) Fleep", "two unread in the title");

        // Mute Quiet in its settings panel: its row says so.
        alice.Open("Quiet");
        alice.PressListSetting("Mute");
        browser.Wait(() => alice.Row("Quiet")?.GetAttribute("class")!.Contains("muted") == true, "Quiet's row marked muted", Soon);
        Assert.Contains("Muted", alice.Row("Quiet")!.Text);
        Assert.DoesNotContain("Muted", alice.Row("Loud")!.Text);
        browser.Wait(() => browser.All(".list-settings button[aria-pressed=true]").Any(b => b.Text == "Unmute"), "the Unmute button");

        // New messages in the muted conversation show in its row but not in the title.
        alice.Open("Loud");
        browser.Wait(() => alice.Title() == "Fleep", "nothing unread");
        (await bobApi.SendAsync(quiet, "three")).EnsureOk();
        (await bobApi.SendAsync(quiet, "four")).EnsureOk();
        browser.Wait(() => alice.Conversations().Contains(("Quiet", 2)), "two unread in Quiet's row", Soon);
        Assert.Equal("Quiet, muted, 2 unread", alice.Row("Quiet")!.GetAttribute("aria-label"));
        var other = await bobApi.CreateConversationAsync("Other", aliceApi);
        (await bobApi.SendAsync(other, "five")).EnsureOk();
        browser.Wait(() => alice.Conversations().Contains(("Other", 1)), "one unread in Other's row", Soon);
        browser.Wait(() => alice.Title() == "(1) Fleep", "only Other counted in the title");

        // Still muted after a reload; unmuting counts it again.
        browser.Driver.Navigate().Refresh();
        alice.WaitForList();
        browser.Wait(() => alice.Row("Quiet")?.GetAttribute("class")!.Contains("muted") == true, "Quiet still muted after a reload");
        browser.Wait(() => alice.Title() == "(1) Fleep", "the title after a reload");
        Assert.Equal("true", (await aliceApi.HeaderAsync(quiet)).GetProperty("is_muted").GetRawText());

        Assert.Empty(browser.ConsoleErrors());
    }

    [Fact]
    public async Task An_archived_conversation_is_in_the_archived_group_and_returns_with_a_new_message()
    {
        var (aliceApi, aliceEmail) = await AccountAsync("alice", "Alice Archiver");
        var (bobApi, _) = await AccountAsync("bob", "Bob Poster");
        using var _a = aliceApi;
        using var _b = bobApi;
        var old = await bobApi.CreateConversationAsync("Old news", aliceApi);
        await bobApi.CreateConversationAsync("Current", aliceApi);
        (await bobApi.SendAsync(old, "old")).EnsureOk();

        using var browser = new Browser(server.BaseAddress);
        var alice = new ChatPage(browser);
        alice.LogIn(aliceEmail, Password);
        alice.Open("Old news");
        alice.PressListSetting("Archive");

        // Out of the list, into the archived group.
        browser.Wait(() => !alice.MainTopics().Contains("Old news"), "Old news gone from the main list", Soon);
        Assert.Contains("Current", alice.MainTopics());
        alice.OpenArchived();
        Assert.Equal(["Old news"], alice.ArchivedTopics());
        Assert.Equal("Archived (1)", browser.Text("button.archived-toggle"));
        browser.Wait(() => browser.All(".list-settings button").Any(b => b.Text == "Unarchive"), "the Unarchive button");
        browser.Screenshot("list-kinds");

        // After a reload (the first sync leaves hidden conversations out) the group loads them.
        browser.Open("/");
        alice.WaitForList();
        Assert.DoesNotContain("Old news", alice.MainTopics());
        Assert.Empty(alice.ArchivedTopics());
        alice.OpenArchived();
        browser.Wait(() => alice.ArchivedTopics().SequenceEqual(["Old news"]), "Old news in the archived group after a reload");

        // A new message brings it back to the list, unread, as a hidden conversation comes back.
        (await bobApi.SendAsync(old, "news again")).EnsureOk();
        browser.Wait(() => alice.Conversations().Contains(("Old news", 1)) && alice.MainTopics().Contains("Old news"), "Old news back in the list with one unread", Soon);
        Assert.Empty(alice.ArchivedTopics());
        Assert.Equal(0, (await aliceApi.HeaderAsync(old)).GetProperty("labels").EnumerateArray().Count(l => l.GetString() == "Archived"));

        // Archive and unarchive through the panel.
        alice.Open("Old news");
        alice.PressListSetting("Archive");
        browser.Wait(() => alice.ArchivedTopics().SequenceEqual(["Old news"]), "archived again", Soon);
        alice.PressListSetting("Unarchive");
        browser.Wait(() => alice.MainTopics().Contains("Old news") && alice.ArchivedTopics().Count == 0, "unarchived", Soon);
        Assert.Equal(0L, (await aliceApi.HeaderAsync(old)).GetProperty("hide_message_nr").GetInt64());

        Assert.Empty(browser.ConsoleErrors());
    }

    [Fact]
    public async Task A_dialog_shows_the_other_name_and_labels_and_teams_filter_the_list()
    {
        var (aliceApi, aliceEmail) = await AccountAsync("alice", "Alice Sorter");
        var (bobApi, bobEmail) = await AccountAsync("bob", $"Bob {Payload}");
        using var _a = aliceApi;
        using var _b = bobApi;
        var teamRoom = await aliceApi.CreateConversationAsync("Team room", bobApi);
        await aliceApi.CreateConversationAsync("Tagged", bobApi);
        (await aliceApi.PostAsync("/api/team/create", new { team_name = $"Team {Payload}", account_ids = new[] { bobApi.AccountId }, conversations = new[] { teamRoom } })).EnsureOk();

        using var browser = new Browser(server.BaseAddress);
        var alice = new ChatPage(browser);
        alice.LogIn(aliceEmail, Password);

        // A conversation with Bob and no topic is a 1:1: the row names Bob, as text.
        browser.Find("button.new").Click();
        browser.Find("input[name=emails]").SendKeys(bobEmail);
        browser.Find("form.create button[type=submit]").Click();
        browser.Wait(() => browser.Text("#conversation-title") == $"Bob {Payload}", "the dialog open");
        var dialog = browser.Wait(() => alice.Row($"Bob {Payload}"), "the dialog's row", Soon);
        Assert.Contains("dialog", dialog.GetAttribute("class"));
        Assert.Contains("1:1", dialog.Text);
        Assert.Equal($"Bob {Payload}, 1:1", dialog.GetAttribute("aria-label"));
        Assert.DoesNotContain("1:1", alice.Row("Tagged")!.Text);

        // A label given in the settings panel becomes a filter.
        alice.Open("Tagged");
        alice.SetLabels("Project X");
        browser.Wait(() => alice.LabelChoices().Contains("Project X"), "the new label among the filters", Soon);
        alice.FilterByLabel("Project X");
        browser.Wait(() => alice.MainTopics().SequenceEqual(["Tagged"]), "only Tagged under Project X", Soon);
        alice.FilterByLabel("1:1 Conversations");
        browser.Wait(() => alice.MainTopics().SequenceEqual([$"Bob {Payload}"]), "only the dialog under 1:1 Conversations", Soon);
        alice.FilterByLabel("All conversations");
        browser.Wait(() => alice.MainTopics().Count == 3, "every conversation again", Soon);

        // The team is listed and filters the list to its conversations.
        browser.Wait(() => alice.Teams().SequenceEqual([$"Team {Payload}"]), "the team in the left pane", Soon);
        alice.ToggleTeam($"Team {Payload}");
        browser.Wait(() => alice.MainTopics().SequenceEqual(["Team room"]), "only the team's conversation", Soon);
        alice.ToggleTeam($"Team {Payload}");
        browser.Wait(() => alice.MainTopics().Count == 3, "every conversation after the team filter is off", Soon);

        Assert.False(browser.HasAlert());
        Assert.Empty(browser.All("img"));
        Assert.Equal(0L, browser.Script("return document.querySelectorAll('[onerror]').length"));
        Assert.Empty(browser.ConsoleErrors());
    }
}
