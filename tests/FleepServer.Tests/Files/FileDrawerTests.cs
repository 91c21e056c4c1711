using System.Text;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Files;

/// <summary>
/// The file drawer (docs/files.md, "The file drawer"): conversation/sync_files pages backwards
/// through the messages that show files with <c>file_horizon</c>, sync ic_files returns them, only
/// what the caller sees is listed, and file/rename renames an attachment for everyone.
/// </summary>
public sealed class FileDrawerTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static byte[] Content(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Sync_files_pages_through_45_file_messages_newest_first_in_three_calls()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var conv = await alice.CreateConversationAsync("drawer", bob);
        var upload = await alice.UploadUrlAsync("page.txt", Content("a page"));
        var fileNrs = new List<long>();
        for (var i = 0; i < 45; i++)
        {
            fileNrs.Add((await alice.SendAsync(conv, $"file {i}", new { attachments = new[] { upload } })).EnsureOk().Json.Long("result_message_nr"));
            (await bob.SendAsync(conv, $"text {i}")).EnsureOk();
        }

        // One file message whose only file was removed is no longer in the drawer.
        var removed = (await alice.SendAsync(conv, "removed", new { attachments = new[] { upload } })).EnsureOk();
        (await alice.MessageAsync("delete", conv, new
        {
            message_nr = removed.Json.Long("result_message_nr"), attachment_id = Assert.Single(removed.Files()).Str("attachment_id"),
        })).EnsureOk();

        var first = (await bob.ConvAsync("sync_files", conv)).EnsureOk();
        Assert.Equal(20, first.Messages().Count);
        Assert.Equal(fileNrs.Skip(25), first.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(20, first.Files().Count);
        Assert.Equal(fileNrs[25], first.Header().Long("file_horizon"));

        var second = (await bob.ConvAsync("sync_files", conv, new { from_message_nr = first.Header().Long("file_horizon") })).EnsureOk();
        Assert.Equal(fileNrs.Skip(5).Take(20), second.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(fileNrs[5], second.Header().Long("file_horizon"));

        var third = (await bob.ConvAsync("sync_files", conv, new { from_message_nr = second.Header().Long("file_horizon") })).EnsureOk();
        Assert.Equal(fileNrs.Take(5), third.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(5, third.Files().Count);
        Assert.Equal(0, third.Header().Long("file_horizon"));

        // Each message is followed by its file record.
        var stream = third.Stream();
        Assert.Equal(10, stream.Count);
        for (var i = 0; i < 10; i += 2)
        {
            Assert.Equal("message", stream[i].Str("mk_rec_type"));
            Assert.Equal("file", stream[i + 1].Str("mk_rec_type"));
            Assert.Equal(stream[i].Long("message_nr"), stream[i + 1].Long("message_nr"));
        }

        // Other answers carry no file_horizon; a bad limit or position is 400; an outsider gets not_found.
        Assert.False((await bob.HeaderAsync(conv)).Has("file_horizon"));
        (await bob.ConvAsync("sync_files", conv, new { from_message_nr = 10_000 })).AssertError(400, "invalid_param");
        (await bob.ConvAsync("sync_files", conv, new { limit = 0 })).AssertError(400);
        using var eve = await server.NewAccountAsync("eve");
        (await eve.ConvAsync("sync_files", conv)).AssertError(430, "not_found");
        // Without a session: 401, as every api call.
        using var anonymous = server.NewClient();
        Assert.Equal(401, (await anonymous.PostAsync($"/api/conversation/sync_files/{conv}", new { }, withTicket: false)).StatusCode);
        Assert.Equal(401, (await anonymous.PostAsync($"/api/file/rename/{conv}", new { file_id = "x", file_name = "y" }, withTicket: false)).StatusCode);
    }

    [Fact]
    public async Task Ic_files_returns_only_file_messages_the_caller_sees()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        using var carol = await server.NewAccountAsync("carol");
        var conv = await alice.CreateConversationAsync("ic files", bob);
        var upload = await alice.UploadUrlAsync("x.txt", Content("x"));
        (await alice.SendAsync(conv, "plain text")).EnsureOk();
        var early = (await alice.SendAsync(conv, "early file", new { attachments = new[] { upload } })).EnsureOk().Json.Long("result_message_nr");
        (await alice.ConvAsync("add_members", conv, new { account_ids = new[] { carol.AccountId } })).EnsureOk();
        var late = (await alice.SendAsync(conv, "late file", new { attachments = new[] { upload } })).EnsureOk().Json.Long("result_message_nr");
        (await alice.SendAsync(conv, "more text")).EnsureOk();

        var bobs = (await bob.ConvAsync("sync", conv, new { mk_direction = "ic_files" })).EnsureOk();
        Assert.Equal([early, late], bobs.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(2, bobs.Files().Count);
        Assert.Equal(0, bobs.Header().Long("file_horizon"));

        // Carol joined after the early file (no disclose): only the late one is hers to see.
        var carols = (await carol.ConvAsync("sync", conv, new { mk_direction = "ic_files" })).EnsureOk();
        Assert.Equal([late], carols.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal([late], (await carol.ConvAsync("sync_files", conv)).EnsureOk().Messages().Select(m => m.Long("message_nr")));
    }

    [Fact]
    public async Task Rename_gives_the_attachment_a_new_name_for_both_members()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var conv = await alice.CreateConversationAsync("rename", bob);
        var upload = await alice.UploadUrlAsync("draft.txt", Content("renamed content"));
        var sent = (await alice.SendAsync(conv, "see file", new { attachments = new[] { upload } })).EnsureOk();
        var nr = sent.Json.Long("result_message_nr");
        var file = Assert.Single(sent.Files());
        var id = file.Str("attachment_id");
        var bobHorizon = await bob.HorizonAsync();

        // file_id = the attachment_id; the message is found without message_nr.
        var renamed = (await alice.PostAsync($"/api/file/rename/{conv}", new { file_id = id, file_name = "final.txt" })).EnsureOk();
        Assert.Equal(nr, renamed.Json.Long("result_message_nr"));
        var message = renamed.Message();
        Assert.True(message.Long("flow_message_nr") > nr);
        Assert.Equal($"<msg><p>see file</p><file key=\"{id}\">final.txt</file></msg>", message.Str("message"));
        var record = Assert.Single(renamed.Files());
        Assert.Equal("final.txt", record.Str("file_name"));
        Assert.EndsWith("/final.txt", record.Str("file_url"));

        var polled = await bob.PollToEndAsync(bobHorizon);
        var seen = polled.Last(r => r.Str("mk_rec_type") == "file" && r.Str("attachment_id") == id);
        Assert.Equal("final.txt", seen.Str("file_name"));
        Assert.Contains(polled, r => r.Str("mk_rec_type") == "message" && r.Str("message") == message.Str("message"));
        using (var download = await bob.GetFileAsync(seen.Str("file_url")))
        {
            Assert.Equal(200, (int)download.StatusCode);
            Assert.Equal("renamed content", await download.Content.ReadAsStringAsync());
        }

        // attachment_id with message_nr works as well; bob may not rename alice's plain message.
        (await alice.PostAsync($"/api/file/rename/{conv}", new { attachment_id = id, message_nr = nr, file_name = "again.txt" })).EnsureOk();
        (await bob.PostAsync($"/api/file/rename/{conv}", new { file_id = id, file_name = "bob.txt" })).AssertError(431, "invalid_edit");
        (await alice.PostAsync($"/api/file/rename/{conv}", new { file_id = "AAAAAAAAAAAAAAAAAAAAAA", file_name = "x.txt" })).AssertError(430, "not_found");
        (await alice.PostAsync($"/api/file/rename/{conv}", new { file_id = id, file_name = "a/b" })).AssertError(400, "invalid_param");
        (await alice.PostAsync($"/api/file/rename/{conv}", new { file_id = id })).AssertError(400);
        var synced = (await bob.ConvAsync("sync_files", conv)).EnsureOk();
        Assert.Equal("again.txt", Assert.Single(synced.Files()).Str("file_name"));
    }

    [Fact]
    public async Task Concurrent_renames_of_attachments_in_different_messages_all_apply()
    {
        const int writers = 5;
        var clients = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => server.NewAccountAsync($"r{i}")));
        var conv = await clients[0].CreateConversationAsync("renames", clients[1..]);
        var files = new List<(FleepTestClient Client, string Id)>();
        foreach (var client in clients)
        {
            var upload = await client.UploadUrlAsync("before.txt", Content("same"));
            var sent = (await client.SendAsync(conv, "file", new { attachments = new[] { upload } })).EnsureOk();
            files.Add((client, Assert.Single(sent.Files()).Str("attachment_id")));
        }

        var answers = await ConcurrentCalls.RunAsync(files.Select((f, i) => (Func<Task<FleepResponse>>)(() =>
            f.Client.PostAsync($"/api/file/rename/{conv}", new { file_id = f.Id, file_name = $"after-{i}.txt" }))));
        server.AssertAllOk(answers);

        var drawer = (await clients[0].ConvAsync("sync_files", conv)).EnsureOk();
        Assert.Equal(writers, drawer.Files().Count);
        for (var i = 0; i < writers; i++)
        {
            Assert.Equal($"after-{i}.txt", Assert.Single(drawer.Files(), f => f.Str("attachment_id") == files[i].Id).Str("file_name"));
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}
