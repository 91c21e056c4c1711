using FleepServer.Tests.Infrastructure;

namespace FleepServer.BrowserTests;

/// <summary>
/// Registering on a server that confirms addresses by mail, all in the browser: the page says to
/// open the mailed link; the link's page confirms the address and the client opens logged in.
/// </summary>
public sealed class ConfirmLinkTests(ConfirmingLinkFixture server) : IClassFixture<ConfirmingLinkFixture>
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task The_mailed_confirmation_link_activates_the_account_and_logs_in()
    {
        var email = BrowserServerFixture.NewEmail("dora");
        using var browser = new Browser(server.BaseAddress);
        browser.Open("/");
        browser.Find("form.card button.link").Click();
        browser.Wait(() => browser.Text("#auth-title") == "Create an account", "the registration form");
        browser.Find("input[name=display_name]").SendKeys("Dora Example");
        browser.Find("input[name=email]").SendKeys(email);
        browser.Find("input[name=password]").SendKeys(Password);
        browser.Click("form.card button[type=submit]");
        browser.Wait(() => browser.Text("[role=status]").StartsWith("Account created.", StringComparison.Ordinal), "the note to open the mail");

        // Not active before the link is opened.
        (await server.NewClient().PostAsync("/api/account/login", new { email, password = Password }, withTicket: false))
            .AssertError(431, "account_not_confirmed");

        var mail = await server.Smtp.WaitForAsync(email);
        var link = MailLinkFixture.Link(mail, "/confirm?");
        browser.Open(link.AbsoluteUri);
        var page = new ChatPage(browser);
        page.WaitForList();
        browser.Wait(() => browser.Text("header.top .me") == "Dora Example", "Dora logged in");
        Assert.Equal("/", new Uri(browser.Driver.Url).AbsolutePath);

        using var dora = server.NewClient();
        var login = await dora.LoginAsync(email, Password);
        Assert.Equal("active", login.Json.GetProperty("mk_account_status").GetString());
        Assert.Empty(browser.ConsoleErrors());
    }
}
