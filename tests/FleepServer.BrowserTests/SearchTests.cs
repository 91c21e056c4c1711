using FleepServer.Tests.Infrastructure;

namespace FleepServer.BrowserTests;

/// <summary>
/// The top bar's search: messages written in this page and by another account are found (the
/// server indexes a message in the transaction that writes it, so no waiting), a result opens
/// its conversation, an empty result and a refused search say so, and text found is shown as
/// text.
/// </summary>
public sealed class SearchTests(BrowserServerFixture server) : IClassFixture<BrowserServerFixture>
{
    private const string Password = "correct horse battery";

    /// <summary>A word of letters only, unique in the run (the text search splits at digits and letters alike).</summary>
    private static string NewWord(string prefix) =>
        prefix + new string(Guid.NewGuid().ToString("N").Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))).ToArray());

    [Fact]
    public async Task Search_finds_this_pages_message_and_another_accounts_and_a_result_opens_its_conversation()
    {
        var aliceEmail = BrowserServerFixture.NewEmail("alice");
        var bobEmail = BrowserServerFixture.NewEmail("bob");
        using var bobApi = server.NewClient();
        await bobApi.RegisterAsync(bobEmail, Password, "Bob Finder");
        await bobApi.LoginAsync(bobEmail, Password);
        using (var api = server.NewClient())
        {
            await api.RegisterAsync(aliceEmail, Password, "Alice Seeker");
        }

        using var browser = new Browser(server.BaseAddress);
        var alice = new ChatPage(browser);
        alice.LogIn(aliceEmail, Password);
        alice.CreateConversation("Where we talk", bobEmail);

        // A message written in this page is found as soon as it is sent.
        var ownWord = NewWord("own");
        alice.Send($"Remember the {ownWord} tomorrow");
        alice.WaitForMessage(m => m.Body == $"Remember the {ownWord} tomorrow", "Alice's message");
        alice.Search(ownWord);
        var own = alice.SearchResults();
        Assert.Single(own);
        Assert.Equal("Where we talk", own[0].Topic);
        Assert.Equal("Alice Seeker", own[0].Author);
        Assert.Equal($"Remember the {ownWord} tomorrow", own[0].Text);
        Assert.Equal(new[] { ownWord }, own[0].Marked);
        Assert.Equal($"1 message found for “{ownWord}”", alice.SearchSummary());

        // Bob writes in a conversation of his own with Alice, by API: found by its word's prefix.
        var bobWord = NewWord("bob");
        var other = await bobApi.CreateConversationAsync("Bob's corner");
        (await bobApi.ConvAsync("add_members", other, new { emails = aliceEmail })).EnsureOk();
        (await bobApi.SendAsync(other, $"The {bobWord} is in the shed")).EnsureOk();
        alice.Search(bobWord[..12]);
        var found = alice.SearchResults();
        Assert.Single(found);
        Assert.Equal("Bob's corner", found[0].Topic);
        Assert.Equal("Bob Finder", found[0].Author);
        Assert.Equal($"The {bobWord} is in the shed", found[0].Text);
        Assert.Equal(other.ToString(), found[0].ConversationId);
        browser.Screenshot("search-results");

        // Choosing it opens that conversation at its own address.
        alice.OpenSearchResult(bobWord);
        browser.Wait(() => browser.Text("#conversation-title") == "Bob's corner", "Bob's conversation open");
        Assert.EndsWith($"/c/{other}", browser.Driver.Url);
        alice.WaitForMessage(m => m.Body == $"The {bobWord} is in the shed", "Bob's message in the opened conversation");
        Assert.Empty(browser.All("section.search-results"));

        // Nothing found says so.
        var none = NewWord("none");
        alice.Search(none);
        Assert.Empty(alice.SearchResults());
        Assert.Equal($"No messages found for “{none}”.", alice.SearchSummary());

        Assert.Empty(browser.ConsoleErrors());

        // A search the server refuses (more than 32 words) shows Fleep's error_message as an alert.
        alice.Search(string.Join(' ', Enumerable.Range(0, 33).Select(i => $"w{i}")));
        var alert = browser.Find("section.search-results [role=alert]");
        Assert.False(string.IsNullOrWhiteSpace(alert.Text));
        Assert.DoesNotContain("The server answered", alert.Text);
        Assert.Empty(alice.SearchResults());
        var errors = browser.ConsoleErrors();
        Assert.Single(errors);
        Assert.Contains("api/search", errors[0]);
    }

    [Fact]
    public async Task Markup_in_a_found_message_is_shown_as_text_in_the_results()
    {
        var readerEmail = BrowserServerFixture.NewEmail("reader");
        var writerEmail = BrowserServerFixture.NewEmail("writer");
        using (var api = server.NewClient())
        {
            await api.RegisterAsync(readerEmail, Password, "Reader");
        }

        using var writer = server.NewClient();
        await writer.RegisterAsync(writerEmail, Password, "Writer <b>bold</b>");
        await writer.LoginAsync(writerEmail, Password);
        var word = NewWord("xss");
        var body = $"{word} <img src=x onerror=alert(1)> <script>alert(2)</script> & \"quoted\"";
        var conversation = await writer.CreateConversationAsync("Markup <i>topic</i>");
        (await writer.ConvAsync("add_members", conversation, new { emails = readerEmail })).EnsureOk();
        (await writer.SendAsync(conversation, body)).EnsureOk();

        using var browser = new Browser(server.BaseAddress);
        var reader = new ChatPage(browser);
        reader.LogIn(readerEmail, Password);
        reader.Search(word);
        var results = reader.SearchResults();
        Assert.Single(results);
        Assert.Equal(body, results[0].Text);
        Assert.Equal(new[] { word }, results[0].Marked);
        Assert.Equal("Markup <i>topic</i>", results[0].Topic);
        Assert.Equal("Writer <b>bold</b>", results[0].Author);

        Assert.False(browser.HasAlert());
        Assert.Empty(browser.All("#app img, #app script, #app b, #app i, #app iframe"));
        Assert.Equal(0L, browser.Script("return document.querySelectorAll('[onerror]').length"));
        Assert.Single(browser.All("script"));
        Assert.Empty(browser.ConsoleErrors());
    }
}
