using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.MyBoard;

/// <summary>Personal tasks (my_message:*): each change in the owner's answer and stream, and nowhere else.</summary>
public sealed class PersonalTaskTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task A_new_todo_goes_to_the_end_of_To_Do_as_Fleep_message_xml_and_only_to_its_owner()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var (toDo, _) = await alice.DefaultSectionsAsync();
        var aliceAt = await alice.HorizonAsync();
        var bobAt = await bob.HorizonAsync();

        var first = await alice.AddTodoAsync("buy *milk*");
        var second = await alice.AddTodoAsync("call mum");

        Assert.Equal("todo", first.State());
        Assert.Equal("<msg><p>buy <b>milk</b></p></msg>", first.Str("message"));
        Assert.Equal(toDo, first.Id("section_id"));
        Assert.Equal(4294967296d, first.GetProperty("task_weight").GetDouble());
        Assert.Equal(2 * 4294967296d, second.GetProperty("task_weight").GetDouble());
        Assert.Equal(["is_task", "is_todo"], first.Strings("tags"));
        Assert.Equal(alice.AccountId, first.Id("account_id"));
        Assert.False(first.Has("conversation_id"));
        Assert.False(first.Bool("is_archived"));

        var polled = (await alice.PollSinceAsync(aliceAt)).MyMessages();
        Assert.Equal([first.Id(), second.Id()], polled.Select(r => r.Id()));
        Assert.Empty((await bob.PollSinceAsync(bobAt)).MyMessages());
    }

    [Fact]
    public async Task Edit_set_done_archive_unarchive_and_delete_each_reach_the_owners_other_session()
    {
        using var alice = await server.NewAccountAsync();
        using var phone = await server.SecondSessionAsync(alice);
        var (toDo, archived) = await alice.DefaultSectionsAsync();
        var id = (await alice.AddTodoAsync("draft")).Id();
        await alice.AddTodoAsync("other");
        var at = await phone.HorizonAsync();

        async Task<System.Text.Json.JsonElement> Step(string name, object parameters)
        {
            var record = Assert.Single((await alice.OkAsync(name, parameters)).Records.MyMessages());
            var seen = (await phone.PollSinceAsync(at)).MyMessages();
            Assert.Equal(record.GetRawText(), seen.Last().GetRawText());
            at = await phone.HorizonAsync();
            Assert.Equal(id, record.Id());
            return record;
        }

        Assert.Equal("<msg><p>final</p></msg>", (await Step("my_message:edit_body", new { message_id = id, message = "final" })).Str("message"));
        Assert.Equal("<msg><p>again</p></msg>", (await Step("my_message:edit", new { message_id = id, message = "again" })).Str("message"));
        Assert.Equal("<msg><p>again</p></msg>", (await Step("my_message:edit_attachments", new { message_id = id })).Str("message"));
        var done = await Step("my_message:set_done", new { message_id = id });
        Assert.Equal("done", done.State());
        Assert.Equal(["is_task", "is_done"], done.Strings("tags"));
        Assert.Equal("todo", (await Step("my_message:set_todo", new { message_id = id })).State());

        var archivedRecord = await Step("my_message:archive", new { message_id = id });
        Assert.True(archivedRecord.Bool("is_archived"));
        Assert.Equal(archived, archivedRecord.Id("section_id"));
        Assert.Contains("is_archived", archivedRecord.Strings("tags"));

        var back = await Step("my_message:unarchive", new { message_id = id });
        Assert.False(back.Bool("is_archived"));
        Assert.Equal(toDo, back.Id("section_id"));
        // Back at the end of To Do, after "other" (weight 2 steps).
        Assert.Equal(3 * 4294967296d, back.GetProperty("task_weight").GetDouble());

        var deleted = await Step("my_message:delete", new { message_id = id });
        Assert.True(deleted.Bool("is_deleted"));
        Assert.Equal("deleted", deleted.State());
        Assert.Equal("", deleted.Str("message"));

        // Gone: further changes answer not found, and the section no longer lists it.
        (await alice.EventAsync("my_message:set_done", new { message_id = id })).AssertRefused(430, "not_found");
        var (items, _, _) = await alice.SyncSectionAsync(toDo);
        Assert.DoesNotContain(items, i => i.Id() == id);
    }

    [Fact]
    public async Task Another_account_cannot_touch_or_learn_of_a_personal_task()
    {
        using var alice = await server.NewAccountAsync();
        using var mallory = await server.NewAccountAsync();
        var id = (await alice.AddTodoAsync("secret")).Id();
        var aliceAt = await alice.HorizonAsync();

        foreach (var (name, parameters) in new (string, object)[]
                 {
                     ("my_message:edit", new { message_id = id, message = "x" }),
                     ("my_message:edit_body", new { message_id = id, message = "x" }),
                     ("my_message:set_done", new { message_id = id }),
                     ("my_message:archive", new { message_id = id }),
                     ("my_message:delete", new { message_id = id }),
                     ("task:archive", new { message_id = id }),
                     ("task:unarchive", new { message_id = id }),
                     ("my_message:edit_canned", new { message_id = id, canned_name = "x" }),
                 })
        {
            var refused = (await mallory.EventAsync(name, parameters)).AssertRefused(430, "not_found");
            Assert.Equal("Message not found.", refused.Str("error_message"));
        }

        var (malloryToDo, _) = await mallory.DefaultSectionsAsync();
        (await mallory.EventAsync("task:set_position", new { message_id = id, section_id = malloryToDo })).AssertRefused(430, "not_found");
        Assert.Empty(await alice.PollSinceAsync(aliceAt));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_fleep_errors_and_writes_nothing()
    {
        using var alice = await server.NewAccountAsync();
        var at = await alice.HorizonAsync();
        (await alice.EventAsync("my_message:add_todo", new { message = "  " })).AssertRefused(400, "empty_message");
        (await alice.EventAsync("my_message:add_todo", new { message = new string('x', 307201) })).AssertRefused(400, "invalid_param");
        var withFile = (await alice.EventAsync("my_message:add_todo", new { message = "x", attachment_urls = new[] { "https://example.org/upload/1" } }))
            .AssertRefused(431, "not_supported");
        Assert.Contains("attachment_urls", withFile.Str("error_message"));
        (await alice.EventAsync("my_message:set_done", new { message_id = Guid.NewGuid() })).AssertRefused(430, "not_found");
        (await alice.EventAsync("my_message:set_done", new { message_id = "not-a-uuid" })).AssertRefused(400, "invalid_param");
        (await alice.EventAsync("my_message:edit", new { message_id = Guid.NewGuid() })).AssertRefused(400, "missing_param");
        // Only the refusals' request records reached the stream.
        Assert.DoesNotContain(await alice.PollSinceAsync(at), r => r.Str("mk_rec_type") != "request");

        // A canned response is not a task.
        var canned = Assert.Single((await alice.OkAsync("my_message:add_canned", new { canned_name = "hi", message = "Hello!" })).Records.MyMessages()).Id();
        (await alice.EventAsync("my_message:set_done", new { message_id = canned })).AssertRefused(431, "not_a_task");
        (await alice.EventAsync("task:archive", new { message_id = canned })).AssertRefused(431, "not_a_task");
        var todo = (await alice.AddTodoAsync("t")).Id();
        (await alice.EventAsync("my_message:edit_canned", new { message_id = todo, canned_name = "x" })).AssertRefused(431, "not_canned");
    }
}
