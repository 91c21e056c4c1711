using System.Text;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Files;

/// <summary>
/// GET /file/… as Fleep serves it (docs/files.md, "Download"): the stored type, inline images and
/// attachment downloads, the security and caching headers, HEAD, the session cookie, and who may
/// fetch a file at all.
/// </summary>
public sealed class DownloadTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    /// <summary>The default Fleep:Files:CacheMaxAge, one day.</summary>
    private const string CacheControl = "private, max-age=86400";

    /// <summary>A header as the server wrote it (HttpClient would reformat a parsed one).</summary>
    internal static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? values.ToString()
            : null;

    [Theory]
    [InlineData(SampleKind.Jpeg)]
    [InlineData(SampleKind.Png)]
    public async Task An_image_is_served_inline_with_its_type_and_the_security_and_caching_headers(SampleKind kind)
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("images");
        var (name, content, fileType) = UploadSamples.Of(kind);
        var url = await alice.PostFileAsync(conv, name, content);

        using var response = await alice.GetFileAsync(url);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(fileType, Header(response, "Content-Type"));
        Assert.Null(Header(response, "Content-Disposition"));
        Assert.Equal("default-src 'none'", Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal(CacheControl, Header(response, "Cache-Control"));
        Assert.Equal("bytes", Header(response, "Accept-Ranges"));
        Assert.Equal(content.Length.ToString(), Header(response, "Content-Length"));
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(SampleKind.Pdf)]
    [InlineData(SampleKind.Text)]
    public async Task Any_other_file_is_an_attachment_download(SampleKind kind)
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("documents");
        var (name, content, fileType) = UploadSamples.Of(kind);
        var url = await alice.PostFileAsync(conv, name, content);

        using var response = await alice.GetFileAsync(url);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(fileType, Header(response, "Content-Type"));
        Assert.Equal($"attachment; filename=\"{name}\"", Header(response, "Content-Disposition"));
        Assert.Equal("default-src 'none'", Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal(CacheControl, Header(response, "Cache-Control"));
        Assert.Equal("bytes", Header(response, "Accept-Ranges"));
        Assert.Equal(content.Length.ToString(), Header(response, "Content-Length"));
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
    }

    public static TheoryData<string, string> Pages() => new()
    {
        { "page.html", "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>" },
        { "page.htm", "<html><head><title>x</title></head></html>" },
        { "drawing.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><rect width=\"1\" height=\"1\"/></svg>" },
        { "notes.txt", "<script>alert(1)</script>" },
        { "page.xhtml", "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></html>" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Html_and_svg_uploads_are_octet_stream_attachments_never_pages(string name, string page)
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("pages");
        var bytes = Encoding.UTF8.GetBytes(page);

        // Declared as text/html by the uploader: declarations are not believed.
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/html");
        form.Add(part, "files", name);
        var uploaded = Assert.Single((await alice.SendAsync(new HttpRequestMessage(HttpMethod.Post,
            $"/api/file/upload?ticket={Uri.EscapeDataString(alice.Ticket!)}") { Content = form })).EnsureOk().Json.GetProperty("files").EnumerateArray().ToList());
        Assert.Equal("application/octet-stream", uploaded.Str("file_type"));
        var file = await alice.AttachAsync(conv, uploaded.Str("upload_url"));

        using var response = await alice.GetFileAsync(file.Str("file_url"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/octet-stream", Header(response, "Content-Type"));
        Assert.Equal($"attachment; filename=\"{name}\"", Header(response, "Content-Disposition"));
        Assert.Equal("default-src 'none'", Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("päevaraport.pdf", "attachment; filename=\"p_evaraport.pdf\"; filename*=UTF-8''p%C3%A4evaraport.pdf")]
    [InlineData("日本.pdf", "attachment; filename=\"__.pdf\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf")]
    [InlineData("say \"hi\".pdf", "attachment; filename=\"say _hi_.pdf\"; filename*=UTF-8''say%20%22hi%22.pdf")]
    [InlineData("plain name (1).pdf", "attachment; filename=\"plain name (1).pdf\"")]
    public async Task Names_outside_plain_ascii_go_in_filename_star(string name, string disposition)
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("names");
        // PUT with the name in filename* (RFC 5987), which carries any character.
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/file/upload?ticket={Uri.EscapeDataString(alice.Ticket!)}")
        {
            Content = new ByteArrayContent(UploadSamples.Pdf),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Disposition", $"attachment; filename*=UTF-8''{Uri.EscapeDataString(name)}");
        var uploaded = Assert.Single((await alice.SendAsync(request)).EnsureOk().Json.GetProperty("files").EnumerateArray().ToList());
        Assert.Equal(name, uploaded.Str("name"));
        var url = (await alice.AttachAsync(conv, uploaded.Str("upload_url"))).Str("file_url");

        using var response = await alice.GetFileAsync(url);

        Assert.Equal(disposition, Header(response, "Content-Disposition"));
        var parsed = response.Content.Headers.ContentDisposition!;
        Assert.Equal(name, parsed.FileNameStar ?? parsed.FileName!.Trim('"'));
    }

    [Fact]
    public async Task Head_gives_the_headers_without_the_body()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("head");
        var url = await alice.PostFileAsync(conv, "report.pdf", UploadSamples.Pdf);

        using var response = await alice.GetFileAsync(url, r => r.Method = HttpMethod.Head);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/pdf", Header(response, "Content-Type"));
        Assert.Equal(UploadSamples.Pdf.Length.ToString(), Header(response, "Content-Length"));
        Assert.Equal("attachment; filename=\"report.pdf\"", Header(response, "Content-Disposition"));
        Assert.Equal("default-src 'none'", Header(response, "Content-Security-Policy"));
        Assert.Equal("bytes", Header(response, "Accept-Ranges"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Without_a_valid_session_cookie_a_download_is_401()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("cookies");
        var url = await alice.PostFileAsync(conv, "report.pdf", UploadSamples.Pdf);
        using var anonymous = server.NewClient();

        (await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Get, url))).AssertError(401);
        (await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{url}?ticket={Uri.EscapeDataString(alice.Ticket!)}"))).AssertError(401);
        (await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Get, url), cookieHeader: $"token_id={Guid.NewGuid()}")).AssertError(401);
        (await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Get, url), cookieHeader: "token_id=not-a-token")).AssertError(401);
        using (var head = await anonymous.GetFileAsync(url, r => r.Method = HttpMethod.Head))
        {
            Assert.Equal(401, (int)head.StatusCode);
        }

        // The cookie is the whole credential: a ticket in the query is not read.
        using (var ignored = await alice.GetFileAsync($"{url}?ticket=wrong"))
        {
            Assert.Equal(200, (int)ignored.StatusCode);
        }

        // After logout the cookie is dead.
        (await alice.PostAsync("/api/account/logout")).EnsureOk();
        (await alice.SendAsync(new HttpRequestMessage(HttpMethod.Get, url))).AssertError(401);
    }

    [Fact]
    public async Task A_member_who_left_before_the_message_was_posted_gets_404_and_no_bytes()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var conv = await alice.CreateConversationAsync("left early", bob);
        (await bob.ConvAsync("leave", conv)).EnsureOk();
        var content = UploadSamples.UniquePdf();

        var url = await alice.PostFileAsync(conv, "after-you-left.pdf", content);

        var response = await bob.SendAsync(new HttpRequestMessage(HttpMethod.Get, url));
        response.AssertError(404, "not_found");
        Assert.DoesNotContain("%PDF", await response.Raw.Content.ReadAsStringAsync());
        using var own = await alice.GetFileAsync(url);
        Assert.Equal(content, await own.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_removed_member_keeps_the_files_before_the_removal_and_sees_none_after()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var conv = await alice.CreateConversationAsync("removal", bob);
        var before = UploadSamples.UniquePdf();
        var after = UploadSamples.UniquePdf();
        var beforeUrl = await alice.PostFileAsync(conv, "before.pdf", before);
        (await alice.ConvAsync("remove_members", conv, new { account_ids = new[] { bob.AccountId } })).EnsureOk();

        var afterUrl = await alice.PostFileAsync(conv, "after.pdf", after);

        using (var kept = await bob.GetFileAsync(beforeUrl))
        {
            Assert.Equal(200, (int)kept.StatusCode);
            Assert.Equal(before, await kept.Content.ReadAsByteArrayAsync());
        }

        var refused = await bob.SendAsync(new HttpRequestMessage(HttpMethod.Get, afterUrl));
        refused.AssertError(404, "not_found");
        Assert.DoesNotContain("%PDF", await refused.Raw.Content.ReadAsStringAsync());
        // A range request tells nothing either.
        var ranged = new HttpRequestMessage(HttpMethod.Get, afterUrl);
        ranged.Headers.TryAddWithoutValidation("Range", "bytes=0-3");
        (await bob.SendAsync(ranged)).AssertError(404, "not_found");
    }

    [Fact]
    public async Task Urls_that_name_nothing_are_404()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("urls");
        var url = await alice.PostFileAsync(conv, "report.pdf", UploadSamples.Pdf);
        var segments = url.Split('/');
        // "", "file", conversation, message_nr, attachment_id, name
        Assert.Equal(6, segments.Length);

        foreach (var wrong in new[]
                 {
                     $"/file/{segments[2]}/{long.Parse(segments[3]) + 1}/{segments[4]}/{segments[5]}",
                     $"/file/{segments[2]}/0/{segments[4]}/{segments[5]}",
                     $"/file/{segments[2]}/x/{segments[4]}/{segments[5]}",
                     $"/file/AAAAAAAAAAAAAAAAAAAAAA/{segments[3]}/{segments[4]}/{segments[5]}",
                     $"/file/not-an-id/{segments[3]}/{segments[4]}/{segments[5]}",
                     $"/file/{segments[2]}/{segments[3]}/AAAAAAAAAAAAAAAAAAAAAA/{segments[5]}",
                 })
        {
            (await alice.SendAsync(new HttpRequestMessage(HttpMethod.Get, wrong))).AssertError(404, "not_found");
        }
    }
}
