using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Hooks;

/// <summary>A hook server whose uploads may have at most 64 KiB (and hook text fields the usual 1 MiB).</summary>
public sealed class HookFilesFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    public const long Cap = 64 * 1024;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Files:MaxUploadBytes"] = Cap.ToString(),
        ["Fleep:Hooks:PostsPerWindow"] = "0",
    };
}

/// <summary>Files posted to a hook (multipart <c>files</c> parts) become the attachments of the posted message.</summary>
public sealed class HookFileTests(HookFilesFixture server) : IClassFixture<HookFilesFixture>
{
    private static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray();

    private static byte[] Noise(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static MultipartFormDataContent Post(string? message, string? user, params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        if (message is not null)
        {
            form.Add(new StringContent(message), "message");
        }

        if (user is not null)
        {
            form.Add(new StringContent(user), "user");
        }

        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }

        return form;
    }

    private static async Task<FleepResponse> SendAsync(FleepTestClient sender, string url, HttpContent content) =>
        await sender.SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = content });

    [Fact]
    public async Task Text_and_two_files_make_one_message_with_two_attachments_a_member_downloads()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();
        var data = Noise(40_000, 7);
        var horizon = await hooked.Member.HorizonAsync();

        var answer = (await SendAsync(sender, hooked.Url, Post("nightly *report*", "Jenkins", ("report.pdf", Pdf), ("data.bin", data)))).EnsureOk();
        Assert.Equal("{}", answer.Json.GetRawText());

        var records = await hooked.Member.PollToEndAsync(horizon);
        var message = Assert.Single(await hooked.MessagesAsync());
        var files = records.Where(r => r.Str("mk_rec_type") == "file" && r.GetProperty("conversation_id").GetGuid() == hooked.ConversationId)
            .GroupBy(r => r.Str("attachment_id")).Select(g => g.Last()).ToList();
        Assert.Equal(2, files.Count);
        var pdf = Assert.Single(files, f => f.Str("file_name") == "report.pdf");
        var bin = Assert.Single(files, f => f.Str("file_name") == "data.bin");
        Assert.Equal(
            $"<msg><p>nightly <b>report</b></p><file key=\"{pdf.Str("attachment_id")}\">report.pdf</file><file key=\"{bin.Str("attachment_id")}\">data.bin</file></msg>",
            message.Str("message"));
        Assert.Equal(hooked.HookKey, message.Str("hook_key"));
        Assert.Equal("Jenkins", message.Str("sender_name"));
        Assert.Equal(hooked.Owner.AccountId, message.GetProperty("account_id").GetGuid());

        foreach (var (file, content, type) in new[] { (pdf, Pdf, "application/pdf"), (bin, data, "application/octet-stream") })
        {
            Assert.Equal(message.Long("message_nr"), file.Long("message_nr"));
            Assert.Equal(hooked.Owner.AccountId, file.GetProperty("account_id").GetGuid());
            Assert.Equal("Jenkins", file.Str("sender_name"));
            Assert.Equal(content.Length, file.Long("file_size"));
            Assert.Equal(type, file.Str("file_type"));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), file.Str("file_sha256"));
            using var download = await hooked.Member.GetFileAsync(file.Str("file_url"));
            Assert.Equal(200, (int)download.StatusCode);
            Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task Files_without_text_make_a_message_of_files_only()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();

        (await SendAsync(sender, hooked.Url, Post(null, null, ("only.pdf", Pdf)))).EnsureOk();

        var message = Assert.Single(await hooked.MessagesAsync());
        Assert.Matches("^<msg><file key=\"[A-Za-z0-9_-]{22}\">only.pdf</file></msg>$", message.Str("message"));
        Assert.False(message.Has("sender_name"));
    }

    [Fact]
    public async Task A_file_over_the_upload_cap_is_413_and_posts_nothing()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();

        var refused = await SendAsync(sender, hooked.Url, Post("too big", null, ("big.bin", new byte[HookFilesFixture.Cap + 1])));

        refused.AssertError(413, "file_too_large");
        Assert.Empty(await hooked.MessagesAsync());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.FilesDirectory, "tmp")));
    }

    [Fact]
    public async Task A_multipart_post_with_neither_text_nor_files_is_empty_message()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        using var sender = server.NewClient();

        (await SendAsync(sender, hooked.Url, Post(null, "Jenkins"))).AssertError(400, "empty_message");
        Assert.Empty(await hooked.MessagesAsync());
    }

    [Fact]
    public async Task Concurrent_posts_with_files_each_make_their_message()
    {
        using var hooked = await HookedConversation.CreateAsync(server);
        var contents = Enumerable.Range(0, 6).Select(i => Noise(10_000 + i, 50 + i)).ToList();
        var horizon = await hooked.Member.HorizonAsync();

        await Task.WhenAll(contents.Select(async (content, i) =>
        {
            using var sender = server.NewClient();
            (await SendAsync(sender, hooked.Url, Post($"post {i}", null, ($"f{i}.bin", content)))).EnsureOk();
        }));

        var messages = await hooked.MessagesAsync();
        Assert.Equal(6, messages.Count);
        var files = (await hooked.Member.PollToEndAsync(horizon))
            .Where(r => r.Str("mk_rec_type") == "file" && r.GetProperty("conversation_id").GetGuid() == hooked.ConversationId)
            .GroupBy(r => r.Str("attachment_id")).Select(g => g.Last()).ToList();
        Assert.Equal(6, files.Count);
        for (var i = 0; i < contents.Count; i++)
        {
            var file = Assert.Single(files, f => f.Str("file_name") == $"f{i}.bin");
            var message = Assert.Single(messages, m => m.Long("message_nr") == file.Long("message_nr"));
            Assert.Contains($"post {i}", message.Str("message"));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(contents[i])), file.Str("file_sha256"));
        }
    }
}
