using System.Text.Json;
using FleepServer.Tests.Boards;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Events;

/// <summary>
/// The section checks of <see cref="EventCoverageTests"/>: each section:task event's effect, its
/// records in bob's stream (a member) and not in carol's (an outsider), the verify-stream check
/// (bob's sections from his stream equal a fresh sync), and a refused parameter. The deeper cases
/// are in Boards/*.
/// </summary>
public sealed partial class EventCoverageTests
{
    private static IEnumerable<KeyValuePair<string, Func<EventScenario, Task>>> SectionChecks()
    {
        KeyValuePair<string, Func<EventScenario, Task>> Check(string name, Func<EventScenario, Task> check) => new(name, check);

        // Runs a section event: bob's sections and everyone's stream position are taken first;
        // afterwards bob's stream must keep his sections true to a sync, and carol must have seen nothing.
        async Task<EventBatchResult> RunChecked(EventScenario s, string name, object parameters)
        {
            var bobBefore = await s.Bob.SyncedSectionsAsync(s.Conversation);
            await s.MarkAsync();
            var result = await s.RunAsync(name, parameters);
            await s.Bob.AssertSectionStreamKeepsSyncAsync(s.Conversation, bobBefore, s.BobHorizon);
            Assert.DoesNotContain(await s.CarolSeesAsync(), r => r.Str("mk_rec_type") is "section" or "message" or "conv");
            return result;
        }

        async Task Refused(EventScenario s, string name, object parameters) =>
            (await s.Alice.EventAsync(name, parameters)).AssertRefused(400, "invalid_param");

        Task<Dictionary<string, Guid>> Ids(EventScenario s) => s.Alice.SectionIdsAsync(s.Conversation);

        yield return Check("section:task:add", async s =>
        {
            var ids = await Ids(s);
            var result = await RunChecked(s, "section:task:add",
                new { conversation_id = s.Conversation, section_name = "Doing", prev_section_id = ids["To Do"] });
            var added = Assert.Single(result.OfType("section"));
            Assert.Equal("Doing", added.Str("name"));
            Assert.Equal(BoardTestHelpers.Step / 2, added.GetProperty("weight").GetDouble());
            Assert.Equal(added.GetRawText(), Assert.Single((await s.BobSeesAsync()).Sections()).GetRawText());
            Assert.Equal(["To Do", "Doing", "Archived"], (await s.Bob.SyncedSectionsAsync(s.Conversation)).Select(x => x.Str("name")));
            await Refused(s, "section:task:add", new { conversation_id = s.Conversation, section_name = "x", prev_section_id = Guid.NewGuid() });
        });

        yield return Check("section:task:rename", async s =>
        {
            var ids = await Ids(s);
            var result = await RunChecked(s, "section:task:rename",
                new { conversation_id = s.Conversation, section_id = ids["To Do"], section_name = "Next up" });
            Assert.Equal("Next up", Assert.Single(result.OfType("section")).Str("name"));
            Assert.Equal(ids["To Do"], Assert.Single((await s.BobSeesAsync()).Sections()).SectionId());
            Assert.Equal("Next up", (await s.Bob.SyncedSectionsAsync(s.Conversation))[0].Str("name"));
            await Refused(s, "section:task:rename", new { conversation_id = s.Conversation, section_id = Guid.NewGuid(), section_name = "x" });
        });

        yield return Check("section:task:delete", async s =>
        {
            var doing = (await s.Alice.AddSectionAsync(s.Conversation, "Doing")).SectionId();
            var task = await s.Alice.AddTaskAsync(s.Conversation, "in doing");
            (await s.Alice.MessageAsync("store", s.Conversation, new { message_nr = task, section_id = doing })).EnsureOk();
            var result = await RunChecked(s, "section:task:delete", new { conversation_id = s.Conversation, section_id = doing });
            Assert.True(Assert.Single(result.OfType("section")).Bool("is_deleted"));
            var ids = await Ids(s);
            Assert.Equal(ids["To Do"], Assert.Single(result.OfType("message")).GetProperty("section_id").GetGuid());
            Assert.Equal(2, ids.Count);
            Assert.Single((await s.BobSeesAsync()).Sections(), x => x.Bool("is_deleted"));
            (await s.Alice.EventAsync("section:task:delete", new { conversation_id = s.Conversation, section_id = ids["To Do"] }))
                .AssertRefused(431, "default_section");
        });

        yield return Check("section:task:set_position", async s =>
        {
            var ids = await Ids(s);
            var doing = (await s.Alice.AddSectionAsync(s.Conversation, "Doing")).SectionId();
            var result = await RunChecked(s, "section:task:set_position",
                new { conversation_id = s.Conversation, section_id = doing, prev_section_id = (Guid?)null });
            var moved = Assert.Single(result.OfType("section"));
            Assert.Equal(doing, moved.SectionId());
            Assert.Equal(2 * BoardTestHelpers.Step, moved.GetProperty("weight").GetDouble());
            Assert.Equal(["Doing", "To Do", "Archived"], (await s.Bob.SyncedSectionsAsync(s.Conversation)).Select(x => x.Str("name")));
            Assert.Equal(moved.GetRawText(), Assert.Single((await s.BobSeesAsync()).Sections()).GetRawText());
            await Refused(s, "section:task:set_position", new { conversation_id = s.Conversation, section_id = doing, prev_section_id = ids["Archived"] });
        });

        yield return Check("section:task:archive_done", async s =>
        {
            var ids = await Ids(s);
            var done = await s.Alice.AddTaskAsync(s.Conversation, "done");
            var open = await s.Alice.AddTaskAsync(s.Conversation, "open");
            await s.RunAsync("message:set_done", new { conversation_id = s.Conversation, message_nr = done });
            var result = await RunChecked(s, "section:task:archive_done", new { conversation_id = s.Conversation, section_id = ids["To Do"] });
            var archived = Assert.Single(result.OfType("message"));
            Assert.Equal(done, archived.Long("message_nr"));
            Assert.Equal(ids["Archived"], archived.GetProperty("section_id").GetGuid());
            Assert.Contains("is_archived", (await s.BobSeesAsync()).LastOf(done).Strings("tags"));
            Assert.True((await s.BobsHeaderAsync()).Bool("has_task_archive"));
            Assert.Equal(ids["To Do"], (await s.Alice.MessageNowAsync(s.Conversation, open)).GetProperty("section_id").GetGuid());
            await Refused(s, "section:task:archive_done", new { conversation_id = s.Conversation, section_id = Guid.NewGuid() });
        });

        yield return Check("section:task:archive_all", async s =>
        {
            var ids = await Ids(s);
            var open = await s.Alice.AddTaskAsync(s.Conversation, "open");
            var result = await RunChecked(s, "section:task:archive_all", new { conversation_id = s.Conversation, section_id = ids["To Do"] });
            Assert.Equal(open, Assert.Single(result.OfType("message")).Long("message_nr"));
            var header = await s.BobsHeaderAsync();
            Assert.True(header.Bool("has_task_archive"));
            Assert.False(header.Bool("has_taskboard"));
            Assert.Contains("is_archived", (await s.BobSeesAsync()).LastOf(open).Strings("tags"));
            await Refused(s, "section:task:archive_all", new { conversation_id = s.Conversation, section_id = Guid.NewGuid() });
        });

        yield return Check("section:task:sync", async s =>
        {
            var ids = await Ids(s);
            var tasks = new List<long>();
            for (var i = 0; i < 22; i++)
            {
                tasks.Add(await s.Alice.AddTaskAsync(s.Conversation, $"task {i}"));
            }

            await s.MarkAsync();
            var first = await s.RunAsync("section:task:sync", new { conversation_id = s.Conversation, section_id = ids["To Do"] });
            Assert.Equal(tasks.Take(20), first.OfType("message").Select(m => m.Long("message_nr")));
            var cursor = first.Request.GetProperty("sync_cursor");
            Assert.Equal("partial", Assert.Single(first.OfType("section")).Str("sync_state"));
            var second = await s.RunAsync("section:task:sync", new
            {
                conversation_id = s.Conversation, section_id = ids["To Do"],
                sync_cursor = new { conversation_id = s.Conversation, section_id = ids["To Do"], task_weight = cursor.GetProperty("task_weight").GetDouble() },
            });
            Assert.Equal(tasks.Skip(20), second.OfType("message").Select(m => m.Long("message_nr")));
            Assert.Equal(JsonValueKind.Null, Assert.Single(second.OfType("section")).GetProperty("sync_cursor").ValueKind);
            // A read: nobody's stream moved.
            Assert.Empty(await s.BobSeesAsync());
            await Refused(s, "section:task:sync", new { conversation_id = s.Conversation, section_id = Guid.NewGuid() });
        });
    }
}
