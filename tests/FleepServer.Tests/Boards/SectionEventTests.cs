using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Boards;

/// <summary>
/// A conversation's taskboard sections (peripheral spec §1.9, §12; docs/boards.md "Sections"):
/// the two defaults, section:task:add / rename / set_position / delete / archive_done /
/// archive_all, their section records in every member's stream and in no outsider's, tasks
/// moving between sections.
/// </summary>
public sealed class SectionEventTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const double Step = BoardTestHelpers.Step;

    [Fact]
    public async Task Every_conversation_has_To_Do_and_Archived_in_its_init_and_ic_tasks()
    {
        using var alice = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("defaults");
        var sections = await alice.SyncedSectionsAsync(conv);
        Assert.Equal(2, sections.Count);
        Assert.Equal(["To Do", "Archived"], sections.Select(s => s.Str("name")));
        Assert.Equal([Step, 0], sections.Select(s => s.GetProperty("weight").GetDouble()));
        Assert.Equal([BoardTestHelpers.SubtypePrefix + "default", BoardTestHelpers.SubtypePrefix + "archived"],
            sections.Select(s => s.Str("mk_section_subtype")));
        Assert.All(sections, s =>
        {
            Assert.Equal(BoardTestHelpers.TaskType, s.Str("mk_section_type"));
            Assert.Equal(conv, s.GetProperty("conversation_id").GetGuid());
            Assert.False(s.Bool("is_deleted"));
            Assert.Equal(JsonValueKind.Null, s.GetProperty("sync_cursor").ValueKind);
            Assert.Equal(JsonValueKind.Null, s.GetProperty("sync_state").ValueKind);
        });

        var init = (await alice.ConvAsync("sync", conv, new { mk_direction = "ic_full" })).EnsureOk().Stream().Sections();
        Assert.Equal(sections.Select(s => s.GetRawText()), init.Select(s => s.GetRawText()));

        // A task names the To Do section the board lists.
        var task = await alice.AddTaskAsync(conv, "a task");
        Assert.Equal(sections[0].SectionId(), (await alice.MessageNowAsync(conv, task)).GetProperty("section_id").GetGuid());
    }

    [Fact]
    public async Task Add_rename_reorder_and_delete_reach_every_member_and_no_outsider()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("sections", bob);
        var bobBefore = await bob.SyncedSectionsAsync(conv);
        var bobHorizon = await bob.HorizonAsync();
        var carolHorizon = await carol.HorizonAsync();
        var ids = await alice.SectionIdsAsync(conv);

        // Without prev_section_id: last before Archived, halfway between To Do and Archived.
        var doing = await alice.AddSectionAsync(conv, "Doing");
        Assert.Equal(Step / 2, doing.GetProperty("weight").GetDouble());
        Assert.Equal(BoardTestHelpers.SubtypePrefix + "user", doing.Str("mk_section_subtype"));
        Assert.Equal(BoardTestHelpers.TaskType, doing.Str("mk_section_type"));
        // After To Do: between To Do and Doing.
        var backlog = await alice.AddSectionAsync(conv, "Backlog", ids["To Do"]);
        Assert.Equal(Step * 3 / 4, backlog.GetProperty("weight").GetDouble());
        Assert.Equal(["To Do", "Backlog", "Doing", "Archived"], (await bob.SyncedSectionsAsync(conv)).Select(s => s.Str("name")));

        var renamed = (await bob.EventAsync("section:task:rename",
            new { conversation_id = conv, section_id = doing.SectionId(), section_name = "  In progress " })).EnsureApplied();
        Assert.Equal("In progress", Assert.Single(renamed.OfType("section")).Str("name"));

        var moved = (await alice.EventAsync("section:task:set_position",
            new { conversation_id = conv, section_id = doing.SectionId(), prev_section_id = (Guid?)null })).EnsureApplied();
        Assert.Equal(2 * Step, Assert.Single(moved.OfType("section")).GetProperty("weight").GetDouble());
        Assert.Equal(["In progress", "To Do", "Backlog", "Archived"], (await alice.SyncedSectionsAsync(conv)).Select(s => s.Str("name")));

        // To Do moves too (after Backlog); renaming a default section stores it with its own id.
        (await alice.EventAsync("section:task:set_position",
            new { conversation_id = conv, section_id = ids["To Do"], prev_section_id = backlog.SectionId() })).EnsureApplied();
        (await alice.EventAsync("section:task:rename", new { conversation_id = conv, section_id = ids["Archived"], section_name = "Done and gone" }))
            .EnsureApplied();
        Assert.Equal(["In progress", "Backlog", "To Do", "Done and gone"], (await bob.SyncedSectionsAsync(conv)).Select(s => s.Str("name")));

        var deleted = (await bob.EventAsync("section:task:delete", new { conversation_id = conv, section_id = backlog.SectionId() })).EnsureApplied();
        Assert.True(Assert.Single(deleted.OfType("section")).Bool("is_deleted"));
        var final = await bob.SyncedSectionsAsync(conv);
        Assert.Equal(["In progress", "To Do", "Done and gone"], final.Select(s => s.Str("name")));
        Assert.Equal(ids["To Do"], final[1].SectionId());
        Assert.Equal(ids["Archived"], final[2].SectionId());

        // Bob's stream carried every change, in order; carol's nothing of it.
        var bobSections = (await bob.PollSinceAsync(bobHorizon)).Sections();
        Assert.Equal(7, bobSections.Count);
        Assert.Equal(["Doing", "Backlog", "In progress", "In progress", "To Do", "Done and gone", "Backlog"], bobSections.Select(s => s.Str("name")));
        Assert.DoesNotContain(await carol.PollSinceAsync(carolHorizon), r => r.Str("mk_rec_type") is "section" or "conv");
        await bob.AssertSectionStreamKeepsSyncAsync(conv, bobBefore, bobHorizon);
    }

    [Fact]
    public async Task Tasks_move_between_sections_and_a_deleted_section_hands_its_tasks_to_To_Do()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("moves", bob);
        var t1 = await alice.AddTaskAsync(conv, "one");
        var t2 = await alice.AddTaskAsync(conv, "two");
        var t3 = await alice.AddTaskAsync(conv, "three");
        var ids = await alice.SectionIdsAsync(conv);
        var doing = (await alice.AddSectionAsync(conv, "Doing")).SectionId();
        var bobHorizon = await bob.HorizonAsync();

        (await bob.EventAsync("message:task:set_position", new { conversation_id = conv, message_nr = t2, section_id = doing, prev_message_nr = 0 }))
            .EnsureApplied();
        (await bob.EventAsync("message:task:set_position", new { conversation_id = conv, message_nr = t3, section_id = doing, prev_message_nr = 0 }))
            .EnsureApplied();
        // message/store section_id moves a task too.
        (await alice.MessageAsync("store", conv, new { message_nr = t1, section_id = doing })).EnsureOk();
        (await alice.EventAsync("message:task:set_position", new { conversation_id = conv, message_nr = t1, section_id = doing, prev_message_nr = t3 }))
            .EnsureApplied();

        var page = (await alice.EventAsync("section:task:sync", new { conversation_id = conv, section_id = doing })).EnsureApplied();
        Assert.Equal([t3, t1, t2], page.OfType("message").Select(m => m.Long("message_nr")));
        Assert.All(page.OfType("message"), m => Assert.Equal(doing, m.GetProperty("section_id").GetGuid()));
        var polled = await alice.PollSinceAsync(bobHorizon);
        Assert.Equal(doing, polled.LastOf(t2).GetProperty("section_id").GetGuid());
        var bobPolled = await bob.PollSinceAsync(bobHorizon);
        Assert.Equal(doing, bobPolled.LastOf(t1).GetProperty("section_id").GetGuid());

        // Out of the archive into a user section: the task is active there.
        (await alice.EventAsync("message:archive", new { conversation_id = conv, message_nr = t2 })).EnsureApplied();
        Assert.Equal(ids["Archived"], (await alice.MessageNowAsync(conv, t2)).GetProperty("section_id").GetGuid());
        (await alice.EventAsync("message:task:set_position", new { conversation_id = conv, message_nr = t2, section_id = doing, prev_message_nr = 0 }))
            .EnsureApplied();
        var back = await alice.MessageNowAsync(conv, t2);
        Assert.Equal(doing, back.GetProperty("section_id").GetGuid());
        Assert.DoesNotContain("is_archived", back.Strings("tags"));

        var horizon = await bob.HorizonAsync();
        var deleted = (await alice.EventAsync("section:task:delete", new { conversation_id = conv, section_id = doing })).EnsureApplied();
        Assert.Equal(3, deleted.OfType("message").Count);
        var moved = (await bob.PollSinceAsync(horizon)).Where(r => r.Str("mk_rec_type") == "message").ToList();
        Assert.Equal(3, moved.Count);
        Assert.All(moved, m => Assert.Equal(ids["To Do"], m.GetProperty("section_id").GetGuid()));
        var toDo = (await alice.EventAsync("section:task:sync", new { conversation_id = conv, section_id = ids["To Do"] })).EnsureApplied();
        // In their Doing order (t2, t3, t1), after nothing else: To Do had no other task left.
        Assert.Equal([t2, t3, t1], toDo.OfType("message").Select(m => m.Long("message_nr")));
    }

    [Fact]
    public async Task Archive_done_and_archive_all_archive_the_sections_tasks_as_message_archive_does()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("archive", bob);
        var ids = await alice.SectionIdsAsync(conv);
        var doing = (await alice.AddSectionAsync(conv, "Doing")).SectionId();
        var done1 = await alice.AddTaskAsync(conv, "done one");
        var open1 = await alice.AddTaskAsync(conv, "open one");
        var inDoing = await alice.AddTaskAsync(conv, "doing one");
        (await alice.MessageAsync("store", conv, new { message_nr = inDoing, section_id = doing, tags = new[] { "is_done" } })).EnsureOk();
        (await alice.MessageAsync("store", conv, new { message_nr = done1, tags = new[] { "is_done" } })).EnsureOk();
        Assert.False((await alice.HeaderAsync(conv)).Bool("has_task_archive"));
        var bobHorizon = await bob.HorizonAsync();

        var archived = (await bob.EventAsync("section:task:archive_done", new { conversation_id = conv, section_id = ids["To Do"] })).EnsureApplied();
        var record = Assert.Single(archived.OfType("message"));
        Assert.Equal(done1, record.Long("message_nr"));
        Assert.Equal(["is_archived", "is_done", "is_shared", "is_task"], record.Strings("tags"));
        Assert.Equal(ids["Archived"], record.GetProperty("section_id").GetGuid());
        Assert.True(record.Long("flow_message_nr") > record.Long("message_nr"));
        var header = Assert.Single(archived.OfType("conv"));
        Assert.True(header.Bool("has_task_archive"));
        Assert.True(header.Bool("has_taskboard"));
        // The done task of Doing stays where it is; the open one of To Do too.
        Assert.Equal(doing, (await alice.MessageNowAsync(conv, inDoing)).GetProperty("section_id").GetGuid());
        Assert.Equal(ids["To Do"], (await alice.MessageNowAsync(conv, open1)).GetProperty("section_id").GetGuid());

        var all = (await alice.EventAsync("section:task:archive_all", new { conversation_id = conv, section_id = ids["To Do"] })).EnsureApplied();
        Assert.Equal(open1, Assert.Single(all.OfType("message")).Long("message_nr"));
        (await alice.EventAsync("section:task:archive_all", new { conversation_id = conv, section_id = doing })).EnsureApplied();
        var header2 = await alice.HeaderAsync(conv);
        Assert.True(header2.Bool("has_task_archive"));
        Assert.False(header2.Bool("has_taskboard"));

        // Bob saw each archived task and the headers saying so.
        var polled = await bob.PollSinceAsync(bobHorizon);
        foreach (var nr in new[] { done1, open1, inDoing })
        {
            Assert.Contains("is_archived", polled.LastOf(nr).Strings("tags"));
            Assert.Equal(ids["Archived"], polled.LastOf(nr).GetProperty("section_id").GetGuid());
        }

        var bobsHeader = polled.Last(r => r.Str("mk_rec_type") == "conv");
        Assert.True(bobsHeader.Bool("has_task_archive"));
        Assert.False(bobsHeader.Bool("has_taskboard"));

        // The Archived section pages them all.
        var page = (await alice.EventAsync("section:task:sync", new { conversation_id = conv, section_id = ids["Archived"] })).EnsureApplied();
        Assert.Equal(3, page.OfType("message").Count);
    }
}
