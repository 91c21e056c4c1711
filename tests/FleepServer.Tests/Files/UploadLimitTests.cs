using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FleepServer.Tests.Infrastructure;
using Serilog.Events;

namespace FleepServer.Tests.Files;

/// <summary>A server that takes files of at most 64 KiB.</summary>
public sealed class SmallUploadsFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    public const int MaxUploadBytes = 64 * 1024;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Files:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// Uploads the server refuses or never receives whole (docs/files.md, "Upload"): over
/// Fleep:Files:MaxUploadBytes is 413 file_too_large, and neither that nor a client that goes away
/// midway leaves an <c>uploads</c> row or a file in the store.
/// </summary>
public sealed class UploadLimitTests(SmallUploadsFixture server) : IClassFixture<SmallUploadsFixture>
{
    private const int Max = SmallUploadsFixture.MaxUploadBytes;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private string ContentFolder => Path.Combine(server.FilesDirectory, "content");
    private string TempFolder => Path.Combine(server.FilesDirectory, "tmp");

    [Theory]
    [InlineData(UploadEncoding.MultipartFiles)]
    [InlineData(UploadEncoding.PutAttachment)]
    [InlineData(UploadEncoding.PutMultipart)]
    public async Task A_file_one_byte_over_the_limit_is_413_and_leaves_nothing(UploadEncoding encoding)
    {
        using var alice = await server.NewAccountAsync("alice");
        var content = UploadSamples.UniquePdf(Max + 1);

        (await alice.UploadAsync("big.pdf", content, encoding)).AssertError(413, "file_too_large");

        await AssertNothingKeptAsync(alice, content);
    }

    [Fact]
    public async Task A_file_of_exactly_the_limit_is_taken()
    {
        using var alice = await server.NewAccountAsync("alice");
        var content = UploadSamples.UniquePdf(Max);

        var uploaded = await alice.UploadFileAsync("fits.pdf", content);

        Assert.Equal(Max, uploaded.Long("size"));
        Assert.Single(Directory.GetFiles(ContentFolder, UploadSamples.Sha256(content), SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_body_far_over_the_limit_is_refused_by_its_content_length()
    {
        using var alice = await server.NewAccountAsync("alice");
        var content = UploadSamples.UniquePdf(Max + (2 << 20));
        // The server answers before reading the body; with 100-continue the client waits for that
        // answer instead of racing it with a body the server will not read.
        var request = FileClientExtensions.UploadRequest(alice, "huge.pdf", content, UploadEncoding.PutAttachment);
        request.Headers.ExpectContinue = true;

        (await alice.SendAsync(request)).AssertError(413, "file_too_large");

        await AssertNothingKeptAsync(alice, content);
    }

    [Fact]
    public async Task A_chunked_body_without_content_length_is_cut_at_the_limit()
    {
        using var alice = await server.NewAccountAsync("alice");
        var content = UploadSamples.UniquePdf(Max * 3);
        var body = new StreamContent(new MemoryStream(content));
        body.Headers.TryAddWithoutValidation("Content-Disposition", "attachment; filename=\"chunked.pdf\"");
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/file/upload?ticket={Uri.EscapeDataString(alice.Ticket!)}") { Content = body };
        request.Headers.TransferEncodingChunked = true;

        (await alice.SendAsync(request)).AssertError(413, "file_too_large");

        await AssertNothingKeptAsync(alice, content);
    }

    [Fact]
    public async Task Many_files_under_the_limit_in_a_chunked_body_past_the_request_cap_are_413()
    {
        using var alice = await server.NewAccountAsync("alice");
        // Each file fits; together they run past the limit plus the 1 MiB allowed for multipart framing.
        var files = Enumerable.Range(0, 20).Select(_ => UploadSamples.UniquePdf(Max - 1000)).ToList();
        var body = UploadEncodingTests.Multipart("b0undary",
            files.Select((f, i) => ($"form-data; name=\"files\"; filename=\"part{i}.pdf\"", f)).ToArray());
        Assert.True(body.Length > Max + (1 << 20));
        var content = new StreamContent(new MemoryStream(body));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b0undary");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/file/upload?ticket={Uri.EscapeDataString(alice.Ticket!)}") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        (await alice.SendAsync(request)).AssertError(413, "file_too_large");

        foreach (var file in files)
        {
            await AssertNothingKeptAsync(alice, file);
        }
    }

    [Fact]
    public async Task One_file_over_the_limit_refuses_the_whole_request()
    {
        using var alice = await server.NewAccountAsync("alice");
        var small = UploadSamples.UniquePdf(1000);
        var big = UploadSamples.UniquePdf(Max + 1);
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(small), "files", "small.pdf" },
            { new ByteArrayContent(big), "files", "big.pdf" },
        };

        (await alice.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/file/upload?ticket={Uri.EscapeDataString(alice.Ticket!)}") { Content = form }))
            .AssertError(413, "file_too_large");

        await AssertNothingKeptAsync(alice, small);
        Assert.Empty(Directory.GetFiles(ContentFolder, UploadSamples.Sha256(big), SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task An_upload_the_client_abandons_midway_leaves_no_row_and_no_file(bool multipart, bool reset)
    {
        using var alice = await server.NewAccountAsync("alice");
        var content = UploadSamples.UniquePdf(Max - 100);
        var contentBefore = Directory.GetFiles(ContentFolder, "*", SearchOption.AllDirectories).Length;
        var (headers, body) = RawUpload(alice, content, multipart);
        var uploadsLoggedBefore = UploadRequestsLogged();

        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port);
            var stream = socket.GetStream();
            await stream.WriteAsync(headers);
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
            await stream.FlushAsync();

            // The server is receiving: its temporary file exists.
            await WaitUntilAsync(() => Directory.EnumerateFiles(TempFolder).Any(), "the upload is being received");
            if (reset)
            {
                // Close with RST instead of FIN.
                socket.LingerState = new LingerOption(true, 0);
            }
        }

        await WaitUntilAsync(() => !Directory.EnumerateFiles(TempFolder).Any(), "the abandoned upload's temporary file is gone");
        await using var db = server.OpenDb();
        Assert.Empty(db.Uploads.Where(u => u.AccountId == alice.AccountId).ToList());
        Assert.Equal(contentBefore, Directory.GetFiles(ContentFolder, "*", SearchOption.AllDirectories).Length);
        Assert.Empty(Directory.GetFiles(ContentFolder, UploadSamples.Sha256(content), SearchOption.AllDirectories));

        // The abandoned request is logged as such, not as a server error.
        await WaitUntilAsync(() => UploadRequestsLogged() > uploadsLoggedBefore, "the abandoned upload is logged");
        Assert.DoesNotContain(server.Logs.Events, e => e.Level >= LogEventLevel.Error);

        // The server goes on serving uploads.
        Assert.Equal(content.Length, (await alice.UploadFileAsync("after.pdf", content)).Long("size"));
    }

    /// <summary>The bytes of an upload request with a declared Content-Length: its head and its body.</summary>
    private (byte[] Head, byte[] Body) RawUpload(FleepTestClient client, byte[] content, bool multipart)
    {
        byte[] body;
        string type, disposition;
        if (multipart)
        {
            body = UploadEncodingTests.Multipart("b0undary", ("form-data; name=\"files\"; filename=\"gone.pdf\"", content));
            type = "multipart/form-data; boundary=b0undary";
            disposition = "";
        }
        else
        {
            body = content;
            type = "application/octet-stream";
            disposition = "Content-Disposition: attachment; filename=\"gone.pdf\"\r\n";
        }

        var method = multipart ? "POST" : "PUT";
        var head = $"{method} /api/file/upload?ticket={Uri.EscapeDataString(client.Ticket!)} HTTP/1.1\r\n"
            + $"Host: {server.BaseAddress.Authority}\r\n"
            + $"Cookie: token_id={client.Token}\r\n"
            + $"Content-Type: {type}\r\n"
            + disposition
            + $"Content-Length: {body.Length}\r\n\r\n";
        return (Encoding.ASCII.GetBytes(head), body);
    }

    private async Task AssertNothingKeptAsync(FleepTestClient client, byte[] content)
    {
        await using var db = server.OpenDb();
        Assert.Empty(db.Uploads.Where(u => u.AccountId == client.AccountId).ToList());
        Assert.Empty(Directory.GetFiles(ContentFolder, UploadSamples.Sha256(content), SearchOption.AllDirectories));
        // The refusal is answered after the temporary file is removed.
        Assert.Empty(Directory.GetFiles(TempFolder));
    }

    private int UploadRequestsLogged() =>
        server.Logs.Events.Count(e => e.MessageTemplate.Text.Contains("-> {StatusCode}", StringComparison.Ordinal)
            && e.Properties.TryGetValue("RequestPath", out var path) && path.ToString().Contains("/api/file/upload", StringComparison.Ordinal));

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < Bound, $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }
}
