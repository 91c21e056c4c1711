using System.Security.Cryptography;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Files;

/// <summary>Uploading a file, attaching it to a message, and the other member downloading it.</summary>
public sealed class FileAttachTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray();

    [Fact]
    public async Task An_uploaded_pdf_attached_to_a_message_reaches_the_other_member_who_downloads_the_same_bytes()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var conv = await alice.CreateConversationAsync("files", bob);

        var uploaded = await alice.UploadFileAsync("report.pdf", Pdf);
        Assert.Equal("report.pdf", uploaded.Str("name"));
        Assert.Equal(Pdf.Length, uploaded.Long("size"));
        Assert.Equal("application/pdf", uploaded.Str("file_type"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Pdf)), uploaded.Str("file_sha256"));

        var sent = (await alice.SendAsync(conv, "the report", new { attachments = new[] { uploaded.Str("upload_url") } })).EnsureOk();
        var file = Assert.Single(sent.Files());
        var attachmentId = file.Str("attachment_id");
        Assert.Equal($"<msg><p>the report</p><file key=\"{attachmentId}\">report.pdf</file></msg>", sent.Message().Str("message"));
        Assert.Equal(sent.Json.Long("result_message_nr"), file.Long("message_nr"));
        Assert.Equal(alice.AccountId, file.GetProperty("account_id").GetGuid());
        Assert.Equal("application/pdf", file.Str("file_type"));
        Assert.StartsWith("/file/", file.Str("file_url"));

        var synced = (await bob.ConvAsync("sync", conv, new { mk_direction = "ic_full" })).EnsureOk();
        var seen = Assert.Single(synced.Files());
        Assert.Equal(file.Str("file_url"), seen.Str("file_url"));

        using var download = await bob.GetFileAsync(seen.Str("file_url"));
        Assert.Equal(200, (int)download.StatusCode);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Fact]
    public async Task An_outsider_gets_404_and_no_bytes()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var eve = await server.NewAccountAsync("eve");
        var conv = await alice.CreateConversationAsync("private");
        var url = await alice.UploadUrlAsync("secret.pdf", Pdf);
        var file = Assert.Single((await alice.SendAsync(conv, "secret", new { attachments = new[] { url } })).EnsureOk().Files());

        using var download = await eve.GetFileAsync(file.Str("file_url"));
        Assert.Equal(404, (int)download.StatusCode);
        Assert.DoesNotContain("%PDF", await download.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_file_uploaded_through_one_server_process_is_attached_and_downloaded_through_another()
    {
        using var alice = await server.NewAccountAsync("alice");
        var peer = await server.StartPeerAsync();
        using var bob = new FleepTestClient(peer.BaseAddress);
        var email = $"bob.{Guid.NewGuid():N}@example.org";
        await bob.RegisterAsync(email, "correct horse", "Bob");
        await bob.LoginAsync(email, "correct horse");
        var conv = await alice.CreateConversationAsync("two processes", bob);

        var url = await alice.UploadUrlAsync("shared.pdf", Pdf);
        var file = Assert.Single((await alice.SendAsync(conv, "across", new { attachments = new[] { url } })).EnsureOk().Files());

        using var download = await bob.GetFileAsync(file.Str("file_url"));
        Assert.Equal(200, (int)download.StatusCode);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Members_sending_files_at_once_all_post_and_every_member_receives_every_file_record()
    {
        const int senders = 8;
        using var owner = await server.NewAccountAsync("owner");
        var members = new List<FleepTestClient>();
        for (var i = 0; i < senders; i++)
        {
            members.Add(await server.NewAccountAsync($"m{i}"));
        }

        var conv = await owner.CreateConversationAsync("busy", [.. members]);
        var horizon = await owner.HorizonAsync();
        var contents = Enumerable.Range(0, senders).Select(i => System.Text.Encoding.UTF8.GetBytes($"%PDF-1.4 file {i}\n")).ToList();
        var urls = new List<string>();
        for (var i = 0; i < senders; i++)
        {
            urls.Add(await members[i].UploadUrlAsync($"f{i}.pdf", contents[i]));
        }

        var answers = await ConcurrentCalls.RunAsync(Enumerable.Range(0, senders)
            .Select(i => (Func<Task<FleepResponse>>)(() => members[i].SendAsync(conv, $"file {i}", new { attachments = new[] { urls[i] } }))));
        server.AssertAllOk(answers);

        var numbers = answers.Select(a => a.Json.Long("result_message_nr")).Order().ToList();
        Assert.Equal(senders, numbers.Distinct().Count());
        var records = await owner.PollToEndAsync(horizon);
        var files = records.Where(r => r.Str("mk_rec_type") == "file").ToList();
        Assert.Equal(senders, files.Count);
        Assert.Equal(numbers, files.Select(f => f.Long("message_nr")).Order().ToList());
        for (var i = 0; i < senders; i++)
        {
            var mine = Assert.Single(files, f => f.Str("file_name") == $"f{i}.pdf");
            using var download = await owner.GetFileAsync(mine.Str("file_url"));
            Assert.Equal(contents[i], await download.Content.ReadAsByteArrayAsync());
        }

        foreach (var member in members)
        {
            member.Dispose();
        }
    }
}
