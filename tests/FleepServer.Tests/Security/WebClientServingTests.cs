using System.Net;
using FleepServer.Domain.Mail;
using FleepServer.Hosting;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Security;

/// <summary>
/// The web client is served at <c>/</c>, at its conversation routes and under <c>/assets/</c>,
/// each response with the strict Content-Security-Policy; every other path answers as it did
/// before the client existed (docs/web-client.md, "How it is served").
/// </summary>
public sealed class WebClientServingTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private HttpClient Http() => new() { BaseAddress = server.BaseAddress };

    private static void AssertLockedDown(HttpResponseMessage response)
    {
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(WebClientEndpoints.ContentSecurityPolicy, csp);
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("style-src 'self';", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/c/6f1c2a3e-95a1-4c39-9d59-2b8f0f1e8a11")]
    [InlineData("/confirm?notification_id=0123456789abcdef0123456789abcdef")]
    [InlineData("/register?notification_id=0123456789abcdef0123456789abcdef")]
    [InlineData("/reset_password?notification_id=0123456789abcdef0123456789abcdef")]
    [InlineData("/alias/confirm?confirm_id=0123456789abcdef0123456789abcdef")]
    [InlineData("/unsubscribe?notification_id=0123456789abcdef0123456789abcdef")]
    [InlineData("/email_interval?notification_id=0123456789abcdef0123456789abcdef")]
    [InlineData("/reset_password")]
    [InlineData("/chat/Ab3_x-9QzT1mK2pL")]
    [InlineData("/team/Ab3_x-9QzT1mK2pL")]
    public async Task The_page_is_served_at_the_clients_routes_with_the_policy(string path)
    {
        using var http = Http();
        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        AssertLockedDown(response);
        var page = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("<script type=\"module\" src=\"/assets/app.js\"></script>", page);
        // Nothing inline and nothing from elsewhere.
        Assert.DoesNotMatch("<script(?![^>]*src=\"/assets/)", page);
        Assert.DoesNotContain("<style", page);
        Assert.DoesNotContain("http://", page);
        Assert.DoesNotContain("https://", page);
    }

    [Theory]
    [InlineData("/assets/app.js", "text/javascript")]
    [InlineData("/assets/app.css", "text/css")]
    public async Task The_assets_are_served_with_the_policy(string path, string type)
    {
        using var http = Http();
        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        AssertLockedDown(response);
        Assert.True((await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length > 0);
    }

    [Theory]
    [InlineData("/c/not-a-conversation-id")]
    [InlineData("/assets/missing.js")]
    [InlineData("/index.html")]
    [InlineData("/login")]
    [InlineData("/metrics")]
    [InlineData("/alias")]
    [InlineData("/confirm/extra")]
    [InlineData("/register/v2")]
    [InlineData("/unsubscribe/6f1c2a3e-95a1-4c39-9d59-2b8f0f1e8a11")]
    [InlineData("/chat")]
    [InlineData("/chat/key/extra")]
    [InlineData("/team")]
    public async Task Other_gets_still_meet_fleeps_405(string path)
    {
        using var client = server.NewClient();

        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

        // A path that only fails the conversation route's constraint is Fleep's 404 (routing
        // found a route for it); every other unknown GET is Fleep's 405, as before the client.
        if (path.StartsWith("/c/", StringComparison.Ordinal))
        {
            response.AssertError(404, "not_found");
        }
        else
        {
            response.AssertError(405, "method_not_allowed");
        }
    }

    [Fact]
    public async Task Posts_to_the_clients_routes_are_still_unknown_api_calls()
    {
        using var client = server.NewClient();

        (await client.PostAsync("/")).AssertError(404, "not_found");
        (await client.PostAsync("/c/6f1c2a3e-95a1-4c39-9d59-2b8f0f1e8a11")).AssertError(404, "not_found");
        (await client.PostAsync("/assets/app.js")).AssertError(404, "not_found");
        foreach (var path in WebClientEndpoints.LinkRoutes)
        {
            (await client.PostAsync(path)).AssertError(404, "not_found");
        }

        (await client.PostAsync("/chat/Ab3_x-9QzT1mK2pL")).AssertError(404, "not_found");
        (await client.PostAsync("/team/Ab3_x-9QzT1mK2pL")).AssertError(404, "not_found");
    }

    [Fact]
    public async Task The_join_links_the_server_gives_open_the_page_with_the_policy()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("open door");
        var chatLink = (await a.ConvAsync("store", conv, new { is_autojoin = true })).EnsureOk().Header().Str("autojoin_url");
        var team = (await a.PostAsync("/api/team/create", new { team_name = "open team", is_autojoin = true })).EnsureOk();
        var teams = team.Stream().Where(r => r.Str("mk_rec_type") == "team").ToList();
        Assert.Single(teams);
        var teamLink = teams[0].Str("autojoin_url");

        using var http = Http();
        foreach (var link in new[] { chatLink, teamLink })
        {
            Assert.StartsWith(server.BaseAddress.GetLeftPart(UriPartial.Authority), link);
            using var response = await http.GetAsync(link, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            AssertLockedDown(response);
        }
    }

    [Fact]
    public async Task Every_mailed_link_opens_the_page_with_the_policy()
    {
        const string id = "0123456789abcdef0123456789abcdef";
        var publicUrl = server.BaseAddress.ToString();
        string[] links =
        [
            MailTemplates.ConfirmLink(publicUrl, id), MailTemplates.RegisterLink(publicUrl, id), MailTemplates.ResetLink(publicUrl, id),
            MailTemplates.AliasLink(publicUrl, id), MailTemplates.UnsubscribeLink(publicUrl, id), MailTemplates.EmailIntervalLink(publicUrl, id),
        ];
        Assert.Equal(WebClientEndpoints.LinkRoutes.Length, links.Length);
        Assert.Equal(WebClientEndpoints.LinkRoutes.Order(), links.Select(l => new Uri(l).AbsolutePath).Order());

        using var http = Http();
        foreach (var link in links)
        {
            Assert.Contains(id, link);
            using var response = await http.GetAsync(link, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            AssertLockedDown(response);
        }
    }
}
