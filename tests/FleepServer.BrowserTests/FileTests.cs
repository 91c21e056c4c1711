using System.Text;
using System.Text.Json;
using FleepServer.Tests.Files;
using FleepServer.Tests.Infrastructure;
using SkiaSharp;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FleepServer.BrowserTests;

/// <summary>The browser suite's server with a small upload cap, so that a file over it is quick to make.</summary>
public sealed class SmallUploadServerFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    public const int MaxUploadBytes = 64 * 1024;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Files:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };

    protected override void Customize(WebApplicationBuilder builder) =>
        builder.Services.Replace(ServiceDescriptor.Singleton(TimeProvider.System));
}

/// <summary>
/// Files in the web client: one person attaches an image (the picker), pastes one and drops a
/// file; the other person's page shows each by itself with its name and size as text, a download
/// link that answers the same bytes and, for images, the server's thumbnail, loaded.
/// </summary>
public sealed class FileTests(SmallUploadServerFixture server) : IClassFixture<SmallUploadServerFixture>
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(3);
    private const string Password = "correct horse battery";

    /// <summary>Markup in a file name (a name cannot hold '/': the server keeps a name's last path segment, docs/files.md).</summary>
    private const string MarkupName = "<img src=x onerror=alert(1)><svg onload=alert(2)><script>alert(3).txt";

    private async Task<(Browser Alice, Browser Bob, ChatPage AlicePage, ChatPage BobPage, string BobEmail)> TwoPeopleAsync(string topic)
    {
        var aliceEmail = BrowserServerFixture.NewEmail("alice");
        var bobEmail = BrowserServerFixture.NewEmail("bob");
        using (var api = server.NewClient())
        {
            await api.RegisterAsync(aliceEmail, Password, "Alice Sender");
            await api.RegisterAsync(bobEmail, Password, "Bob Reader");
        }

        var aliceBrowser = new Browser(server.BaseAddress);
        var bobBrowser = new Browser(server.BaseAddress);
        var alice = new ChatPage(aliceBrowser);
        var bob = new ChatPage(bobBrowser);
        alice.LogIn(aliceEmail, Password);
        bob.LogIn(bobEmail, Password);
        alice.CreateConversation(topic, bobEmail);
        bob.Open(topic);
        return (aliceBrowser, bobBrowser, alice, bob, bobEmail);
    }

    /// <summary>The file records of the conversation as the API gives them to <paramref name="api"/>.</summary>
    private static async Task<List<JsonElement>> FileRecordsAsync(FleepTestClient api, string conversationId)
    {
        var synced = (await api.PostAsync($"/api/conversation/sync/{conversationId}", new { mk_direction = "ic_end" })).EnsureOk();
        return synced.Files();
    }

    private static string ConversationIdOf(Browser browser) => new Uri(browser.Driver.Url).AbsolutePath.Split('/').Last();

    [Fact]
    public async Task An_image_attached_in_one_browser_shows_its_loaded_thumbnail_in_the_other_and_downloads_the_same_bytes()
    {
        var (aliceBrowser, bobBrowser, alice, bob, bobEmail) = await TwoPeopleAsync("Photos");
        using var _ = aliceBrowser;
        using var __ = bobBrowser;

        var png = TestImages.Noise(48, 32, SKEncodedImageFormat.Png);
        var folder = Directory.CreateTempSubdirectory("fleep-upload-");
        try
        {
            var path = Path.Combine(folder.FullName, "pixels.png");
            await File.WriteAllBytesAsync(path, png);
            alice.WatchUploadStatuses();
            alice.AttachFile(path);

            // Bob's page shows it by itself, with the thumbnail loaded.
            var (seen, took) = bob.WaitForAttachment(a => a.Name == "pixels.png" && a.ThumbLoaded, "the image with its preview in Bob's page", Live);
            Assert.True(took <= Live, $"took {took}");
            Assert.Equal(FilesPageActions.ShownSize(png.Length), seen.Size);
            Assert.EndsWith(" KB", seen.Size);
            Assert.Equal("pixels.png", seen.DownloadName);
            Assert.Equal("Download pixels.png", seen.DownloadLabel);
            Assert.Equal(48L, bobBrowser.Script("return document.querySelector('.attachment img').naturalWidth"));
            Assert.Equal("pixels.png", bobBrowser.Script("return document.querySelector('.attachment img').alt"));

            // The addresses are the ones the server gave: the thumbnail and the file, on this origin.
            using var bobApi = server.NewClient();
            await bobApi.LoginAsync(bobEmail, Password);
            var record = Assert.Single(await FileRecordsAsync(bobApi, ConversationIdOf(bobBrowser)));
            Assert.Equal("image/png", record.Str("file_type"));
            Assert.Equal(record.Str("thumb_url_100"), seen.ThumbSrc);
            Assert.StartsWith("/thumb/", seen.ThumbSrc);
            Assert.Equal(record.Str("file_url"), seen.Href);
            Assert.StartsWith("/file/", seen.Href);

            // The link answers the bytes uploaded: in Bob's page (his browser's session) and to his API session.
            var (status, body) = bob.FetchFromPage(seen.Href!);
            Assert.Equal(200L, status);
            Assert.Equal(png, body);
            using var download = await bobApi.GetFileAsync(seen.Href!);
            Assert.Equal(png, await download.Content.ReadAsByteArrayAsync());

            // Alice's page shows it too, once, and said it was uploading meanwhile.
            var own = alice.WaitForAttachment(a => a.Name == "pixels.png" && a.ThumbLoaded, "the image in Alice's page").Attachment;
            Assert.Contains(alice.UploadStatusesSeen(), s => s.StartsWith("Uploading pixels.png… ", StringComparison.Ordinal) && s.EndsWith('%'));
            Assert.Empty(aliceBrowser.All(".uploads [role=status]"));
            bobBrowser.Screenshot("files");
            Assert.Equal(seen.Nr, own.Nr);
            Assert.Single(alice.Attachments());
            Assert.Single(bob.Attachments());

            // A file over the server's cap: Fleep's error as an alert, nothing posted.
            var big = Path.Combine(folder.FullName, "too big.bin");
            await File.WriteAllBytesAsync(big, new byte[SmallUploadServerFixture.MaxUploadBytes * 2]);
            alice.AttachFile(big);
            var alert = aliceBrowser.Wait(() => aliceBrowser.All(".uploads [role=alert]").FirstOrDefault(), "the refusal of a file too large");
            Assert.Contains("Could not send too big.bin", alert.Text);
            Assert.Contains($"A file may have at most {SmallUploadServerFixture.MaxUploadBytes} bytes.", alert.Text);
            Assert.All(aliceBrowser.ConsoleErrors(), e => Assert.Contains("api/file/upload", e));
            aliceBrowser.Click(".uploads [role=alert] button");
            aliceBrowser.Wait(() => aliceBrowser.All(".uploads [role=alert]").Count == 0, "the alert dismissed");
            Assert.Single(alice.Attachments());
            Assert.Single(await FileRecordsAsync(bobApi, ConversationIdOf(bobBrowser)));

            Assert.Empty(aliceBrowser.ConsoleErrors());
            Assert.Empty(bobBrowser.ConsoleErrors());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_file_name_with_markup_shows_as_text_in_both_browsers()
    {
        var (aliceBrowser, bobBrowser, alice, bob, _) = await TwoPeopleAsync("Names");
        using var _a = aliceBrowser;
        using var _b = bobBrowser;

        var content = Encoding.UTF8.GetBytes("just text\n");
        alice.AttachMadeFile(MarkupName, content, "text/html");
        var sent = alice.WaitForAttachment(a => a.Name == MarkupName, "the file in Alice's page").Attachment;
        var seen = bob.WaitForAttachment(a => a.Name == MarkupName, "the file in Bob's page", Live).Attachment;
        Assert.Equal(sent.Nr, seen.Nr);

        foreach (var (page, browser) in new[] { (alice, aliceBrowser), (bob, bobBrowser) })
        {
            var shown = Assert.Single(page.Attachments());
            Assert.Equal(MarkupName, shown.Name);
            Assert.Equal($"{content.Length} B", shown.Size);
            Assert.Equal(MarkupName, shown.DownloadName);
            Assert.Equal($"Download {MarkupName}", shown.DownloadLabel);
            Assert.Null(shown.ThumbSrc);
            Assert.StartsWith("/file/", shown.Href);
            Assert.Equal(MarkupName, browser.Text(".attachment .file-name"));

            // Not an element, no handler, no script: only the page's own.
            Assert.False(browser.HasAlert());
            Assert.Empty(browser.All("img"));
            Assert.Empty(browser.All("#app script, #app img, #app svg, #app iframe, #app object"));
            var scripts = browser.All("script");
            Assert.Single(scripts);
            Assert.EndsWith("/assets/app.js", scripts[0].GetAttribute("src"));
            Assert.Equal(0L, browser.Script("return document.querySelectorAll('[onerror], [onload]').length"));

            // The link downloads the text as it was sent.
            var (status, body) = page.FetchFromPage(shown.Href!);
            Assert.Equal(200L, status);
            Assert.Equal(content, body);
            Assert.Empty(browser.ConsoleErrors());
        }
    }

    [Fact]
    public async Task A_pasted_image_and_a_dropped_file_are_uploaded_and_posted()
    {
        var (aliceBrowser, bobBrowser, alice, bob, _) = await TwoPeopleAsync("Paste and drop");
        using var _a = aliceBrowser;
        using var _b = bobBrowser;

        // A copied image comes without a name: it is posted as "pasted.png".
        var png = TestImages.Make(20, 30, color: SKColors.Teal);
        alice.PasteFile("", png, "image/png");
        var pasted = alice.WaitForAttachment(a => a.Name == "pasted.png" && a.ThumbLoaded, "the pasted image in Alice's page").Attachment;
        Assert.Equal(FilesPageActions.ShownSize(png.Length), pasted.Size);
        Assert.Equal("", alice.Composer.GetAttribute("value"));
        bob.WaitForAttachment(a => a.Nr == pasted.Nr && a.Name == "pasted.png" && a.ThumbLoaded, "the pasted image in Bob's page", Live);
        Assert.Equal(png, alice.FetchFromPage(pasted.Href!).Body);

        // A file dropped on the conversation.
        var text = Encoding.UTF8.GetBytes("dropped, not opened");
        alice.DropFile("notes.txt", text, "text/plain");
        var dropped = alice.WaitForAttachment(a => a.Name == "notes.txt", "the dropped file in Alice's page").Attachment;
        Assert.True(dropped.Nr > pasted.Nr);
        Assert.Null(dropped.ThumbSrc);
        var seen = bob.WaitForAttachment(a => a.Name == "notes.txt", "the dropped file in Bob's page", Live).Attachment;
        Assert.Equal(text, bob.FetchFromPage(seen.Href!).Body);

        // Each once, in order, and the page never left the client.
        Assert.Equal(["pasted.png", "notes.txt"], alice.Attachments().Select(a => a.Name));
        Assert.Equal(["pasted.png", "notes.txt"], bob.Attachments().Select(a => a.Name));
        Assert.EndsWith("/assets/app.js", aliceBrowser.All("script")[0].GetAttribute("src"));
        Assert.Empty(aliceBrowser.All(".uploads [role=alert]"));
        Assert.Empty(aliceBrowser.ConsoleErrors());
        Assert.Empty(bobBrowser.ConsoleErrors());
    }
}
