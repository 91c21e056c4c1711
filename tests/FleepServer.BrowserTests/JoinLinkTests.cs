using FleepServer.Tests.Infrastructure;

namespace FleepServer.BrowserTests;

/// <summary>
/// Join links: a conversation's link is turned on in its settings and opened by someone else, who
/// logs in on the way and lands in the conversation; a team's link joins its team; a link that
/// does not (or no longer) let anyone in shows Fleep's error.
/// </summary>
public sealed class JoinLinkTests(BrowserServerFixture server) : IClassFixture<BrowserServerFixture>
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(1);
    private const string Password = "correct horse battery";

    [Fact]
    public async Task A_conversations_join_link_from_its_settings_lets_a_logged_out_person_in_after_logging_in()
    {
        var aliceEmail = BrowserServerFixture.NewEmail("alice");
        var bobEmail = BrowserServerFixture.NewEmail("bob");
        using (var api = server.NewClient())
        {
            await api.RegisterAsync(aliceEmail, Password, "Alice Host");
            await api.RegisterAsync(bobEmail, Password, "Bob Visitor");
        }

        using var aliceBrowser = new Browser(server.BaseAddress);
        using var bobBrowser = new Browser(server.BaseAddress);
        var alice = new ChatPage(aliceBrowser);
        var bob = new ChatPage(bobBrowser);
        alice.LogIn(aliceEmail, Password);
        alice.CreateConversation("Open door");
        alice.Send("Welcome, whoever comes");
        alice.WaitForMessage(m => m.Body == "Welcome, whoever comes", "Alice's message");

        // The link appears once it is turned on.
        aliceBrowser.Find("button.settings-toggle").Click();
        Assert.Empty(aliceBrowser.All("input[name=autojoin_url]"));
        aliceBrowser.Find("input[name=is_autojoin]").Click();
        var link = aliceBrowser.Wait(() => aliceBrowser.All("input[name=autojoin_url]").FirstOrDefault()?.GetAttribute("value"), "the join link");
        Assert.Matches(@"/chat/[A-Za-z0-9_-]+$", link);
        Assert.StartsWith(server.BaseAddress.GetLeftPart(UriPartial.Authority), link);

        // Bob has no session: the link asks him to log in first, then joins and opens the conversation.
        bobBrowser.Driver.Navigate().GoToUrl(link);
        bobBrowser.Wait(() => bobBrowser.Text("#auth-title") == "Log in", "the login form for the link");
        Assert.Equal("Log in to join the conversation.", bobBrowser.Text("form.card [role=status]"));
        bobBrowser.Find("input[name=email]").SendKeys(bobEmail);
        bobBrowser.Find("input[name=password]").SendKeys(Password);
        bobBrowser.Find("form.card button[type=submit]").Click();
        bobBrowser.Wait(() => bobBrowser.Text("#conversation-title") == "Open door", "the joined conversation open in Bob's page");
        Assert.Matches(@"^/c/[0-9a-f-]{36}$", new Uri(bobBrowser.Driver.Url).AbsolutePath);
        // The history before he joined stays hidden (the conversation does not disclose it).
        bobBrowser.Wait(() => bobBrowser.All("ol.messages li.system .text").Any(t => t.Text == "Bob Visitor joined the conversation."), "Bob's join in his page");
        Assert.Empty(bob.Messages());
        bob.WaitForConversation("Open door");

        // Alice sees Bob come in and hears him.
        aliceBrowser.Wait(() => aliceBrowser.All("ol.messages li.system .text").Any(t => t.Text == "Bob Visitor joined the conversation."),
            "Bob's join in Alice's page", Live + Live);
        bob.Send("Hello from the link");
        alice.WaitForMessage(m => m.Body == "Hello from the link" && m.Author == "Bob Visitor", "Bob's message in Alice's page", Live + Live);

        // Turned off, the same link lets nobody else in: Fleep's error on the link's page.
        aliceBrowser.Find("input[name=is_autojoin]").Click();
        aliceBrowser.Wait(() => aliceBrowser.All("input[name=autojoin_url]").Count == 0, "the link hidden once turned off");
        using var carolBrowser = new Browser(server.BaseAddress);
        var carol = new ChatPage(carolBrowser);
        carol.Register("Carol Late", BrowserServerFixture.NewEmail("carol"), Password);
        carolBrowser.Driver.Navigate().GoToUrl(link);
        var alert = carolBrowser.Wait(() => carolBrowser.All(".link-page [role=alert]").FirstOrDefault(), "the refused link's error");
        Assert.False(string.IsNullOrWhiteSpace(alert.Text));
        Assert.DoesNotContain("The server answered", alert.Text);
        carolBrowser.Find(".link-page button.link").Click();
        carol.WaitForList();
        Assert.Empty(carol.Conversations());

        Assert.Empty(aliceBrowser.ConsoleErrors());
        Assert.Empty(bobBrowser.ConsoleErrors());
        Assert.All(carolBrowser.ConsoleErrors(), e => Assert.Contains("api/conversation/autojoin", e));
    }

    [Fact]
    public async Task A_teams_join_link_makes_the_person_a_member_of_the_team()
    {
        var ownerEmail = BrowserServerFixture.NewEmail("owner");
        var joinerEmail = BrowserServerFixture.NewEmail("joiner");
        using var owner = server.NewClient();
        await owner.RegisterAsync(ownerEmail, Password, "Team Owner");
        using (var api = server.NewClient())
        {
            await api.RegisterAsync(joinerEmail, Password, "Team Joiner");
        }

        await owner.LoginAsync(ownerEmail, Password);
        var created = (await owner.PostAsync("/api/team/create", new { team_name = "Night shift", is_autojoin = true })).EnsureOk();
        var teams = created.Stream().Where(r => r.Str("mk_rec_type") == "team").ToList();
        Assert.Single(teams);
        var link = teams[0].Str("autojoin_url");
        var teamId = teams[0].GetProperty("team_id").GetGuid();

        using var browser = new Browser(server.BaseAddress);
        var joiner = new ChatPage(browser);
        joiner.LogIn(joinerEmail, Password);
        browser.Driver.Navigate().GoToUrl(link);
        browser.Wait(() => browser.Text(".link-page [role=status].done") == "You are now a member of the team Night shift.", "the joined team");
        browser.Find(".link-page button.link").Click();
        joiner.WaitForList();
        Assert.Equal("/", new Uri(browser.Driver.Url).AbsolutePath);

        var members = (await owner.PostAsync($"/api/team/sync/{teamId}")).EnsureOk().Stream().Where(r => r.Str("mk_rec_type") == "team").ToList();
        Assert.Single(members);
        Assert.Equal(2, members[0].Ids("members").Count);
        Assert.Empty(browser.ConsoleErrors());
    }
}
