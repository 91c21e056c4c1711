using FleepServer.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace FleepServer.Tests.Files;

/// <summary>
/// Byte ranges of a download as Fleep answers them (docs/files.md, "Download"): 206 for one range
/// (cut at the end, suffix ranges), multipart/byteranges for several, 416 with
/// <c>Content-Range: bytes */total</c> for everything that cannot be served.
/// </summary>
public sealed class DownloadRangeTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int Total = 10_000;

    /// <summary>A file of <see cref="Total"/> bytes no other test has, attached to a message; its URL and bytes.</summary>
    private async Task<(FleepTestClient Client, string Url, byte[] Content)> PostAsync(string name = "data.pdf")
    {
        var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("ranges");
        var content = UploadSamples.UniquePdf(Total);
        return (alice, await alice.PostFileAsync(conv, name, content), content);
    }

    private static Task<HttpResponseMessage> GetRangeAsync(FleepTestClient client, string url, string range, string? ifRange = null) =>
        client.GetFileAsync(url, request =>
        {
            request.Headers.TryAddWithoutValidation("Range", range);
            if (ifRange is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Range", ifRange);
            }
        });

    private static string? Header(HttpResponseMessage response, string name) => DownloadTests.Header(response, name);

    [Theory]
    [InlineData("bytes=0-99", 0, 99)]
    [InlineData("bytes=1000-1000", 1000, 1000)]
    [InlineData("bytes=9900-20000", 9900, 9999)]
    [InlineData("bytes=9000-", 9000, 9999)]
    [InlineData("bytes=-500", 9500, 9999)]
    [InlineData("bytes=-20000", 0, 9999)]
    [InlineData("bytes=0-99,50-149", 0, 149)]
    public async Task One_range_is_206_with_its_content_range_and_exactly_its_bytes(string range, int first, int last)
    {
        var (alice, url, content) = await PostAsync();
        using var _ = alice;

        using var response = await GetRangeAsync(alice, url, range);

        Assert.Equal(206, (int)response.StatusCode);
        Assert.Equal($"bytes {first}-{last}/{Total}", Header(response, "Content-Range"));
        Assert.Equal((last - first + 1).ToString(), Header(response, "Content-Length"));
        Assert.Equal("application/pdf", Header(response, "Content-Type"));
        Assert.Equal(content[first..(last + 1)], await response.Content.ReadAsByteArrayAsync());
        // The headers of the file stay with each piece of it.
        Assert.Equal("attachment; filename=\"data.pdf\"", Header(response, "Content-Disposition"));
        Assert.Equal("default-src 'none'", Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("bytes", Header(response, "Accept-Ranges"));
        Assert.NotNull(Header(response, "Cache-Control"));
    }

    [Fact]
    public async Task Several_ranges_are_a_multipart_byteranges_body_with_one_exact_part_per_range()
    {
        var (alice, url, content) = await PostAsync();
        using var _ = alice;

        using var response = await GetRangeAsync(alice, url, "bytes=5000-5099, 0-9,-10,9000-9000");

        Assert.Equal(206, (int)response.StatusCode);
        Assert.Null(Header(response, "Content-Range"));
        var type = MediaTypeHeaderValue.Parse(Header(response, "Content-Type"));
        Assert.Equal("multipart/byteranges", type.MediaType.Value);
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        Assert.False(string.IsNullOrEmpty(boundary));
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length.ToString(), Header(response, "Content-Length"));

        var reader = new MultipartReader(boundary, new MemoryStream(body));
        var parts = new List<(string Type, string Range, string? Length, byte[] Bytes)>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            using var bytes = new MemoryStream();
            await section.Body.CopyToAsync(bytes);
            parts.Add((section.ContentType!, section.Headers!["Content-Range"].ToString(),
                section.Headers.TryGetValue("Content-Length", out var length) ? length.ToString() : null, bytes.ToArray()));
        }

        Assert.Equal(4, parts.Count);
        var expected = new[] { (5000, 5099), (0, 9), (9990, 9999), (9000, 9000) };
        for (var i = 0; i < expected.Length; i++)
        {
            var (first, last) = expected[i];
            Assert.Equal("application/pdf", parts[i].Type);
            Assert.Equal($"bytes {first}-{last}/{Total}", parts[i].Range);
            Assert.Equal((last - first + 1).ToString(), parts[i].Length);
            Assert.Equal(content[first..(last + 1)], parts[i].Bytes);
        }
    }

    [Fact]
    public async Task A_hundred_ranges_are_served()
    {
        var (alice, url, content) = await PostAsync();
        using var _ = alice;
        var range = "bytes=" + string.Join(',', Enumerable.Range(0, 100).Select(i => $"{i * 100}-{i * 100 + 9}"));

        using var response = await GetRangeAsync(alice, url, range);

        Assert.Equal(206, (int)response.StatusCode);
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(Header(response, "Content-Type")).Boundary).Value!;
        var reader = new MultipartReader(boundary, new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var count = 0;
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            using var bytes = new MemoryStream();
            await section.Body.CopyToAsync(bytes);
            Assert.Equal(content[(count * 100)..(count * 100 + 10)], bytes.ToArray());
            count++;
        }

        Assert.Equal(100, count);
    }

    public static TheoryData<string, string> Unsatisfiable() => new()
    {
        { "start at the end", "bytes=10000-" },
        { "start beyond the end", "bytes=20000-30000" },
        { "every range beyond the end", "bytes=10000-10001,12000-" },
        { "reversed", "bytes=200-100" },
        { "empty list", "bytes=" },
        { "wrong unit", "crap=1-2" },
        { "not a range", "bytes=abc" },
        { "empty suffix", "bytes=-0" },
        { "101 ranges", "bytes=" + string.Join(',', Enumerable.Range(0, 101).Select(i => $"{i * 10}-{i * 10 + 1}")) },
        { "103 ranges", "bytes=" + string.Join(',', Enumerable.Range(0, 103).Select(i => $"{i * 10}-{i * 10 + 1}")) },
    };

    [Theory]
    [MemberData(nameof(Unsatisfiable))]
    public async Task A_range_that_cannot_be_served_is_416_with_a_small_html_page_and_no_file_headers(string why, string range)
    {
        var (alice, url, _) = await PostAsync();
        using var _ = alice;

        using var response = await GetRangeAsync(alice, url, range);

        Assert.True(416 == (int)response.StatusCode, $"{why}: {(int)response.StatusCode}");
        Assert.Equal($"bytes */{Total}", Header(response, "Content-Range"));
        Assert.StartsWith("text/html", Header(response, "Content-Type"));
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html", page);
        Assert.DoesNotContain("%PDF", page);
        Assert.Equal(page.Length.ToString(), Header(response, "Content-Length"));
        Assert.Null(Header(response, "Content-Security-Policy"));
        Assert.Null(Header(response, "Content-Disposition"));
        Assert.Null(Header(response, "Cache-Control"));
    }

    [Fact]
    public async Task Ranges_work_the_same_on_an_inline_image()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("image ranges");
        var png = UploadSamples.Png(64, 48);
        var url = await alice.PostFileAsync(conv, "image.png", png);

        using var response = await GetRangeAsync(alice, url, "bytes=-16");

        Assert.Equal(206, (int)response.StatusCode);
        Assert.Equal($"bytes {png.Length - 16}-{png.Length - 1}/{png.Length}", Header(response, "Content-Range"));
        Assert.Equal("image/png", Header(response, "Content-Type"));
        Assert.Null(Header(response, "Content-Disposition"));
        Assert.Equal(png[^16..], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task If_range_with_the_files_etag_applies_the_range_and_any_other_gets_the_whole_file()
    {
        var (alice, url, content) = await PostAsync();
        using var _ = alice;
        using var whole = await alice.GetFileAsync(url);
        var etag = Header(whole, "ETag");
        Assert.False(string.IsNullOrEmpty(etag));

        using var matching = await GetRangeAsync(alice, url, "bytes=0-9", etag);
        using var other = await GetRangeAsync(alice, url, "bytes=0-9", "\"something-else\"");
        using var dated = await GetRangeAsync(alice, url, "bytes=0-9", "Wed, 21 Oct 2015 07:28:00 GMT");

        Assert.Equal(206, (int)matching.StatusCode);
        Assert.Equal(content[..10], await matching.Content.ReadAsByteArrayAsync());
        Assert.Equal(200, (int)other.StatusCode);
        Assert.Equal(content, await other.Content.ReadAsByteArrayAsync());
        Assert.Equal(200, (int)dated.StatusCode);
        Assert.Equal(content, await dated.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_ignores_the_range()
    {
        var (alice, url, _) = await PostAsync();
        using var _ = alice;

        using var response = await alice.GetFileAsync(url, request =>
        {
            request.Method = HttpMethod.Head;
            request.Headers.TryAddWithoutValidation("Range", "bytes=0-9");
        });

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(Total.ToString(), Header(response, "Content-Length"));
        Assert.Null(Header(response, "Content-Range"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Many_readers_of_ranges_at_once_each_get_their_own_bytes()
    {
        var (alice, url, content) = await PostAsync();
        using var _ = alice;
        var ranges = Enumerable.Range(0, 16).Select(i => (First: i * 600, Last: i * 600 + 799)).ToList();

        var responses = await Task.WhenAll(ranges.Select(r => Task.Run(async () =>
        {
            using var response = await GetRangeAsync(alice, url, $"bytes={r.First}-{r.Last}");
            return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync());
        })));

        Assert.Equal(16, responses.Length);
        for (var i = 0; i < ranges.Count; i++)
        {
            Assert.Equal(206, responses[i].Item1);
            Assert.Equal(content[ranges[i].First..(ranges[i].Last + 1)], responses[i].Item2);
        }
    }
}
