using System.Text;
using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Files;

/// <summary>
/// Attachments through a message's life (docs/files.md, "Attach"): message/edit and message/store
/// take the full new list (kept by file_url, added by upload_url, the rest removed), message/delete
/// removes one attachment or all with the message, message/copy copies them; every change is a
/// revision the other member gets in its poll with the file records.
/// </summary>
public sealed class AttachmentEditTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static byte[] Content(string text) => Encoding.UTF8.GetBytes(text);

    private static JsonElement FileNamed(IEnumerable<JsonElement> files, string name) => Assert.Single(files, f => f.Str("file_name") == name);

    [Fact]
    public async Task Edit_keeps_files_by_file_url_adds_new_ones_and_removes_the_rest_for_both_members()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var conv = await alice.CreateConversationAsync("files", bob);
        var a = await alice.UploadUrlAsync("a.txt", Content("first file"));
        var b = await alice.UploadUrlAsync("b.txt", Content("second file"));
        var sent = (await alice.SendAsync(conv, "two files", new { attachments = new[] { a, b } })).EnsureOk();
        var nr = sent.Json.Long("result_message_nr");
        Assert.Equal(2, sent.Files().Count);
        var fileA = FileNamed(sent.Files(), "a.txt");
        var fileB = FileNamed(sent.Files(), "b.txt");
        var bobHorizon = await bob.HorizonAsync();

        var c = await alice.UploadUrlAsync("c.txt", Content("third file"));
        var edited = (await alice.MessageAsync("edit", conv, new
        {
            message_nr = nr, message = "a and c", attachments = new[] { fileA.Str("file_url"), c },
        })).EnsureOk();

        var message = edited.Message();
        Assert.True(message.Long("flow_message_nr") > nr, "an attachment change is a revision with a new flow number");
        Assert.Equal(3, edited.Files().Count);
        var keptA = FileNamed(edited.Files(), "a.txt");
        Assert.Equal(fileA.Str("attachment_id"), keptA.Str("attachment_id"));
        Assert.False(keptA.Bool("is_deleted"));
        var removedB = Assert.Single(edited.Files(), f => f.Str("attachment_id") == fileB.Str("attachment_id"));
        Assert.True(removedB.Bool("is_deleted"));
        Assert.Equal(alice.AccountId.ToString(), removedB.Str("deleter_id"));
        var newC = FileNamed(edited.Files(), "c.txt");
        Assert.False(newC.Bool("is_deleted"));
        Assert.Equal(
            $"<msg><p>a and c</p><file key=\"{fileA.Str("attachment_id")}\">a.txt</file><file key=\"{fileB.Str("attachment_id")}\" is_deleted=\"true\"/>"
            + $"<file key=\"{newC.Str("attachment_id")}\">c.txt</file></msg>",
            message.Str("message"));

        // Bob's poll carries the revised message and its three file records right after it.
        var polled = await bob.PollToEndAsync(bobHorizon);
        var index = polled.FindLastIndex(r => r.Str("mk_rec_type") == "message" && r.Long("message_nr") == nr);
        Assert.True(index >= 0, "bob got the revision");
        Assert.Equal(message.Str("message"), polled[index].Str("message"));
        var bobsFiles = polled.Skip(index + 1).TakeWhile(r => r.Str("mk_rec_type") == "file").ToList();
        Assert.Equal(3, bobsFiles.Count);
        Assert.True(Assert.Single(bobsFiles, f => f.Str("attachment_id") == fileB.Str("attachment_id")).Bool("is_deleted"));

        // The removed file is no longer served; the new one is, to bob.
        using (var gone = await bob.GetFileAsync(removedB.Str("file_url")))
        {
            Assert.Equal(404, (int)gone.StatusCode);
        }

        using (var added = await bob.GetFileAsync(newC.Str("file_url")))
        {
            Assert.Equal(200, (int)added.StatusCode);
            Assert.Equal("third file", await added.Content.ReadAsStringAsync());
        }

        // An edit without attachments keeps the files; an empty text keeps a message that has files.
        var textOnly = (await alice.MessageAsync("edit", conv, new { message_nr = nr, message = "" })).EnsureOk();
        Assert.Equal(
            $"<msg><file key=\"{fileA.Str("attachment_id")}\">a.txt</file><file key=\"{fileB.Str("attachment_id")}\" is_deleted=\"true\"/>"
            + $"<file key=\"{newC.Str("attachment_id")}\">c.txt</file></msg>",
            textOnly.Message().Str("message"));
        Assert.Equal(2, textOnly.Files().Count(f => !f.Bool("is_deleted")));

        // Taking every file away from a message without text leaves nothing: refused, nothing changes.
        (await alice.MessageAsync("edit", conv, new { message_nr = nr, message = "", attachments = Array.Empty<string>() }))
            .AssertError(400, "empty_message");
        // A file_url of another message, or someone else's upload, is refused with the field's name.
        var other = (await alice.SendAsync(conv, "other", new { attachments = new[] { a } })).EnsureOk();
        var foreign = Assert.Single(other.Files()).Str("file_url");
        (await alice.MessageAsync("edit", conv, new { message_nr = nr, message = "x", attachments = new[] { foreign } }))
            .AssertError(400, "invalid_param");
        var bobsUpload = await bob.UploadUrlAsync("bob.txt", Content("bob's"));
        (await alice.MessageAsync("edit", conv, new { message_nr = nr, message = "x", attachments = new[] { bobsUpload } }))
            .AssertError(400, "invalid_param");
        var synced = (await bob.ConvAsync("sync", conv, new { mk_direction = "ic_end" })).EnsureOk();
        Assert.Equal(textOnly.Message().Str("message"), Assert.Single(synced.Messages(), m => m.Long("message_nr") == nr).Str("message"));
    }

    [Fact]
    public async Task Store_with_message_nr_replaces_the_attachments_as_edit_does()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("store");
        var a = await alice.UploadUrlAsync("a.txt", Content("aaa"));
        var sent = (await alice.SendAsync(conv, "", new { attachments = new[] { a } })).EnsureOk();
        var nr = sent.Json.Long("result_message_nr");
        var b = await alice.UploadUrlAsync("b.txt", Content("bbb"));

        var stored = (await alice.MessageAsync("store", conv, new { message_nr = nr, attachments = new[] { b }, tags = new[] { "pin" } })).EnsureOk();

        var message = stored.Message();
        Assert.Equal("urn:fleep:message:mk_message_state:pinned", message.Str("mk_message_state"));
        Assert.Equal(2, stored.Files().Count);
        Assert.True(FileNamed(stored.Files(), "a.txt").Bool("is_deleted"));
        Assert.False(FileNamed(stored.Files(), "b.txt").Bool("is_deleted"));
        Assert.StartsWith("<msg><file key=", message.Str("message"));
    }

    [Fact]
    public async Task Delete_with_attachment_id_removes_that_file_and_a_whole_delete_removes_them_all()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var conv = await alice.CreateConversationAsync("delete", bob);
        var a = await alice.UploadUrlAsync("a.txt", Content("aaaa"));
        var b = await alice.UploadUrlAsync("b.txt", Content("bbbb"));
        var sent = (await alice.SendAsync(conv, "files", new { attachments = new[] { a, b } })).EnsureOk();
        var nr = sent.Json.Long("result_message_nr");
        var idA = FileNamed(sent.Files(), "a.txt").Str("attachment_id");
        var idB = FileNamed(sent.Files(), "b.txt").Str("attachment_id");
        var bobHorizon = await bob.HorizonAsync();

        // Any member may delete, so bob may remove one attachment.
        var removed = (await bob.MessageAsync("delete", conv, new { message_nr = nr, attachment_id = idB })).EnsureOk();
        var message = removed.Message();
        Assert.Equal("urn:fleep:message:mk_message_state:plain", message.Str("mk_message_state"));
        Assert.Equal($"<msg><p>files</p><file key=\"{idA}\">a.txt</file><file key=\"{idB}\" is_deleted=\"true\"/></msg>", message.Str("message"));
        var fileB = FileNamed(removed.Files(), "b.txt");
        Assert.True(fileB.Bool("is_deleted"));
        Assert.Equal(bob.AccountId.ToString(), fileB.Str("deleter_id"));
        Assert.False(FileNamed(removed.Files(), "a.txt").Bool("is_deleted"));

        // Removing it again changes nothing; an id the message does not have is not_found.
        var flow = (await alice.HeaderAsync(conv)).Long("last_message_nr");
        (await alice.MessageAsync("delete", conv, new { message_nr = nr, attachment_id = idB })).EnsureOk();
        Assert.Equal(flow, (await alice.HeaderAsync(conv)).Long("last_message_nr"));
        (await alice.MessageAsync("delete", conv, new { message_nr = nr, attachment_id = "AAAAAAAAAAAAAAAAAAAAAA" })).AssertError(430, "not_found");

        // The whole message: deleted, every file removed by the deleter.
        var deleted = (await alice.MessageAsync("delete", conv, new { message_nr = nr })).EnsureOk();
        Assert.Equal("", deleted.Message().Str("message"));
        Assert.Equal("urn:fleep:message:mk_message_state:deleted", deleted.Message().Str("mk_message_state"));
        Assert.Equal(2, deleted.Files().Count);
        Assert.All(deleted.Files(), f => Assert.True(f.Bool("is_deleted")));
        Assert.Equal(alice.AccountId.ToString(), FileNamed(deleted.Files(), "a.txt").Str("deleter_id"));
        Assert.Equal(bob.AccountId.ToString(), FileNamed(deleted.Files(), "b.txt").Str("deleter_id"));

        var polled = await bob.PollToEndAsync(bobHorizon);
        var last = polled.FindLastIndex(r => r.Str("mk_rec_type") == "message" && r.Long("message_nr") == nr);
        Assert.Equal("urn:fleep:message:mk_message_state:deleted", polled[last].Str("mk_message_state"));
        var files = polled.Skip(last + 1).TakeWhile(r => r.Str("mk_rec_type") == "file").ToList();
        Assert.Equal(2, files.Count);
        Assert.All(files, f => Assert.True(f.Bool("is_deleted")));
    }

    [Fact]
    public async Task Copy_gives_the_new_message_its_own_attachments_that_the_target_members_can_download()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var carol = await server.NewAccountAsync("carol");
        var source = await alice.CreateConversationAsync("source");
        var target = await alice.CreateConversationAsync("target", carol);
        var a = await alice.UploadUrlAsync("a.txt", Content("copied bytes"));
        var b = await alice.UploadUrlAsync("b.txt", Content("removed bytes"));
        var sent = (await alice.SendAsync(source, "to copy", new { attachments = new[] { a, b } })).EnsureOk();
        var nr = sent.Json.Long("result_message_nr");
        (await alice.MessageAsync("delete", source, new { message_nr = nr, attachment_id = FileNamed(sent.Files(), "b.txt").Str("attachment_id") }))
            .EnsureOk();
        var carolHorizon = await carol.HorizonAsync();

        var copy = (await alice.MessageAsync("copy", source, new { message_nr = nr, to_conv_id = target })).EnsureOk();

        var file = Assert.Single(copy.Files());
        Assert.Equal("a.txt", file.Str("file_name"));
        Assert.NotEqual(FileNamed(sent.Files(), "a.txt").Str("attachment_id"), file.Str("attachment_id"));
        Assert.Equal(target, file.GetProperty("conversation_id").GetGuid());
        Assert.Equal($"<msg><p>to copy</p><file key=\"{file.Str("attachment_id")}\">a.txt</file></msg>", copy.Message().Str("message"));

        var polled = await carol.PollToEndAsync(carolHorizon);
        var seen = Assert.Single(polled, r => r.Str("mk_rec_type") == "file");
        using var download = await carol.GetFileAsync(seen.Str("file_url"));
        Assert.Equal(200, (int)download.StatusCode);
        Assert.Equal("copied bytes", await download.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Concurrent_attachment_edits_of_different_messages_all_apply_as_separate_revisions()
    {
        const int writers = 6;
        using var alice = await server.NewAccountAsync("alice");
        var others = await Task.WhenAll(Enumerable.Range(0, writers - 1).Select(i => server.NewAccountAsync($"w{i}")));
        FleepTestClient[] clients = [alice, .. others];
        var conv = await alice.CreateConversationAsync("busy", others);
        var messages = new List<(FleepTestClient Client, long Nr, string KeptUrl, string NewUpload)>();
        foreach (var client in clients)
        {
            var first = await client.UploadUrlAsync("old.txt", Content($"old of {client.AccountId}"));
            var sent = (await client.SendAsync(conv, "mine", new { attachments = new[] { first } })).EnsureOk();
            var next = await client.UploadUrlAsync("new.txt", Content($"new of {client.AccountId}"));
            messages.Add((client, sent.Json.Long("result_message_nr"), Assert.Single(sent.Files()).Str("file_url"), next));
        }

        var before = (await alice.HeaderAsync(conv)).Long("last_message_nr");
        var answers = await ConcurrentCalls.RunAsync(messages.Select(m => (Func<Task<FleepResponse>>)(() =>
            m.Client.MessageAsync("edit", conv, new { message_nr = m.Nr, message = "mine, edited", attachments = new[] { m.KeptUrl, m.NewUpload } }))));
        server.AssertAllOk(answers);

        // Each edit took its own flow number; every message has both files.
        var flows = answers.Select(r => r.Message().Long("flow_message_nr")).ToList();
        Assert.Equal(writers, flows.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, writers).Select(i => before + i), flows.Order());
        var synced = (await alice.ConvAsync("sync", conv, new { mk_direction = "ic_files" })).EnsureOk();
        Assert.Equal(writers, synced.Messages().Count);
        foreach (var (client, nr, _, _) in messages)
        {
            var files = synced.Files().Where(f => f.Long("message_nr") == nr).ToList();
            Assert.Equal(2, files.Count);
            Assert.Equal(["new.txt", "old.txt"], files.Select(f => f.Str("file_name")).Order());
            Assert.All(files, f => Assert.Equal(client.AccountId, f.GetProperty("account_id").GetGuid()));
        }

        foreach (var client in others)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Concurrent_removals_of_different_attachments_of_one_message_all_apply()
    {
        const int members = 5;
        var clients = await Task.WhenAll(Enumerable.Range(0, members).Select(i => server.NewAccountAsync($"d{i}")));
        var conv = await clients[0].CreateConversationAsync("removals", clients[1..]);
        var uploads = new List<string>();
        for (var i = 0; i < members + 1; i++)
        {
            uploads.Add(await clients[0].UploadUrlAsync($"f{i}.txt", Content($"file {i}")));
        }

        var sent = (await clients[0].SendAsync(conv, "many files", new { attachments = uploads })).EnsureOk();
        var nr = sent.Json.Long("result_message_nr");
        Assert.Equal(members + 1, sent.Files().Count);

        // Each member removes a different attachment at the same moment; f5.txt stays.
        var answers = await ConcurrentCalls.RunAsync(clients.Select((c, i) => (Func<Task<FleepResponse>>)(() =>
            c.MessageAsync("delete", conv, new { message_nr = nr, attachment_id = FileNamed(sent.Files(), $"f{i}.txt").Str("attachment_id") }))));
        server.AssertAllOk(answers);

        var synced = (await clients[0].ConvAsync("sync", conv, new { mk_direction = "ic_end" })).EnsureOk();
        var files = synced.Files();
        Assert.Equal(members + 1, files.Count);
        for (var i = 0; i < members; i++)
        {
            var removed = FileNamed(files, $"f{i}.txt");
            Assert.True(removed.Bool("is_deleted"));
            Assert.Equal(clients[i].AccountId.ToString(), removed.Str("deleter_id"));
        }

        Assert.False(FileNamed(files, $"f{members}.txt").Bool("is_deleted"));
        Assert.Equal(members, answers.Select(r => r.Message().Long("flow_message_nr")).Distinct().Count());
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Concurrent_copies_of_a_file_message_each_get_their_own_attachment()
    {
        const int copies = 5;
        using var alice = await server.NewAccountAsync("alice");
        var source = await alice.CreateConversationAsync("source");
        var target = await alice.CreateConversationAsync("target");
        var sent = (await alice.SendAsync(source, "", new { attachments = new[] { await alice.UploadUrlAsync("c.txt", Content("copy me")) } })).EnsureOk();
        var nr = sent.Json.Long("result_message_nr");

        var answers = await ConcurrentCalls.RunAsync(Enumerable.Range(0, copies).Select(_ => (Func<Task<FleepResponse>>)(() =>
            alice.MessageAsync("copy", source, new { message_nr = nr, to_conv_id = target }))));
        server.AssertAllOk(answers);

        var ids = answers.Select(r => Assert.Single(r.Files()).Str("attachment_id")).ToList();
        Assert.Equal(copies, ids.Distinct().Count());
        var drawer = (await alice.ConvAsync("sync_files", target)).EnsureOk();
        Assert.Equal(copies, drawer.Messages().Count);
        Assert.Equal(ids.Order(), drawer.Files().Select(f => f.Str("attachment_id")).Order());
    }
}
