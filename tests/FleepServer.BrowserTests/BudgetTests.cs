using System.IO.Compression;
using System.Net;

namespace FleepServer.BrowserTests;

/// <summary>What the page costs: the JavaScript it ships, gzipped, within 150 KB; the first screen quickly.</summary>
public sealed class BudgetTests(BrowserServerFixture server) : IClassFixture<BrowserServerFixture>
{
    private const int JavaScriptBudget = 150 * 1024;

    [Fact]
    public async Task The_javascript_is_within_150_KB_gzipped()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var page = await http.GetStringAsync("/", TestContext.Current.CancellationToken);
        var scripts = System.Text.RegularExpressions.Regex.Matches(page, "<script[^>]*src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["/assets/app.js"], scripts);

        long total = 0;
        foreach (var script in scripts)
        {
            using var response = await http.GetAsync(script, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            using var gzipped = new MemoryStream();
            await using (var gzip = new GZipStream(gzipped, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                await gzip.WriteAsync(bytes, TestContext.Current.CancellationToken);
            }

            total += gzipped.Length;
        }

        TestContext.Current.SendDiagnosticMessage($"web client JavaScript: {total} bytes gzipped");
        Assert.InRange(total, 1, JavaScriptBudget);
    }

    [Fact]
    public void The_conversation_list_shows_within_a_second_of_opening_the_page()
    {
        using var browser = new Browser(server.BaseAddress);
        var page = new ChatPage(browser);
        var email = BrowserServerFixture.NewEmail("quick");
        page.Register("Quick", email, "correct horse battery");
        page.CreateConversation("First screen", BrowserServerFixture.NewEmail("friend"));

        // A fresh page load of a logged-in tab: the list is there within a second.
        // performance.now() counts from the start of the navigation.
        browser.Open("/");
        page.WaitForConversation("First screen", TimeSpan.FromSeconds(5));
        var shownAfter = Convert.ToDouble(browser.Script("return performance.now()"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(shownAfter <= 1000, $"the list was shown {shownAfter:0} ms after the navigation started");
        Assert.Empty(browser.ConsoleErrors());
    }
}
