using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using FleepServer.Tests.MyBoard;

namespace FleepServer.Tests.Events;

/// <summary>
/// The personal board checks of <see cref="EventCoverageTests"/> (my_section:task:*, my_message:*,
/// task:*, contact:sync_canned): each event's effect in alice's answer, and nothing of it in bob's
/// stream. The deeper cases are in MyBoard/*.
/// </summary>
public sealed partial class EventCoverageTests
{
    private static IEnumerable<KeyValuePair<string, Func<EventScenario, Task>>> MyBoardChecks()
    {
        KeyValuePair<string, Func<EventScenario, Task>> Check(string name, Func<EventScenario, Task> check) => new(name, check);

        // Private: bob's stream gets nothing of alice's board.
        static async Task Private(EventScenario s) =>
            Assert.DoesNotContain(await s.BobSeesAsync(), r => r.Str("mk_rec_type") is "my_message" or "section");

        static async Task<JsonElement> One(EventScenario s, string name, object parameters, string recType = "my_message")
        {
            var record = Assert.Single((await s.RunAsync(name, parameters)).OfType(recType));
            await Private(s);
            return record;
        }

        static async Task<Guid> Todo(EventScenario s, string text = "todo")
        {
            var id = (await s.Alice.AddTodoAsync(text)).Id();
            await s.MarkAsync();
            return id;
        }

        static async Task<Guid> UserSection(EventScenario s)
        {
            var id = Assert.Single((await s.RunAsync("my_section:task:add", new { section_name = "Later" })).OfType("section")).Id("section_id");
            await s.MarkAsync();
            return id;
        }

        yield return Check("my_section:task:add", async s =>
        {
            var section = await One(s, "my_section:task:add", new { section_name = "Doing", mk_section_type = MyBoardTestHelpers.MyTaskType }, "section");
            Assert.Equal("Doing", section.Str("name"));
            Assert.Contains(await s.Alice.MySectionsAsync(), x => x.Id("section_id") == section.Id("section_id"));
        });

        yield return Check("my_section:task:rename", async s =>
        {
            var id = await UserSection(s);
            Assert.Equal("Soon", (await One(s, "my_section:task:rename", new { section_id = id, section_name = "Soon" }, "section")).Str("name"));
        });

        yield return Check("my_section:task:delete", async s =>
        {
            var id = await UserSection(s);
            Assert.True((await One(s, "my_section:task:delete", new { section_id = id }, "section")).Bool("is_deleted"));
            Assert.DoesNotContain(await s.Alice.MySectionsAsync(), x => x.Id("section_id") == id);
        });

        yield return Check("my_section:task:set_position", async s =>
        {
            var id = await UserSection(s);
            var (_, archived) = await s.Alice.DefaultSectionsAsync();
            await One(s, "my_section:task:set_position", new { section_id = id, prev_section_id = archived }, "section");
            Assert.Equal(id, (await s.Alice.MySectionsAsync())[^1].Id("section_id"));
        });

        yield return Check("my_section:task:archive_done", async s =>
        {
            var (toDo, _) = await s.Alice.DefaultSectionsAsync();
            var id = await Todo(s);
            await s.RunAsync("my_message:set_done", new { message_id = id });
            await s.MarkAsync();
            // Alice's board is shared by every check: other done tasks may be archived along.
            var archived = (await s.RunAsync("my_section:task:archive_done", new { section_id = toDo })).OfType("my_message");
            Assert.True(Assert.Single(archived, r => r.Id() == id).Bool("is_archived"));
            Assert.All(archived, r => Assert.Equal("done", r.State()));
            await Private(s);
        });

        yield return Check("my_section:task:archive_all", async s =>
        {
            var (toDo, archived) = await s.Alice.DefaultSectionsAsync();
            var id = await Todo(s);
            var moved = (await s.RunAsync("my_section:task:archive_all", new { section_id = toDo })).OfType("my_message");
            Assert.Equal(archived, Assert.Single(moved, r => r.Id() == id).Id("section_id"));
            Assert.Empty((await s.Alice.SyncSectionAsync(toDo)).Items);
            await Private(s);
            Assert.Contains((await s.Alice.SyncSectionAsync(archived)).Items, i => i.Id() == id);
        });

        yield return Check("my_section:task:sync", async s =>
        {
            var (toDo, _) = await s.Alice.DefaultSectionsAsync();
            var id = await Todo(s);
            var result = await s.RunAsync("my_section:task:sync", new { section_id = toDo });
            Assert.Equal(toDo, Assert.Single(result.OfType("section")).Id("section_id"));
            Assert.Single(result.OfType("my_message"), r => r.Id() == id);
            Assert.All(result.OfType("my_message"), r => Assert.Equal(toDo, r.Id("section_id")));
            await Private(s);
        });

        yield return Check("my_message:add_todo", async s =>
        {
            var record = await One(s, "my_message:add_todo", new { message = "new task" });
            Assert.Equal("todo", record.State());
            Assert.Contains("new task", record.Str("message"));
        });

        yield return Check("my_message:edit", async s =>
        {
            var id = await Todo(s);
            Assert.Equal("<msg><p>edited</p></msg>", (await One(s, "my_message:edit", new { message_id = id, message = "edited" })).Str("message"));
        });

        yield return Check("my_message:edit_body", async s =>
        {
            var id = await Todo(s);
            Assert.Equal("<msg><p>body</p></msg>", (await One(s, "my_message:edit_body", new { message_id = id, message = "body" })).Str("message"));
        });

        yield return Check("my_message:edit_attachments", async s =>
        {
            var id = await Todo(s, "keeps its text");
            Assert.Contains("keeps its text", (await One(s, "my_message:edit_attachments", new { message_id = id })).Str("message"));
            (await s.Alice.EventAsync("my_message:edit_attachments", new { message_id = id, attachment_urls = new[] { "x" } })).AssertRefused(431, "not_supported");
        });

        yield return Check("my_message:set_todo", async s =>
        {
            var id = await Todo(s);
            await s.RunAsync("my_message:set_done", new { message_id = id });
            await s.MarkAsync();
            Assert.Equal("todo", (await One(s, "my_message:set_todo", new { message_id = id })).State());
        });

        yield return Check("my_message:set_done", async s =>
        {
            var id = await Todo(s);
            Assert.Equal("done", (await One(s, "my_message:set_done", new { message_id = id })).State());
        });

        yield return Check("my_message:archive", async s =>
        {
            var id = await Todo(s);
            Assert.True((await One(s, "my_message:archive", new { message_id = id })).Bool("is_archived"));
        });

        yield return Check("my_message:unarchive", async s =>
        {
            var id = await Todo(s);
            await s.RunAsync("my_message:archive", new { message_id = id });
            await s.MarkAsync();
            Assert.False((await One(s, "my_message:unarchive", new { message_id = id })).Bool("is_archived"));
        });

        yield return Check("my_message:delete", async s =>
        {
            var id = await Todo(s);
            Assert.True((await One(s, "my_message:delete", new { message_id = id })).Bool("is_deleted"));
        });

        yield return Check("my_message:add_canned", async s =>
        {
            var record = await One(s, "my_message:add_canned", new { canned_name = "hi", message = "Hello" });
            Assert.Equal("hi", record.Str("canned_name"));
        });

        yield return Check("my_message:edit_canned", async s =>
        {
            var id = Assert.Single((await s.RunAsync("my_message:add_canned", new { canned_name = "hi" })).OfType("my_message")).Id();
            await s.MarkAsync();
            Assert.Equal("hey", (await One(s, "my_message:edit_canned", new { message_id = id, canned_name = "hey", message = "Hey" })).Str("canned_name"));
        });

        yield return Check("contact:sync_canned", async s =>
        {
            var id = Assert.Single((await s.RunAsync("my_message:add_canned", new { canned_name = "hi" })).OfType("my_message")).Id();
            var result = await s.RunAsync("contact:sync_canned", new { });
            Assert.Single(result.OfType("my_message"), r => r.Id() == id);
            Assert.All(result.OfType("my_message"), r => Assert.True(r.Has("canned_name")));
            Assert.DoesNotContain((await s.Bob.EventAsync("contact:sync_canned", new { })).EnsureApplied().Records, r => r.Id() == id);
        });

        yield return Check("task:set_position", async s =>
        {
            // Bob's task in the conversation, assigned to alice: her placement is hers alone.
            var task = (await s.Bob.OkAsync("message:add_todo", new { conversation_id = s.Conversation, message = "for alice", assignee_ids = new[] { s.Alice.AccountId } }))
                .OfType("message").Last().Id();
            var own = await Todo(s);
            var (toDo, _) = await s.Alice.DefaultSectionsAsync();
            var moved = await One(s, "task:set_position", new { message_id = task, section_id = toDo, prev_message_id = own });
            Assert.Equal(s.Conversation, moved.Id("conversation_id"));
            var order = (await s.Alice.SyncSectionAsync(toDo)).Items.Select(i => i.Id()).ToList();
            Assert.Equal(order.IndexOf(own) + 1, order.IndexOf(task));
        });

        yield return Check("task:archive", async s =>
        {
            var task = (await s.Bob.OkAsync("message:add_todo", new { conversation_id = s.Conversation, message = "for alice", assignee_ids = new[] { s.Alice.AccountId } }))
                .OfType("message").Last().Id();
            await s.MarkAsync();
            Assert.True((await One(s, "task:archive", new { message_id = task })).Bool("is_archived"));
            (await s.Carol.EventAsync("task:archive", new { message_id = task })).AssertRefused(430, "not_found");
        });

        yield return Check("task:unarchive", async s =>
        {
            var id = await Todo(s);
            await s.RunAsync("task:archive", new { message_id = id });
            await s.MarkAsync();
            Assert.False((await One(s, "task:unarchive", new { message_id = id })).Bool("is_archived"));
        });
    }
}
