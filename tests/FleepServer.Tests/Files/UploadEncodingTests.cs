using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Files;

/// <summary>
/// api/file/upload in every encoding Fleep clients use (docs/files.md, "Upload"): multipart in field
/// <c>files</c> or <c>file</c>, raw PUT named by either Content-Disposition, PUT with a multipart
/// body, <c>POST ?_method=PUT</c>; the three paths; the ticket; types from content; names.
/// </summary>
public sealed class UploadEncodingTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    public static TheoryData<UploadEncoding, SampleKind> EncodingsAndKinds()
    {
        var data = new TheoryData<UploadEncoding, SampleKind>();
        foreach (var encoding in Enum.GetValues<UploadEncoding>())
        {
            foreach (var kind in Enum.GetValues<SampleKind>())
            {
                data.Add(encoding, kind);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EncodingsAndKinds))]
    public async Task Each_encoding_stores_the_bytes_and_types_them_from_their_content(UploadEncoding encoding, SampleKind kind)
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("uploads");
        var (name, content, fileType) = UploadSamples.Of(kind);

        // Declared as octet-stream, as Fleep's own tests sent everything: the type comes from the bytes.
        var uploaded = await alice.UploadFileAsync(name, content, encoding);

        Assert.Equal(name, uploaded.Str("name"));
        Assert.Equal(content.Length, uploaded.Long("size"));
        Assert.Equal(fileType, uploaded.Str("file_type"));
        Assert.Equal(UploadSamples.Sha256(content), uploaded.Str("file_sha256"));
        Assert.False(string.IsNullOrEmpty(uploaded.Str("file_id")));
        Assert.False(string.IsNullOrEmpty(uploaded.Str("upload_url")));
        if (kind is SampleKind.Jpeg or SampleKind.Png)
        {
            Assert.Equal(UploadSamples.ImageWidth, uploaded.GetProperty("width").GetInt32());
            Assert.Equal(UploadSamples.ImageHeight, uploaded.GetProperty("height").GetInt32());
            Assert.False(uploaded.Bool("is_animated"));
        }

        var file = await alice.AttachAsync(conv, uploaded.Str("upload_url"));
        Assert.Equal(fileType, file.Str("file_type"));
        using var download = await alice.GetFileAsync(file.Str("file_url"));
        Assert.Equal(200, (int)download.StatusCode);
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/api/file/upload")]
    [InlineData("/api/file/upload/")]
    [InlineData("/api//file/upload")]
    [InlineData("/api/file/upload/{conversation}")]
    [InlineData("/api/file/upload/{conversation}/")]
    public async Task Every_upload_path_is_accepted(string path)
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("legacy");

        var response = await alice.UploadAsync("report.pdf", UploadSamples.Pdf, path: path.Replace("{conversation}", conv.ToString()));

        var file = Assert.Single(response.EnsureOk().Json.GetProperty("files").EnumerateArray().ToList());
        Assert.Equal("application/pdf", file.Str("file_type"));
        Assert.Equal("report.pdf", file.Str("name"));
    }

    [Theory]
    [InlineData(UploadEncoding.MultipartFiles)]
    [InlineData(UploadEncoding.PutMultipart)]
    public async Task Several_files_in_one_request_answer_in_upload_order(UploadEncoding encoding)
    {
        using var alice = await server.NewAccountAsync("alice");
        var samples = new[] { SampleKind.Text, SampleKind.Png, SampleKind.Pdf, SampleKind.Jpeg }.Select(UploadSamples.Of).ToList();
        var form = new MultipartFormDataContent();
        foreach (var (name, content, _) in samples)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }

        var method = encoding == UploadEncoding.PutMultipart ? HttpMethod.Put : HttpMethod.Post;
        var response = (await alice.SendAsync(new HttpRequestMessage(method, $"/api/file/upload?ticket={alice.Ticket}") { Content = form })).EnsureOk();

        var files = response.Json.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(4, files.Count);
        Assert.Equal(["note.txt", "drawing.png", "report.pdf", "photo.jpg"], files.Select(f => f.Str("name")));
        Assert.Equal(["application/octet-stream", "image/png", "application/pdf", "image/jpeg"], files.Select(f => f.Str("file_type")));
        Assert.Equal(samples.Select(s => UploadSamples.Sha256(s.Content)), files.Select(f => f.Str("file_sha256")));
        Assert.Equal(4, files.Select(f => f.Str("upload_url")).Distinct().Count());
    }

    [Fact]
    public async Task Form_fields_next_to_the_files_are_read_past()
    {
        using var alice = await server.NewAccountAsync("alice");
        var body = Multipart("b0undary",
            ("form-data; name=\"upload_id\"", "abc"u8.ToArray()),
            ("form-data; name=\"files\"; filename=\"report.pdf\"", UploadSamples.Pdf),
            ("form-data; name=\"comment\"", "x"u8.ToArray()));

        var response = (await SendMultipartAsync(alice, "b0undary", body)).EnsureOk();

        var file = Assert.Single(response.Json.GetProperty("files").EnumerateArray().ToList());
        Assert.Equal("report.pdf", file.Str("name"));
        Assert.Equal(UploadSamples.Pdf.Length, file.Long("size"));
    }

    [Fact]
    public async Task The_same_bytes_get_the_same_file_id_and_a_new_upload_url()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var png = UploadSamples.Png(41, 29);

        var first = await alice.UploadFileAsync("a.png", png);
        var second = await alice.UploadFileAsync("b.png", png, UploadEncoding.PutAttachment);
        var third = await bob.UploadFileAsync("c.png", png);

        Assert.Equal(first.Str("file_id"), second.Str("file_id"));
        Assert.Equal(first.Str("file_id"), third.Str("file_id"));
        Assert.Equal(3, new[] { first, second, third }.Select(f => f.Str("upload_url")).Distinct().Count());
        Assert.Equal("b.png", second.Str("name"));
        Assert.NotEqual(first.Str("file_id"), (await alice.UploadFileAsync("d.png", UploadSamples.Png(42, 29))).Str("file_id"));
    }

    [Fact]
    public async Task Without_the_ticket_or_the_cookie_an_upload_is_401_and_keeps_nothing()
    {
        using var alice = await server.NewAccountAsync("alice");
        var content = UploadSamples.UniquePdf();

        HttpRequestMessage Request(string query) => new(HttpMethod.Post, $"/api/file/upload{query}")
        {
            Content = new MultipartFormDataContent { { new ByteArrayContent(content), "files", "x.pdf" } },
        };

        (await alice.SendAsync(Request(""))).AssertError(401);
        (await alice.SendAsync(Request("?ticket="))).AssertError(401);
        (await alice.SendAsync(Request("?ticket=not-the-ticket"))).AssertError(401);
        (await alice.SendAsync(Request($"?ticket={alice.Ticket}"), cookieHeader: "token_id=00000000-0000-0000-0000-000000000000")).AssertError(401);
        using var anonymous = server.NewClient();
        (await anonymous.SendAsync(Request($"?ticket={alice.Ticket}"))).AssertError(401);
        // Someone else's ticket with alice's cookie.
        using var bob = await server.NewAccountAsync("bob");
        (await alice.SendAsync(Request($"?ticket={Uri.EscapeDataString(bob.Ticket!)}"))).AssertError(401);

        await using var db = server.OpenDb();
        Assert.Empty(db.Uploads.Where(u => u.AccountId == alice.AccountId).ToList());
        Assert.Empty(Directory.GetFiles(Path.Combine(server.FilesDirectory, "content"), UploadSamples.Sha256(content), SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(@"C:\fakepath\x.jpg", "x.jpg")]
    [InlineData("/home/user/photos/x.jpg", "x.jpg")]
    [InlineData("../../etc/x.jpg", "x.jpg")]
    [InlineData("dir\\..\\", "file")]
    [InlineData("  spaced name.jpg  ", "spaced name.jpg")]
    public async Task Path_components_are_stripped_from_file_names(string sent, string kept)
    {
        using var alice = await server.NewAccountAsync("alice");
        var body = Multipart("b0undary", ($"form-data; name=\"files\"; filename=\"{sent}\"", UploadSamples.Jpeg()));

        var response = (await SendMultipartAsync(alice, "b0undary", body)).EnsureOk();

        Assert.Equal(kept, Assert.Single(response.Json.GetProperty("files").EnumerateArray().ToList()).Str("name"));
    }

    [Fact]
    public async Task Raw_put_names_are_stripped_too()
    {
        using var alice = await server.NewAccountAsync("alice");

        var uploaded = await alice.UploadFileAsync(@"C:\fakepath\x.pdf", UploadSamples.Pdf, UploadEncoding.PutAttachment);

        Assert.Equal("x.pdf", uploaded.Str("name"));
    }

    [Fact]
    public async Task Over_long_file_names_are_cut_to_1024_characters()
    {
        using var alice = await server.NewAccountAsync("alice");
        var name = new string('a', 3000) + ".pdf";

        var multipart = await alice.UploadFileAsync(name, UploadSamples.Pdf);
        var raw = await alice.UploadFileAsync(name, UploadSamples.Pdf, UploadEncoding.PutFormData);

        Assert.Equal(new string('a', 1024), multipart.Str("name"));
        Assert.Equal(new string('a', 1024), raw.Str("name"));
    }

    [Fact]
    public async Task Non_ascii_names_survive_filename_star_and_raw_utf8()
    {
        using var alice = await server.NewAccountAsync("alice");
        const string name = "päev ühes – 日本.pdf";

        // .NET's MultipartFormDataContent sends filename* (RFC 5987); browsers send raw UTF-8 in filename.
        var star = await alice.UploadFileAsync(name, UploadSamples.Pdf);
        var body = Multipart("b0undary", ($"form-data; name=\"files\"; filename=\"{name}\"", UploadSamples.Pdf));
        var raw = (await SendMultipartAsync(alice, "b0undary", body)).EnsureOk();

        Assert.Equal(name, star.Str("name"));
        Assert.Equal(name, Assert.Single(raw.Json.GetProperty("files").EnumerateArray().ToList()).Str("name"));
    }

    [Fact]
    public async Task A_raw_put_without_a_name_is_called_file()
    {
        using var alice = await server.NewAccountAsync("alice");
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/file/upload?ticket={alice.Ticket}") { Content = new ByteArrayContent(UploadSamples.Pdf) };

        var response = (await alice.SendAsync(request)).EnsureOk();

        var file = Assert.Single(response.Json.GetProperty("files").EnumerateArray().ToList());
        Assert.Equal("file", file.Str("name"));
        Assert.Equal("application/pdf", file.Str("file_type"));
    }

    public static TheoryData<string, string> MalformedBodies() => new()
    {
        // The closing boundary never comes.
        { "ends early", "--b0undary\r\nContent-Disposition: form-data; name=\"files\"; filename=\"x.pdf\"\r\n\r\n%PDF-1.4 and then nothing" },
        // Not multipart at all, though it says so.
        { "no boundary line", "just some text, no boundary anywhere" },
        // Part headers that never end.
        { "endless headers", "--b0undary\r\nContent-Disposition: form-data; name=\"files\"; filename=\"x.pdf\"\r\n" + new string('x', 20000) },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_malformed_multipart_body_is_400_and_keeps_nothing(string why, string body)
    {
        using var alice = await server.NewAccountAsync("alice");

        var response = await SendMultipartAsync(alice, "b0undary", Encoding.UTF8.GetBytes(body));

        Assert.True(response.StatusCode == 400, $"{why}: {response.StatusCode} {response.Json}");
        response.AssertError(400);
        Assert.DoesNotContain(server.Logs.Events, e => e.Level >= Serilog.Events.LogEventLevel.Error);
        await using var db = server.OpenDb();
        Assert.Empty(db.Uploads.Where(u => u.AccountId == alice.AccountId).ToList());
        Assert.Empty(Directory.GetFiles(Path.Combine(server.FilesDirectory, "tmp")));
    }

    [Fact]
    public async Task A_multipart_body_without_a_boundary_parameter_is_400()
    {
        using var alice = await server.NewAccountAsync("alice");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/file/upload?ticket={alice.Ticket}") { Content = new ByteArrayContent(UploadSamples.Pdf) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data");

        (await alice.SendAsync(request)).AssertError(400);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_multipart_request_without_a_file_part_is_400(bool withFields)
    {
        using var alice = await server.NewAccountAsync("alice");
        var body = withFields
            ? Multipart("b0undary", ("form-data; name=\"files\"", "not a file: no filename"u8.ToArray()), ("form-data; name=\"upload_id\"", "1"u8.ToArray()))
            : Encoding.ASCII.GetBytes("--b0undary--\r\n");

        (await SendMultipartAsync(alice, "b0undary", body)).AssertError(400, "missing_param");

        await using var db = server.OpenDb();
        Assert.Empty(db.Uploads.Where(u => u.AccountId == alice.AccountId).ToList());
    }

    [Fact]
    public async Task Eight_clients_uploading_the_same_bytes_at_once_all_get_the_same_file_id_and_one_copy_is_kept()
    {
        var clients = new List<FleepTestClient>();
        for (var i = 0; i < 8; i++)
        {
            clients.Add(await server.NewAccountAsync($"uploader{i}"));
        }

        var content = UploadSamples.UniquePdf(300_000);
        var sha = UploadSamples.Sha256(content);
        try
        {
            var responses = await ConcurrentCalls.RunAsync(clients.Select((client, i) =>
                (Func<Task<FleepResponse>>)(() => client.UploadAsync($"same{i}.pdf", content, (UploadEncoding)(i % 6)))));

            server.AssertAllOk(responses);
            var files = responses.Select(r => Assert.Single(r.Json.GetProperty("files").EnumerateArray().ToList())).ToList();
            Assert.Equal(8, files.Count);
            Assert.Single(files.Select(f => f.Str("file_id")).Distinct());
            Assert.Equal(8, files.Select(f => f.Str("upload_url")).Distinct().Count());
            Assert.All(files, f => Assert.Equal(sha, f.Str("file_sha256")));
            var kept = Directory.GetFiles(Path.Combine(server.FilesDirectory, "content"), sha, SearchOption.AllDirectories);
            Assert.Equal(content, await File.ReadAllBytesAsync(Assert.Single(kept)));
            Assert.Empty(Directory.GetFiles(Path.Combine(server.FilesDirectory, "tmp")));
            await using var db = server.OpenDb();
            var ids = clients.Select(c => c.AccountId).ToList();
            Assert.Equal(8, db.Uploads.Count(u => ids.Contains(u.AccountId)));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Two_server_processes_on_one_folder_keep_the_same_bytes_at_once()
    {
        var peer = await server.StartPeerAsync();
        var clients = new List<FleepTestClient>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var account = await server.NewAccountAsync($"uploader{i}");
                // Every other client talks to the second process with the same session.
                clients.Add(i % 2 == 0 ? account : new FleepTestClient(peer.BaseAddress) { Token = account.Token, Ticket = account.Ticket });
                if (i % 2 == 1)
                {
                    account.Dispose();
                }
            }

            var content = UploadSamples.UniquePdf(500_000);
            var sha = UploadSamples.Sha256(content);
            var responses = await ConcurrentCalls.RunAsync(clients.Select(client =>
                (Func<Task<FleepResponse>>)(() => client.UploadAsync("shared.pdf", content, UploadEncoding.PutAttachment))));

            server.AssertAllOk(responses);
            var files = responses.Select(r => Assert.Single(r.Json.GetProperty("files").EnumerateArray().ToList())).ToList();
            Assert.Equal(8, files.Count);
            Assert.Single(files.Select(f => f.Str("file_id")).Distinct());
            Assert.Equal(8, files.Select(f => f.Str("upload_url")).Distinct().Count());
            var kept = Directory.GetFiles(Path.Combine(server.FilesDirectory, "content"), sha, SearchOption.AllDirectories);
            Assert.Equal(content, await File.ReadAllBytesAsync(Assert.Single(kept)));
            Assert.Empty(Directory.GetFiles(Path.Combine(server.FilesDirectory, "tmp")));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
            await server.StopPeerAsync(peer.Services);
        }
    }

    /// <summary>A multipart/form-data body written byte by byte, for what HttpClient would not send.</summary>
    internal static byte[] Multipart(string boundary, params (string Disposition, byte[] Content)[] parts)
    {
        using var body = new MemoryStream();
        foreach (var (disposition, content) in parts)
        {
            body.Write(Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: application/octet-stream\r\n\r\n"));
            body.Write(content);
            body.Write("\r\n"u8);
        }

        body.Write(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"));
        return body.ToArray();
    }

    internal static Task<FleepResponse> SendMultipartAsync(FleepTestClient client, string boundary, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/file/upload?ticket={Uri.EscapeDataString(client.Ticket!)}")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}");
        return client.SendAsync(request);
    }
}
