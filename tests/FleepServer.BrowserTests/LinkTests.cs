using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.BrowserTests;

/// <summary>
/// The links the server mails, opened in a browser as a person opens them from the mail: the
/// mail arrives at the suite's SMTP receiver, its link is opened, the page does what the link
/// stands for, and the result is checked through the API (docs/web-client.md, "Mailed links").
/// </summary>
public sealed class LinkTests(MailLinkFixture server) : IClassFixture<MailLinkFixture>
{
    private const string Password = "correct horse battery";
    private const string InvalidNotification = "This link is not valid any more. Please ask for a new one.";

    private async Task<FleepTestClient> AccountAsync(string name)
    {
        var client = server.NewClient();
        var email = BrowserServerFixture.NewEmail(name.ToLowerInvariant());
        await client.RegisterAsync(email, Password, name);
        await client.LoginAsync(email, Password);
        return client;
    }

    /// <summary>The error the page shows (its alert), once one is shown.</summary>
    private static string ShownError(Browser browser) =>
        browser.Wait(() => browser.Text("[role=alert]") is { Length: > 0 } text ? text : null, "an error on the page");

    private static string Interval(FleepResponse configure) =>
        configure.EnsureOk().Json.GetProperty("profiles")[0].GetProperty("mk_email_interval").GetString()!;

    [Fact]
    public async Task The_mailed_reset_link_sets_a_new_password_and_the_page_logs_in_with_it()
    {
        using var alice = await AccountAsync("Alice");
        using var anonymous = server.NewClient();
        (await anonymous.PostAsync("/api/account/reset_password", new { email = alice.Email }, withTicket: false)).EnsureOk();
        var mail = await server.Smtp.WaitForAsync(alice.Email, m => m.Subject == "Reset your password");
        var link = MailLinkFixture.Link(mail, "/reset_password?");

        using var browser = new Browser(server.BaseAddress);
        browser.Open(link.AbsoluteUri);
        browser.Wait(() => browser.Text("#link-title") == "Choose a new password", "the reset form");

        // Two different passwords are not sent.
        browser.Find("input[name=new_password]").SendKeys("a new secret");
        browser.Find("input[name=new_password_again]").SendKeys("a new secreT");
        browser.Click("form.card button[type=submit]");
        Assert.Equal("The two passwords are not the same.", ShownError(browser));
        (await server.NewClient().PostAsync("/api/account/login", new { email = alice.Email, password = Password }, withTicket: false)).EnsureOk();

        browser.Find("input[name=new_password_again]").Clear();
        browser.Find("input[name=new_password_again]").SendKeys("a new secret");
        browser.Click("form.card button[type=submit]");
        browser.Wait(() => browser.Text("#auth-title") == "Log in", "the login form after the change");
        Assert.Equal("Your password has been changed. Log in with your new password.", browser.Text("[role=status]"));
        Assert.Equal("/", new Uri(browser.Driver.Url).AbsolutePath);

        // The old password is gone and so is the session that used it.
        (await server.NewClient().PostAsync("/api/account/login", new { email = alice.Email, password = Password }, withTicket: false))
            .AssertError(431);
        (await alice.PostAsync("/api/account/sync")).AssertError(401);

        // Logging in with the new one, in the same page.
        browser.Find("input[name=email]").SendKeys(alice.Email);
        browser.Find("input[name=password]").SendKeys("a new secret");
        browser.Click("form.card button[type=submit]");
        new ChatPage(browser).WaitForList();
        browser.Wait(() => browser.Text("header.top .me") == "Alice", "Alice logged in");

        // The link is used: opened again, the page shows Fleep's message.
        browser.Open(link.AbsoluteUri);
        browser.Find("input[name=new_password]").SendKeys("yet another one");
        browser.Find("input[name=new_password_again]").SendKeys("yet another one");
        browser.Click("form.card button[type=submit]");
        Assert.Equal(InvalidNotification, ShownError(browser));
        using var again = server.NewClient();
        await again.LoginAsync(alice.Email, "a new secret");

        Assert.All(browser.ConsoleErrors(), e => Assert.Contains("api/account/confirm_password", e));
    }

    [Fact]
    public async Task The_digests_unsubscribe_link_stops_digest_mails()
    {
        using var alice = await AccountAsync("Alice");
        using var bob = await AccountAsync("Bob");
        Assert.NotEqual("never", Interval(await bob.PostAsync("/api/account/configure")));
        var conversation = await alice.CreateConversationAsync("Digest", bob);
        (await alice.SendAsync(conversation, "are you there?")).EnsureOk();
        server.Clock.Advance(TimeSpan.FromMinutes(61));
        var digest = await server.Smtp.WaitForAsync(bob.Email);
        var link = MailLinkFixture.Link(digest, "/unsubscribe?");

        using var browser = new Browser(server.BaseAddress);
        browser.Open(link.AbsoluteUri);
        browser.Wait(() => browser.Text("#link-title") == "Digest mails", "the unsubscribe page");
        Assert.NotEqual("never", Interval(await bob.PostAsync("/api/account/configure")));
        browser.Click("form.card button[type=submit]");
        browser.Wait(() => browser.Text(".done") == "You will get no more digest mails.", "the confirmation");
        Assert.Equal("never", Interval(await bob.PostAsync("/api/account/configure")));

        // The interval link of the same digest chooses another.
        browser.Open(MailLinkFixture.Link(digest, "/email_interval?").PathAndQuery);
        browser.Click("input[name=email_interval][value=hourly]");
        browser.Click("form.card button[type=submit]");
        browser.Wait(() => browser.Text(".done") == "Digest mails will now come hourly.", "the interval's confirmation");
        Assert.Equal("hourly", Interval(await bob.PostAsync("/api/account/configure")));

        Assert.Empty(browser.ConsoleErrors());
    }

    [Theory]
    [InlineData("/confirm?notification_id=0123456789abcdef0123456789abcdef", null, "api/account/confirm")]
    [InlineData("/register?notification_id=0123456789abcdef0123456789abcdef", null, "api/account/prepare/v2")]
    [InlineData("/unsubscribe?notification_id=0123456789abcdef0123456789abcdef", "form.card button[type=submit]", "api/account/unsubscribe")]
    [InlineData("/email_interval?notification_id=0123456789abcdef0123456789abcdef", "form.card button[type=submit]",
        "api/account/configure_email_interval")]
    public async Task A_bad_id_shows_fleeps_error_message(string path, string? button, string call)
    {
        // What the API answers for that id is what the page shows.
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(server.BaseAddress, path).Query);
        var answer = await server.NewClient().PostAsync("/" + call,
            new { notification_id = query["notification_id"], email_interval = "daily" }, withTicket: false);
        answer.AssertError(431, "invalid_notification");
        Assert.Equal(InvalidNotification, answer.Json.GetProperty("error_message").GetString());

        using var browser = new Browser(server.BaseAddress);
        browser.Open(path);
        if (button is not null)
        {
            browser.Click(button);
        }

        Assert.Equal(InvalidNotification, ShownError(browser));
        Assert.All(browser.ConsoleErrors(), e => Assert.Contains(call, e));
    }

    [Fact]
    public async Task The_invitation_link_creates_the_account_and_opens_its_conversation()
    {
        using var alice = await AccountAsync("Alice");
        var invitee = BrowserServerFixture.NewEmail("carol");
        (await alice.PostAsync("/api/conversation/create", new { topic = "Welcome aboard", emails = invitee, is_invite = true })).EnsureOk();
        var mail = await server.Smtp.WaitForAsync(invitee);
        var link = MailLinkFixture.Link(mail, "/register?");

        using var browser = new Browser(server.BaseAddress);
        browser.Open(link.AbsoluteUri);
        browser.Wait(() => browser.Text("#link-title") == "Create your account", "the registration form");
        browser.Find("input[name=display_name]").SendKeys("Carol Example");
        browser.Find("input[name=password]").SendKeys(Password);
        browser.Click("form.card button[type=submit]");
        var page = new ChatPage(browser);
        page.WaitForList();
        page.WaitForConversation("Welcome aboard");
        Assert.Equal("/", new Uri(browser.Driver.Url).AbsolutePath);
        browser.Wait(() => browser.Text("header.top .me") == "Carol Example", "Carol logged in");

        using var carol = server.NewClient();
        var login = await carol.LoginAsync(invitee, Password);
        Assert.Equal("active", login.Json.GetProperty("mk_account_status").GetString());

        // The link is used now.
        browser.Open(link.AbsoluteUri);
        Assert.Equal(InvalidNotification, ShownError(browser));
        Assert.All(browser.ConsoleErrors(), e => Assert.Contains("api/account/prepare/v2", e));
    }

    [Fact]
    public async Task The_alias_link_asks_the_owner_to_log_in_then_adds_the_address()
    {
        using var bob = await AccountAsync("Bob");
        var address = BrowserServerFixture.NewEmail("bob.work");
        (await bob.PostAsync("/api/alias/add", new { emails = address })).EnsureOk();
        var mail = await server.Smtp.WaitForAsync(address);
        var link = MailLinkFixture.Link(mail, "/alias/confirm?");

        using var browser = new Browser(server.BaseAddress);
        browser.Open(link.AbsoluteUri);
        browser.Wait(() => browser.Text("#auth-title") == "Log in", "the login form first");
        Assert.Equal("Log in to add the address to your account.", browser.Text("[role=status]"));
        browser.Find("input[name=email]").SendKeys(bob.Email);
        browser.Find("input[name=password]").SendKeys(Password);
        browser.Click("form.card button[type=submit]");
        browser.Wait(() => browser.Text(".done") == $"{address} is now an address of your account.", "the alias added");

        var aliases = (await bob.PostAsync("/api/alias/sync")).EnsureOk().Json.GetProperty("stream").EnumerateArray()
            .Where(c => c.GetProperty("email").GetString() == address).ToList();
        Assert.Single(aliases);
        Assert.Equal("alias", aliases[0].GetProperty("mk_account_status").GetString());

        // On into the client, logged in.
        browser.Click("button.link");
        new ChatPage(browser).WaitForList();
        Assert.Equal("/", new Uri(browser.Driver.Url).AbsolutePath);

        // The link again: used.
        browser.Open(link.AbsoluteUri);
        Assert.Equal(InvalidNotification, ShownError(browser));
        Assert.All(browser.ConsoleErrors(), e => Assert.Contains("api/alias/confirm", e));
    }
}
