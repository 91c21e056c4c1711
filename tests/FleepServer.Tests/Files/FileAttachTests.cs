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
}
