using System.Text.Json;
using System.Text.Json.Nodes;
using FleepServer.Domain.Conversations;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Events;

/// <summary>
/// The <c>urn:fleep:client:message:*</c> events of api/event/store (docs/compatibility.md, "Message
/// events"): each one's effect in the answer, in the conversation's state and in the other
/// member's poll, and the same outcome as the classic api/message call it maps onto.
/// </summary>
public sealed class MessageEventTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const string Urn = "urn:fleep:client:";

    [Fact]
    public async Task Add_plain_posts_a_reply_that_reaches_the_other_member()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("plain", b);
        (await b.SendAsync(conv, "question")).EnsureOk();
        var bobHorizon = await HorizonAsync(b);

        var reqId = Guid.NewGuid();
        var (response, request) = await EventAsync(a, "message:add_plain",
            new { conversation_id = conv, message = "answer", subject = "Re", reply_to_message_nr = 2 }, reqId);

        AssertOk(request);
        Assert.Equal("request", request.Str("mk_rec_type"));
        Assert.Equal(reqId, request.GetProperty("client_req_id").GetGuid());
        Assert.Equal(Urn + "message:add_plain", request.Str("mk_event_type"));
        Assert.Equal(conv, request.GetProperty("identifier").GetProperty("conversation_id").GetGuid());
        Assert.Equal(3, request.GetProperty("identifier").Long("message_nr"));
        var m = MessageOf(response, 3);
        Assert.Equal("<msg><p>answer</p></msg>", m.Str("message"));
        Assert.Equal("Re", m.Str("subject"));
        Assert.Equal(2, m.Long("ref_message_nr"));
        Assert.Equal("urn:fleep:message:mk_message_state:plain", m.Str("mk_message_state"));
        Assert.Contains(response.Stream(), r => r.Str("mk_rec_type") == "request" && r.GetProperty("client_req_id").GetGuid() == reqId);

        var polled = MessageOf(await PollAsync(b, bobHorizon), 3);
        Assert.Equal("<msg><p>answer</p></msg>", polled.Str("message"));
        Assert.Equal(b.AccountId, polled.GetProperty("profile_id").GetGuid());

        // A reply to a message that does not exist is refused, nothing is posted.
        var (_, bad) = await EventAsync(a, "message:add_plain", new { conversation_id = conv, message = "x", reply_to_message_nr = 99 });
        Assert.Equal(430, bad.Long("status_code"));
        Assert.Equal(3, (await a.HeaderAsync(conv)).Long("last_message_nr"));

        // An attachment_urls entry that names no upload of the caller is refused, never dropped.
        var (_, files) = await EventAsync(a, "message:add_plain", new { conversation_id = conv, message = "x", attachment_urls = new[] { "u" } });
        Assert.Equal(400, files.Long("status_code"));
    }

    [Fact]
    public async Task Add_plain_with_a_used_client_req_id_answers_message_one_and_posts_nothing()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("dup");
        var reqId = Guid.NewGuid();

        var (first, _) = await EventAsync(a, "message:add_plain", new { conversation_id = conv, message = "once" }, reqId);
        var (again, request) = await EventAsync(a, "message:add_plain", new { conversation_id = conv, message = "twice" }, reqId);

        AssertOk(request);
        Assert.Equal(2, request.GetProperty("identifier").Long("message_nr"));
        Assert.Equal(MessageOf(first, 2).GetRawText(), MessageOf(again, 2).GetRawText());
        Assert.Equal("<msg><p>once</p></msg>", MessageOf(again, 2).Str("message"));
        Assert.Equal(2, (await a.HeaderAsync(conv)).Long("last_message_nr"));
    }

    [Fact]
    public async Task Add_pinned_and_add_todo_post_pinned_and_task_messages()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("boards", b);

        var pinned = MessageOf(await OkAsync(a, "message:add_pinned", new { conversation_id = conv, message = "pin me" }), 2);
        Assert.Equal("urn:fleep:message:mk_message_state:pinned", pinned.Str("mk_message_state"));
        Assert.Equal(["is_shared", "pin"], pinned.Strings("tags"));
        Assert.Equal(a.AccountId, pinned.GetProperty("pinned_account_id").GetGuid());

        var todo = MessageOf(await OkAsync(a, "message:add_todo", new { conversation_id = conv, message = "do it", assignee_ids = new[] { b.AccountId } }), 3);
        Assert.Equal("urn:fleep:message:mk_message_state:todo", todo.Str("mk_message_state"));
        Assert.Equal(["is_shared", "is_task", "is_todo"], todo.Strings("tags"));
        Assert.Equal([b.AccountId], todo.Ids("assignee_ids"));
        // The To Do section's id is the one the server names in its first answer; every task after it shares it.
        var toDo = todo.GetProperty("section_id").GetGuid();
        Assert.NotEqual(Guid.Empty, toDo);
        Assert.Equal(4294967296d, todo.GetProperty("task_weight").GetDouble());
        Assert.Equal(a.AccountId, todo.GetProperty("tasked_account_id").GetGuid());

        var next = MessageOf(await OkAsync(a, "message:add_todo", new { conversation_id = conv, message = "then this" }), 4);
        Assert.Equal(toDo, next.GetProperty("section_id").GetGuid());
        Assert.Equal(2 * 4294967296d, next.GetProperty("task_weight").GetDouble());

        var board = (await a.ConvAsync("sync", conv, new { mk_direction = "ic_pinboard" })).EnsureOk();
        Assert.Equal([2L], board.Messages().Select(x => x.Long("message_nr")));
        var tasks = (await a.ConvAsync("sync", conv, new { mk_direction = "ic_tasks" })).EnsureOk();
        Assert.Equal([3L, 4L], tasks.Messages().Select(x => x.Long("message_nr")));
    }

    [Fact]
    public async Task Edit_replaces_body_and_subject_while_edit_body_and_edit_subject_change_one_part()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("edits", b);
        (await a.SendAsync(conv, "draft", new { subject = "Topic" })).EnsureOk();
        var bobHorizon = await HorizonAsync(b);

        var bodyOnly = MessageOf(await OkAsync(a, "message:edit_body", new { conversation_id = conv, message_nr = 2, message = "second" }), 2);
        Assert.Equal("<msg><p>second</p></msg>", bodyOnly.Str("message"));
        Assert.Equal("Topic", bodyOnly.Str("subject"));
        Assert.Equal(3, bodyOnly.Long("flow_message_nr"));

        var subjectOnly = MessageOf(await OkAsync(a, "message:edit_subject", new { conversation_id = conv, message_nr = 2, subject = "New topic" }), 2);
        Assert.Equal("<msg><p>second</p></msg>", subjectOnly.Str("message"));
        Assert.Equal("New topic", subjectOnly.Str("subject"));

        // edit is a full replace: the subject it does not give is removed.
        var (response, request) = await EventAsync(a, "message:edit", new { conversation_id = conv, message_nr = 2, message = "final" });
        AssertOk(request);
        Assert.Equal(2, request.GetProperty("identifier").Long("message_nr"));
        var edited = MessageOf(response, 2);
        Assert.Equal("<msg><p>final</p></msg>", edited.Str("message"));
        Assert.False(edited.Has("subject"));
        Assert.Equal(5, edited.Long("flow_message_nr"));
        Assert.Equal(a.AccountId, edited.GetProperty("edit_account_id").GetGuid());

        var polled = (await PollAsync(b, bobHorizon)).Messages().Last(m => m.Long("message_nr") == 2);
        Assert.Equal("<msg><p>final</p></msg>", polled.Str("message"));
        Assert.False(polled.Has("subject"));
    }

    [Fact]
    public async Task Edit_of_an_unknown_message_is_430_and_of_another_users_plain_message_431()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("refused", b);
        (await a.SendAsync(conv, "mine")).EnsureOk();

        var (_, unknown) = await EventAsync(a, "message:edit", new { conversation_id = conv, message_nr = 9, message = "x" });
        Assert.Equal(430, unknown.Long("status_code"));
        Assert.Equal("not_found", unknown.Str("error_id"));
        Assert.Equal("Message not found.", unknown.Str("error_message"));

        var (_, foreign) = await EventAsync(b, "message:edit", new { conversation_id = conv, message_nr = 2, message = "not yours" });
        Assert.Equal(431, foreign.Long("status_code"));
        Assert.Equal("invalid_edit", foreign.Str("error_id"));
        Assert.Equal(2, (await a.HeaderAsync(conv)).Long("last_message_nr"));
    }

    [Fact]
    public async Task State_events_pin_unpin_plain_todo_done_archive_unarchive_and_delete()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("states", b);
        (await a.SendAsync(conv, "msg")).EnsureOk();
        async Task<JsonElement> Do(string name) =>
            MessageOf(await OkAsync(b, name, new { conversation_id = conv, message_nr = 2 }), 2);

        var pinned = await Do("message:set_pinned");
        Assert.Equal("urn:fleep:message:mk_message_state:pinned", pinned.Str("mk_message_state"));
        Assert.Equal(b.AccountId, pinned.GetProperty("pinned_account_id").GetGuid());

        var unpinned = await Do("message:set_unpinned");
        Assert.Equal("urn:fleep:message:mk_message_state:unpinned", unpinned.Str("mk_message_state"));
        Assert.Equal(["is_archived", "is_shared", "unpin"], unpinned.Strings("tags"));

        // Unarchiving an unpinned message pins it again; archiving a pin unpins it.
        Assert.Equal("urn:fleep:message:mk_message_state:pinned", (await Do("message:unarchive")).Str("mk_message_state"));
        Assert.Equal("urn:fleep:message:mk_message_state:unpinned", (await Do("message:archive")).Str("mk_message_state"));

        var plain = await Do("message:set_plain");
        Assert.Equal("urn:fleep:message:mk_message_state:plain", plain.Str("mk_message_state"));
        Assert.Empty(plain.Strings("tags"));
        Assert.False(plain.Has("pin_weight"));

        var todo = await Do("message:set_todo");
        Assert.Equal("urn:fleep:message:mk_message_state:todo", todo.Str("mk_message_state"));
        var toDo = todo.GetProperty("section_id").GetGuid();
        Assert.NotEqual(Guid.Empty, toDo);
        Assert.Equal(4294967296d, todo.GetProperty("task_weight").GetDouble());

        var done = await Do("message:set_done");
        Assert.Equal("urn:fleep:message:mk_message_state:done", done.Str("mk_message_state"));
        Assert.Equal(["is_done", "is_shared", "is_task"], done.Strings("tags"));

        var archived = await Do("message:archive");
        Assert.Equal(["is_archived", "is_done", "is_shared", "is_task"], archived.Strings("tags"));
        // Archiving moves the task to the other section; unarchiving brings it back to the first one.
        var archivedSection = archived.GetProperty("section_id").GetGuid();
        Assert.NotEqual(Guid.Empty, archivedSection);
        Assert.NotEqual(toDo, archivedSection);

        var unarchived = await Do("message:unarchive");
        Assert.Equal(["is_done", "is_shared", "is_task"], unarchived.Strings("tags"));
        Assert.Equal(toDo, unarchived.GetProperty("section_id").GetGuid());

        var aliceHorizon = await HorizonAsync(a);
        var deleted = await Do("message:delete");
        Assert.Equal("urn:fleep:message:mk_message_state:deleted", deleted.Str("mk_message_state"));
        Assert.Equal(["is_deleted"], deleted.Strings("tags"));
        Assert.Equal("", deleted.Str("message"));
        Assert.Equal("urn:fleep:message:mk_message_state:deleted", MessageOf(await PollAsync(a, aliceHorizon), 2).Str("mk_message_state"));
    }

    [Fact]
    public async Task Assignees_reactions_preview_and_spam_events_change_the_message_for_everyone()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("fields", b);
        (await a.SendAsync(conv, "https://example.com")).EnsureOk();
        (await a.MessageAsync("store", conv, new { message_nr = 2, tags = new[] { "is_todo" } })).EnsureOk();
        JsonElement At(FleepResponse r) => MessageOf(r, 2);
        object On(object? extra = null)
        {
            var body = JsonSerializer.SerializeToNode(extra ?? new { })!.AsObject();
            body["conversation_id"] = conv;
            body["message_nr"] = 2;
            return body;
        }

        Assert.Equal([b.AccountId], At(await OkAsync(a, "message:set_assignees", On(new { assignee_ids = new[] { b.AccountId } }))).Ids("assignee_ids"));
        Assert.False(At(await OkAsync(a, "message:set_assignees", On())).Has("assignee_ids"));

        var reacted = At(await OkAsync(b, "message:add_reaction", On(new { reaction = "👍" })));
        Assert.Equal([b.AccountId], reacted.GetProperty("reactions").GetProperty("👍").EnumerateArray().Select(e => e.GetGuid()));
        Assert.False(At(await OkAsync(b, "message:delete_reaction", On(new { reaction = "👍" }))).Has("reactions"));

        Assert.True(At(await OkAsync(a, "message:disable_preview", On())).Bool("is_url_preview_disabled"));

        var bobHorizon = await HorizonAsync(b);
        Assert.True(At(await OkAsync(a, "message:mark_spam", On())).Bool("is_spam"));
        Assert.True(MessageOf(await PollAsync(b, bobHorizon), 2).Bool("is_spam"));
        Assert.False(At(await OkAsync(a, "message:unmark_spam", On())).Has("is_spam"));
        Assert.True(At(await OkAsync(b, "message:set_spam", On(new { is_spam = true }))).Bool("is_spam"));
        Assert.False(At(await OkAsync(b, "message:set_spam", On(new { is_spam = false }))).Has("is_spam"));
    }

    [Fact]
    public async Task Copy_posts_the_source_message_into_the_destination_conversation()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var source = await a.CreateConversationAsync("source");
        var target = await a.CreateConversationAsync("target", b);
        (await a.SendAsync(source, "*worth* keeping")).EnsureOk();
        var bobHorizon = await HorizonAsync(b);

        var (response, request) = await EventAsync(a, "message:copy",
            new { conversation_id = target, copy_conversation_id = source, copy_message_nr = 2 });

        AssertOk(request);
        Assert.Equal(target, request.GetProperty("identifier").GetProperty("conversation_id").GetGuid());
        Assert.Equal(2, request.GetProperty("identifier").Long("message_nr"));
        var copy = MessageOf(response, 2);
        Assert.Equal(target, copy.GetProperty("conversation_id").GetGuid());
        Assert.Equal("<msg><p><b>worth</b> keeping</p></msg>", copy.Str("message"));
        Assert.Equal(a.AccountId, copy.GetProperty("account_id").GetGuid());
        Assert.Equal(copy.Str("message"), MessageOf(await PollAsync(b, bobHorizon), 2).Str("message"));
    }

    [Fact]
    public async Task Disclose_shows_earlier_messages_to_a_new_member_and_refuses_teams()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("history");
        (await a.SendAsync(conv, "old news")).EnsureOk();
        (await a.ConvAsync("add_members", conv, new { account_ids = new[] { b.AccountId } })).EnsureOk();

        var before = (await b.ConvAsync("sync", conv, new { mk_direction = "ic_end" })).EnsureOk();
        Assert.DoesNotContain(before.Messages(), m => m.Long("message_nr") == 2);

        var (response, request) = await EventAsync(a, "message:disclose", new { conversation_id = conv, message_nr = 2, account_ids = new[] { b.AccountId } });
        AssertOk(request);
        var disclose = MessageOf(response, 4);
        Assert.Equal("discloseV2", disclose.Str("mk_message_type"));
        Assert.Equal(2, disclose.Long("ref_message_nr"));
        var after = (await b.ConvAsync("sync", conv, new { mk_direction = "ic_end" })).EnsureOk();
        Assert.Contains(after.Messages(), m => m.Long("message_nr") == 2);

        var (_, teams) = await EventAsync(a, "message:disclose", new { conversation_id = conv, message_nr = 2, team_ids = new[] { Guid.NewGuid() } });
        Assert.Equal(431, teams.Long("status_code"));
        Assert.Equal("not_supported", teams.Str("error_id"));
    }

    [Fact]
    public async Task Mark_read_and_mark_unread_move_the_read_horizon_and_tell_the_others()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("reading", b);
        for (var i = 0; i < 3; i++)
        {
            (await a.SendAsync(conv, $"m{i}")).EnsureOk();
        }

        var aliceHorizon = await HorizonAsync(a);
        var (read, request) = await EventAsync(b, "message:mark_read", new { conversation_id = conv, message_nr = 4 });
        AssertOk(request);
        Assert.Equal(4, request.GetProperty("identifier").Long("message_nr"));
        Assert.Equal(4, read.Stream().Single(r => r.Str("mk_rec_type") == "conv").Long("read_message_nr"));
        Assert.Equal(4, (await b.HeaderAsync(conv)).Long("read_message_nr"));
        var receipt = Assert.Single((await PollAsync(a, aliceHorizon)).Stream(), r => r.Str("mk_rec_type") == "activity");
        Assert.Equal(4, receipt.Long("read_message_nr"));

        await OkAsync(b, "message:mark_unread", new { conversation_id = conv, message_nr = 3 });
        var header = await b.HeaderAsync(conv);
        Assert.Equal(2, header.Long("read_message_nr"));
        Assert.True(header.Bool("is_mark_unread"));
    }

    [Fact]
    public async Task Set_editing_locks_a_message_until_end_editing_or_the_lock_runs_out()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("locks", b);
        await OkAsync(a, "message:add_pinned", new { conversation_id = conv, message = "shared note" });
        var bobHorizon = await HorizonAsync(b);

        var (locked, request) = await EventAsync(a, "message:set_editing", new { conversation_id = conv, message_nr = 2 });
        AssertOk(request);
        Assert.Equal(2, request.GetProperty("identifier").Long("message_nr"));
        var lockRecord = Assert.Single(locked.Stream(), r => r.Str("mk_rec_type") == "lock");
        Assert.Equal(a.AccountId, lockRecord.GetProperty("lock_account_id").GetGuid());

        var bobSees = await PollAsync(b, bobHorizon);
        Assert.Equal(a.AccountId, Assert.Single(bobSees.Stream(), r => r.Str("mk_rec_type") == "lock").GetProperty("lock_account_id").GetGuid());
        var pen = Assert.Single(bobSees.Stream(), r => r.Str("mk_rec_type") == "activity");
        Assert.True(pen.Bool("is_writing"));
        Assert.Equal(2, pen.Long("message_nr"));
        var synced = (await b.ConvAsync("sync", conv, new { mk_direction = "ic_pinboard" })).EnsureOk().Message();
        Assert.Equal(a.AccountId, synced.GetProperty("lock_account_id").GetGuid());

        // While Alice holds the lock, Bob can neither take it nor edit the shared message.
        var (_, taken) = await EventAsync(b, "message:set_editing", new { conversation_id = conv, message_nr = 2 });
        Assert.Equal(431, taken.Long("status_code"));
        Assert.Equal("message_locked", taken.Str("error_id"));
        var (_, edit) = await EventAsync(b, "message:edit_body", new { conversation_id = conv, message_nr = 2, message = "mine now" });
        Assert.Equal("message_locked", edit.Str("error_id"));

        bobHorizon = await HorizonAsync(b);
        var ended = await OkAsync(a, "message:end_editing", new { conversation_id = conv, message_nr = 2 });
        Assert.False(Assert.Single(ended.Stream(), r => r.Str("mk_rec_type") == "lock").Has("lock_account_id"));
        Assert.False(Assert.Single((await PollAsync(b, bobHorizon)).Stream(), r => r.Str("mk_rec_type") == "lock").Has("lock_account_id"));
        await OkAsync(b, "message:set_editing", new { conversation_id = conv, message_nr = 2 });
        await OkAsync(b, "message:end_editing", new { conversation_id = conv, message_nr = 2 });

        // A lock nobody renews runs out with the pen.
        await OkAsync(a, "message:set_editing", new { conversation_id = conv, message_nr = 2 });
        server.Clock.Advance(ConversationActivity.PenLifetime + TimeSpan.FromSeconds(1));
        var after = MessageOf(await OkAsync(b, "message:edit_body", new { conversation_id = conv, message_nr = 2, message = "edited later" }), 2);
        Assert.Equal("<msg><p>edited later</p></msg>", after.Str("message"));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("lock_account_id").ValueKind);
    }

    [Fact]
    public async Task Load_context_next_and_previous_read_the_flow_around_a_message()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("load");
        for (var i = 0; i < 20; i++)
        {
            (await a.SendAsync(conv, $"m{i}")).EnsureOk();
        }

        long[] Numbers(FleepResponse r) => [.. r.Messages().Select(m => m.Long("message_nr"))];

        var context = Numbers(await OkAsync(a, "message:load_context", new { conversation_id = conv, message_nr = 10 }));
        Assert.Equal([6L, 7, 8, 9, 10, 11, 12, 13, 14, 15], context);
        var next = Numbers(await OkAsync(a, "message:load_next", new { conversation_id = conv, message_nr = 18 }));
        Assert.Equal([19L, 20, 21], next);
        var (previous, request) = await EventAsync(a, "message:load_previous", new { conversation_id = conv, message_nr = 4 });
        AssertOk(request);
        Assert.Equal([1L, 2, 3], Numbers(previous));
        Assert.Equal(4, request.GetProperty("identifier").Long("message_nr"));
    }

    [Fact]
    public async Task Pin_set_position_reorders_the_pinboard()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("pins");
        for (var i = 0; i < 3; i++)
        {
            await OkAsync(a, "message:add_pinned", new { conversation_id = conv, message = $"pin{i}" });
            server.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        async Task<long[]> Board() =>
            [.. (await a.ConvAsync("sync", conv, new { mk_direction = "ic_pinboard" })).EnsureOk().Messages().Select(m => m.Long("message_nr"))];

        // Newest pin first.
        Assert.Equal(new long[] { 4, 3, 2 }, await Board());
        var moved = MessageOf(await OkAsync(a, "message:pin:set_position", new { conversation_id = conv, message_nr = 2, prev_message_nr = 0 }), 2);
        Assert.True(moved.Has("pin_weight"));
        Assert.Equal(new long[] { 2, 4, 3 }, await Board());
        await OkAsync(a, "message:pin:set_position", new { conversation_id = conv, message_nr = 3, prev_message_nr = 2 });
        Assert.Equal(new long[] { 2, 3, 4 }, await Board());
        await OkAsync(a, "message:pin:set_position", new { conversation_id = conv, message_nr = 2, prev_message_nr = 4 });
        Assert.Equal(new long[] { 3, 4, 2 }, await Board());

        var (_, bad) = await EventAsync(a, "message:pin:set_position", new { conversation_id = conv, message_nr = 2, prev_message_nr = 1 });
        Assert.Equal(400, bad.Long("status_code"));
    }

    [Fact]
    public async Task Task_set_position_reorders_the_taskboard_and_moves_tasks_between_sections()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("tasks");
        var toDo = Guid.Empty;
        for (var i = 0; i < 3; i++)
        {
            // Section ids are taken from the server's answers, never derived by the test.
            toDo = MessageOf(await OkAsync(a, "message:add_todo", new { conversation_id = conv, message = $"task{i}" }), i + 2)
                .GetProperty("section_id").GetGuid();
        }

        Assert.NotEqual(Guid.Empty, toDo);

        async Task<long[]> Board() =>
            [.. (await a.ConvAsync("sync", conv, new { mk_direction = "ic_tasks" })).EnsureOk().Messages().Select(m => m.Long("message_nr"))];

        Assert.Equal(new long[] { 2, 3, 4 }, await Board());
        var moved = MessageOf(await OkAsync(a, "message:task:set_position",
            new { conversation_id = conv, message_nr = 4, section_id = toDo, prev_message_nr = 0 }), 4);
        Assert.Equal(4294967296d / 2, moved.GetProperty("task_weight").GetDouble());
        Assert.Equal(new long[] { 4, 2, 3 }, await Board());
        await OkAsync(a, "message:task:set_position", new { conversation_id = conv, message_nr = 3, section_id = toDo, prev_message_nr = 4 });
        Assert.Equal(new long[] { 4, 3, 2 }, await Board());

        // The Archived section's id, from the answer to archiving one more task.
        var extra = (await OkAsync(a, "message:add_todo", new { conversation_id = conv, message = "to archive" }))
            .Json.GetProperty("requests")[0].GetProperty("identifier").Long("message_nr");
        var archivedSection = MessageOf(await OkAsync(a, "message:archive", new { conversation_id = conv, message_nr = extra }), extra)
            .GetProperty("section_id").GetGuid();
        Assert.NotEqual(toDo, archivedSection);
        var archived = MessageOf(await OkAsync(a, "message:task:set_position",
            new { conversation_id = conv, message_nr = 2, section_id = archivedSection, prev_message_nr = 0 }), 2);
        Assert.Equal(archivedSection, archived.GetProperty("section_id").GetGuid());
        Assert.Contains("is_archived", archived.Strings("tags"));

        var (_, unknown) = await EventAsync(a, "message:task:set_position",
            new { conversation_id = conv, message_nr = 3, section_id = Guid.NewGuid(), prev_message_nr = 0 });
        Assert.Equal(400, unknown.Long("status_code"));
    }

    [Fact]
    public async Task The_classic_calls_take_the_fields_the_events_added()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("classic", b);
        (await a.SendAsync(conv, "first")).EnsureOk();

        var reply = (await b.SendAsync(conv, "second", new { reply_to_message_nr = 2 })).EnsureOk().Message();
        Assert.Equal(2, reply.Long("ref_message_nr"));
        Assert.True((await b.MessageAsync("store", conv, new { message_nr = 2, is_spam = true })).EnsureOk().Message().Bool("is_spam"));
        (await a.MessageAsync("store", conv, new { message_nr = 2, tags = new[] { "pin" } })).EnsureOk();
        var plain = (await a.MessageAsync("store", conv, new { message_nr = 2, tags = new[] { "plain" } })).EnsureOk().Message();
        Assert.Equal("urn:fleep:message:mk_message_state:plain", plain.Str("mk_message_state"));

        (await a.MessageAsync("store", conv, new { message_nr = 3, tags = new[] { "is_todo" } })).EnsureOk();
        // The Archived section's id, from the answer to archiving another task of this conversation.
        var scratch = (await OkAsync(a, "message:add_todo", new { conversation_id = conv, message = "scratch" }))
            .Json.GetProperty("requests")[0].GetProperty("identifier").Long("message_nr");
        var archivedSection = MessageOf(await OkAsync(a, "message:archive", new { conversation_id = conv, message_nr = scratch }), scratch)
            .GetProperty("section_id").GetGuid();
        Assert.NotEqual(Guid.Empty, archivedSection);
        var archived = (await a.MessageAsync("store", conv, new { message_nr = 3, section_id = archivedSection, task_weight = 7.5 }))
            .EnsureOk().Message();
        Assert.Contains("is_archived", archived.Strings("tags"));
        Assert.Equal(7.5, archived.GetProperty("task_weight").GetDouble());
        (await a.MessageAsync("store", conv, new { message_nr = 3, section_id = Guid.NewGuid() })).AssertError(400, "invalid_param");

        // show_activity with a message_nr takes the edit lock.
        (await a.ConvAsync("show_activity", conv, new { is_writing = true, message_nr = 3 })).EnsureOk();
        (await b.MessageAsync("edit", conv, new { message_nr = 3, message = "task text" })).AssertError(431, "message_locked");

        var other = await a.CreateConversationAsync("copies");
        var reqId = Guid.NewGuid();
        var copy = (await a.MessageAsync("copy", conv, new { message_nr = 2, to_conv_id = other, client_req_id = reqId })).EnsureOk();
        var again = (await a.MessageAsync("copy", conv, new { message_nr = 2, to_conv_id = other, client_req_id = reqId })).EnsureOk();
        Assert.Equal(copy.Json.Long("result_message_nr"), again.Json.Long("result_message_nr"));
        Assert.Equal(2, (await a.HeaderAsync(other)).Long("last_message_nr"));
    }

    public static TheoryData<string> Scenarios => ["send", "edit", "delete", "mark_read", "pin", "todo_done", "reactions"];

    /// <summary>
    /// The same change made through the classic endpoint in one conversation and through the event
    /// in another leaves the other member with the same records (ids and times aside).
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
            (await a.SendAsync(conv, "first")).EnsureOk();
            (await b.SendAsync(conv, "reply")).EnsureOk();
            var horizon = await HorizonAsync(b);
            async Task Act(string method, object body, string eventName, object parameters)
            {
                if (viaEvent)
                {
                    var p = JsonSerializer.SerializeToNode(parameters)!.AsObject();
                    p["conversation_id"] = conv;
                    await OkAsync(a, eventName, p);
                }
                else
                {
                    (await a.MessageAsync(method, conv, body)).EnsureOk();
                }
            }

            switch (scenario)
            {
                case "send":
                    await Act("send", new { message = "hello *world*", subject = "S" }, "message:add_plain", new { message = "hello *world*", subject = "S" });
                    break;
                case "edit":
                    await Act("edit", new { message_nr = 2, message = "changed" }, "message:edit", new { message_nr = 2, message = "changed" });
                    break;
                case "delete":
                    await Act("delete", new { message_nr = 2 }, "message:delete", new { message_nr = 2 });
                    break;
                case "mark_read":
                    await Act("mark_read", new { message_nr = 3 }, "message:mark_read", new { message_nr = 3 });
                    break;
                case "pin":
                    await Act("store", new { message_nr = 3, tags = new[] { "pin" } }, "message:set_pinned", new { message_nr = 3 });
                    break;
                case "todo_done":
                    await Act("store", new { message_nr = 2, tags = new[] { "is_todo" } }, "message:set_todo", new { message_nr = 2 });
                    await Act("store", new { message_nr = 2, tags = new[] { "is_done" } }, "message:set_done", new { message_nr = 2 });
                    break;
                case "reactions":
                    await Act("store", new { message_nr = 3, add_reactions = new[] { "ok" } }, "message:add_reaction", new { message_nr = 3, reaction = "ok" });
                    await Act("store", new { message_nr = 3, add_reactions = new[] { "no" } }, "message:add_reaction", new { message_nr = 3, reaction = "no" });
                    await Act("store", new { message_nr = 3, del_reactions = new[] { "ok" } }, "message:delete_reaction", new { message_nr = 3, reaction = "ok" });
                    break;
            }

            var records = (await PollAsync(b, horizon)).Stream().Where(r => r.Str("mk_rec_type") is "message" or "activity").ToList();
            Assert.NotEmpty(records);
            if (viaEvent)
            {
                seenByB.AddRange(records);
            }

            var state = (await a.ConvAsync("sync", conv, new { mk_direction = "ic_end" })).EnsureOk().Messages();
            return [.. records.Concat(state).Select(Normalize)];
        }

        var classic = await Run(viaEvent: false);
        var viaEvents = await Run(viaEvent: true);
        Assert.Equal(classic, viaEvents);

        // Equal answers could be equally wrong: what bob got is also checked against the inputs and
        // the documented values (message 2 is "first", 3 is "reply", the next one is 4).
        Assert.NotEmpty(seenByB);
        JsonElement Message(long nr) => seenByB.Last(r => r.Str("mk_rec_type") == "message" && r.Long("message_nr") == nr);
        switch (scenario)
        {
            case "send":
                Assert.Contains("world", Message(4).Str("message"));
                Assert.Equal(a.AccountId, Message(4).GetProperty("account_id").GetGuid());
                break;
            case "edit":
                Assert.Equal("<msg><p>changed</p></msg>", Message(2).Str("message"));
                break;
            case "pin":
                Assert.Equal("urn:fleep:message:mk_message_state:pinned", Message(3).Str("mk_message_state"));
                break;
            case "todo_done":
                Assert.Equal("urn:fleep:message:mk_message_state:done", Message(2).Str("mk_message_state"));
                Assert.Equal(["is_done", "is_shared", "is_task"], Message(2).Strings("tags"));
                break;
            case "mark_read":
                var read = seenByB.Last(r => r.Str("mk_rec_type") == "activity");
                Assert.Equal(a.AccountId, read.GetProperty("account_id").GetGuid());
                Assert.Equal(3, read.Long("read_message_nr"));
                break;
        }
    }

    /// <summary>A record without what must differ between two conversations: their ids, section ids and times.</summary>
    private static string Normalize(JsonElement record)
    {
        var node = JsonNode.Parse(record.GetRawText())!.AsObject();
        foreach (var name in new[] { "conversation_id", "message_id", "section_id", "posted_time", "edited_time", "activity_time" })
        {
            node.Remove(name);
        }

        return node.ToJsonString();
    }

    private static void AssertOk(JsonElement request) =>
        Assert.True(request.Long("status_code") == 200, request.GetRawText());

    private static JsonElement MessageOf(FleepResponse response, long messageNr) =>
        Assert.Single(response.Messages(), m => m.Long("message_nr") == messageNr);

    private static async Task<(FleepResponse Response, JsonElement Request)> EventAsync(FleepTestClient client, string name, object parameters,
        Guid? clientReqId = null)
    {
        var response = (await client.PostAsync("/api/event/store", new
        {
            stream = new[]
            {
                new Dictionary<string, object> { ["client_req_id"] = clientReqId ?? Guid.NewGuid(), ["mk_event_type"] = Urn + name, ["params"] = parameters },
            },
        })).EnsureOk();
        return (response, Assert.Single(response.Json.GetProperty("requests").EnumerateArray()));
    }

    private static async Task<FleepResponse> OkAsync(FleepTestClient client, string name, object parameters)
    {
        var (response, request) = await EventAsync(client, name, parameters);
        AssertOk(request);
        return response;
    }

    private static async Task<long> HorizonAsync(FleepTestClient client) =>
        (await client.PostAsync("/api/account/sync")).EnsureOk().Horizon();

    private static async Task<FleepResponse> PollAsync(FleepTestClient client, long horizon) =>
        (await client.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false })).EnsureOk();
}
