using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Files;

/// <summary>
/// Files through api/event/store (docs/compatibility.md, "Files"): <c>attachment_urls</c> on the
/// message events, <c>edit_attachments</c>, <c>delete_attachments</c>, the drawer events
/// <c>conv:sync_files</c> and <c>conv:sync_files:2</c>, and the same records for the other member
/// whether a change came through the classic call or its event.
/// </summary>
public sealed partial class FileEventTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static byte[] Content(string text) => Encoding.UTF8.GetBytes(text);

    private static JsonElement Named(IEnumerable<JsonElement> files, string name) => Assert.Single(files, f => f.Str("file_name") == name);

    [Fact]
    public async Task Add_plain_pinned_and_todo_take_attachment_urls()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var conv = await alice.CreateConversationAsync("events", bob);
        var bobHorizon = await bob.HorizonAsync();

        foreach (var (type, state) in new[] { ("message:add_plain", "plain"), ("message:add_pinned", "pinned"), ("message:add_todo", "todo") })
        {
            var url = await alice.UploadUrlAsync($"{state}.txt", Content(state));
            var result = (await alice.EventAsync(type, new { conversation_id = conv, message = "", attachment_urls = new[] { url } })).EnsureApplied();
            var nr = result.Identifier.Long("message_nr");
            var message = Assert.Single(result.OfType("message"), m => m.Long("message_nr") == nr);
            Assert.Equal("urn:fleep:message:mk_message_state:" + state, message.Str("mk_message_state"));
            var file = Assert.Single(result.OfType("file"));
            Assert.Equal($"{state}.txt", file.Str("file_name"));
            Assert.Equal($"<msg><file key=\"{file.Str("attachment_id")}\">{state}.txt</file></msg>", message.Str("message"));
        }

        var polled = await bob.PollToEndAsync(bobHorizon);
        Assert.Equal(["pinned.txt", "plain.txt", "todo.txt"], polled.Where(r => r.Str("mk_rec_type") == "file").Select(f => f.Str("file_name")).Order());

        // An upload that is not the caller's is refused, naming attachment_urls; nothing is posted.
        var before = (await alice.HeaderAsync(conv)).Long("last_message_nr");
        var bobsUpload = await bob.UploadUrlAsync("bob.txt", Content("bob"));
        var refused = (await alice.EventAsync("message:add_plain", new { conversation_id = conv, message = "x", attachment_urls = new[] { bobsUpload } }))
            .AssertRefused(400, "invalid_param");
        Assert.Contains("attachment_urls", refused.Str("error_message"));
        Assert.Equal(before, (await alice.HeaderAsync(conv)).Long("last_message_nr"));
    }

    [Fact]
    public async Task Edit_replaces_the_files_while_edit_attachments_and_delete_attachments_change_only_files()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("edits");
        var a = await alice.UploadUrlAsync("a.txt", Content("a"));
        var b = await alice.UploadUrlAsync("b.txt", Content("b"));
        var sent = (await alice.SendAsync(conv, "text stays", new { attachments = new[] { a, b } })).EnsureOk();
        var nr = sent.Json.Long("result_message_nr");
        var fileA = Named(sent.Files(), "a.txt");

        // edit_attachments: the list is replaced, the text stays.
        var c = await alice.UploadUrlAsync("c.txt", Content("c"));
        var edited = (await alice.EventAsync("message:edit_attachments", new
        {
            conversation_id = conv, message_nr = nr, attachment_urls = new[] { fileA.Str("file_url"), c },
        })).EnsureApplied();
        Assert.Equal(nr, edited.Identifier.Long("message_nr"));
        Assert.StartsWith("<msg><p>text stays</p>", Assert.Single(edited.OfType("message")).Str("message"));
        Assert.Equal(3, edited.OfType("file").Count);
        Assert.True(Named(edited.OfType("file"), "b.txt").Bool("is_deleted"));
        Assert.False(Named(edited.OfType("file"), "c.txt").Bool("is_deleted"));

        // delete_attachments with file_urls removes those; an attachment of another message is refused.
        var fileC = Named(edited.OfType("file"), "c.txt");
        var removed = (await alice.EventAsync("message:delete_attachments", new
        {
            conversation_id = conv, message_nr = nr, attachment_urls = new[] { fileC.Str("file_url") },
        })).EnsureApplied();
        Assert.True(Named(removed.OfType("file"), "c.txt").Bool("is_deleted"));
        Assert.False(Named(removed.OfType("file"), "a.txt").Bool("is_deleted"));
        var other = (await alice.SendAsync(conv, "other", new { attachments = new[] { a } })).EnsureOk();
        (await alice.EventAsync("message:delete_attachments", new
        {
            conversation_id = conv, message_nr = nr, attachment_urls = new[] { Assert.Single(other.Files()).Str("file_url") },
        })).AssertRefused(400, "invalid_param");

        // edit is a full replace: without attachment_urls the files go (the text stays, so the message does).
        var replaced = (await alice.EventAsync("message:edit", new { conversation_id = conv, message_nr = nr, message = "only text" })).EnsureApplied();
        Assert.Equal(3, replaced.OfType("file").Count);
        Assert.All(replaced.OfType("file"), f => Assert.True(f.Bool("is_deleted")));
        Assert.StartsWith("<msg><p>only text</p>", Assert.Single(replaced.OfType("message")).Str("message"));

        // delete_attachments without a list removes every file of the message; the message stays.
        var d = await alice.UploadUrlAsync("d.txt", Content("d"));
        var e = await alice.UploadUrlAsync("e.txt", Content("e"));
        var two = (await alice.SendAsync(conv, "two more", new { attachments = new[] { d, e } })).EnsureOk();
        var all = (await alice.EventAsync("message:delete_attachments", new { conversation_id = conv, message_nr = two.Json.Long("result_message_nr") }))
            .EnsureApplied();
        Assert.Equal(2, all.OfType("file").Count);
        Assert.All(all.OfType("file"), f => Assert.True(f.Bool("is_deleted")));
        Assert.Equal("urn:fleep:message:mk_message_state:plain", Assert.Single(all.OfType("message")).Str("mk_message_state"));
    }

    [Fact]
    public async Task Sync_files_events_page_with_their_cursors()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("drawer events");
        var upload = await alice.UploadUrlAsync("p.txt", Content("p"));
        var nrs = new List<long>();
        for (var i = 0; i < 25; i++)
        {
            nrs.Add((await alice.SendAsync(conv, $"f{i}", new { attachments = new[] { upload } })).EnsureOk().Json.Long("result_message_nr"));
        }

        // conv:sync_files: 20 newest, the request record's sync_cursor asks for the rest.
        var first = (await alice.EventAsync("conv:sync_files", new { conversation_id = conv })).EnsureApplied();
        Assert.Equal(nrs.Skip(5), first.OfType("message").Select(m => m.Long("message_nr")));
        var cursor = first.Request.GetProperty("sync_cursor");
        Assert.Equal(conv, cursor.GetProperty("conversation_id").GetGuid());
        Assert.Equal(nrs[5], cursor.Long("message_nr"));
        Assert.Equal(nrs[5], Assert.Single(first.OfType("conv")).Long("file_horizon"));

        var rest = (await alice.EventAsync("conv:sync_files", new { conversation_id = conv, sync_cursor = new { conversation_id = conv, message_nr = nrs[5] } }))
            .EnsureApplied();
        Assert.Equal(nrs.Take(5), rest.OfType("message").Select(m => m.Long("message_nr")));
        Assert.False(rest.Request.TryGetProperty("sync_cursor", out var done) && done.ValueKind != JsonValueKind.Null);

        // conv:sync_files:2: the batch stops above the client's limit.message_nr (the page size is the catalogue's ignored 20).
        var second = (await alice.EventAsync("conv:sync_files:2", new
        {
            conversation_id = conv,
            file_sync_state = new { limit = new { message_nr = nrs[17] }, sync_cursor = new { conversation_id = conv, message_nr = nrs[24] } },
        })).EnsureApplied();
        Assert.Equal(nrs.Skip(18).Take(6), second.OfType("message").Select(m => m.Long("message_nr")));
        Assert.Equal(0, Assert.Single(second.OfType("conv")).Long("file_horizon"));
        var all = (await alice.EventAsync("conv:sync_files:2", new { conversation_id = conv })).EnsureApplied();
        Assert.Equal(nrs.Skip(5), all.OfType("message").Select(m => m.Long("message_nr")));
        Assert.Equal(nrs[5], all.Request.GetProperty("sync_cursor").Long("message_nr"));
    }

    public static TheoryData<string> Scenarios => ["send", "edit_attachments", "delete_attachment", "edit"];

    /// <summary>
    /// The same attachment change through the classic call in one conversation and through its
    /// event in another leaves the other member with the same records (ids, URLs and times aside).
    /// </summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Event_and_classic_call_leave_the_other_member_the_same_records(string scenario)
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var seenByB = new List<JsonElement>();

        async Task<List<string>> Run(bool viaEvent)
        {
            var conv = await a.CreateConversationAsync("same", b);
            var one = await a.UploadUrlAsync("one.txt", Content("one"));
            var two = await a.UploadUrlAsync("two.txt", Content("two"));
            var sent = (await a.SendAsync(conv, "first", new { attachments = new[] { one, two } })).EnsureOk();
            var nr = sent.Json.Long("result_message_nr");
            var keep = Named(sent.Files(), "one.txt");
            var drop = Named(sent.Files(), "two.txt");
            var three = await a.UploadUrlAsync("three.txt", Content("three"));
            var horizon = await b.HorizonAsync();
            async Task Act(string method, object body, string eventName, object parameters)
            {
                if (viaEvent)
                {
                    var p = JsonSerializer.SerializeToNode(parameters)!.AsObject();
                    p["conversation_id"] = conv;
                    (await a.EventAsync(eventName, p)).EnsureApplied();
                }
                else
                {
                    (await a.MessageAsync(method, conv, body)).EnsureOk();
                }
            }

            switch (scenario)
            {
                case "send":
                    await Act("send", new { message = "new", attachments = new[] { three } }, "message:add_plain", new { message = "new", attachment_urls = new[] { three } });
                    break;
                case "edit_attachments":
                    await Act("edit", new { message_nr = nr, message = "first", attachments = new[] { keep.Str("file_url"), three } },
                        "message:edit_attachments", new { message_nr = nr, attachment_urls = new[] { keep.Str("file_url"), three } });
                    break;
                case "delete_attachment":
                    await Act("delete", new { message_nr = nr, attachment_id = drop.Str("attachment_id") },
                        "message:delete_attachments", new { message_nr = nr, attachment_urls = new[] { drop.Str("file_url") } });
                    break;
                case "edit":
                    await Act("edit", new { message_nr = nr, message = "changed", subject = "", attachments = new[] { keep.Str("file_url") } },
                        "message:edit", new { message_nr = nr, message = "changed", attachment_urls = new[] { keep.Str("file_url") } });
                    break;
            }

            var records = (await b.PollToEndAsync(horizon)).Where(r => r.Str("mk_rec_type") is "message" or "file").ToList();
            Assert.NotEmpty(records);
            if (viaEvent)
            {
                seenByB.AddRange(records);
            }

            var state = (await a.ConvAsync("sync", conv, new { mk_direction = "ic_files" })).EnsureOk().Stream();
            return [.. records.Concat(state).Select(Normalize)];
        }

        var classic = await Run(viaEvent: false);
        var viaEvents = await Run(viaEvent: true);
        Assert.Equal(classic, viaEvents);

        // What bob got also matches the inputs: which files are there and which were removed.
        var files = seenByB.Where(r => r.Str("mk_rec_type") == "file").ToList();
        var last = files.GroupBy(f => f.Str("attachment_id")).Select(g => g.Last()).ToList();
        switch (scenario)
        {
            case "send":
                Assert.Equal("three.txt", Assert.Single(last).Str("file_name"));
                break;
            case "edit_attachments":
                Assert.Equal(3, last.Count);
                Assert.True(Named(last, "two.txt").Bool("is_deleted"));
                Assert.False(Named(last, "three.txt").Bool("is_deleted"));
                break;
            case "delete_attachment":
                Assert.Equal(2, last.Count);
                Assert.True(Named(last, "two.txt").Bool("is_deleted"));
                Assert.False(Named(last, "one.txt").Bool("is_deleted"));
                break;
            case "edit":
                Assert.Equal(2, last.Count);
                Assert.True(Named(last, "two.txt").Bool("is_deleted"));
                Assert.Contains("<p>changed</p>", seenByB.Last(r => r.Str("mk_rec_type") == "message").Str("message"));
                break;
        }
    }

    /// <summary>A record without what differs between two runs: conversation and attachment ids, the URLs made of them, times, deleter ids.</summary>
    private static string Normalize(JsonElement record)
    {
        var node = JsonNode.Parse(record.GetRawText())!.AsObject();
        foreach (var name in new[] { "conversation_id", "message_id", "posted_time", "edited_time", "attachment_id", "file_url", "deleter_id", "account_id", "profile_id",
                     "edit_account_id", "thumb_url_50", "thumb_url_100", "thumb_url_575", "thumb_url_700", "creator_id", "members", "autojoin_url",
                     "last_message_time", "inbox_time" })
        {
            node.Remove(name);
        }

        if (node["message"]?.GetValue<string>() is { } xml)
        {
            node["message"] = AttachmentKey().Replace(xml, "key=\"…\"");
        }

        return node.ToJsonString();
    }

    [GeneratedRegex("key=\"[A-Za-z0-9_-]{22}\"")]
    private static partial Regex AttachmentKey();
}
