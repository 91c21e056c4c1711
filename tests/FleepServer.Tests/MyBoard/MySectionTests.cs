using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.MyBoard;

/// <summary>Personal board sections (my_section:task:*), docs/boards.md.</summary>
public sealed class MySectionTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const double Step = 4294967296d;

    [Fact]
    public async Task Every_account_has_To_Do_and_Archived_with_ids_of_its_own()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var sections = await alice.MySectionsAsync();
        Assert.Equal(2, sections.Count);
        Assert.Equal(["To Do", "Archived"], sections.Select(s => s.Str("name")));
        Assert.Equal([Step, 0d], sections.Select(s => s.GetProperty("weight").GetDouble()));
        Assert.Equal(["urn:fleep:section:mk_section_subtype:default", "urn:fleep:section:mk_section_subtype:archived"],
            sections.Select(s => s.Str("mk_section_subtype")));
        Assert.All(sections, s => Assert.False(s.Has("conversation_id")));
        Assert.All(sections, s => Assert.False(s.Bool("is_deleted")));

        var again = await alice.MySectionsAsync();
        Assert.Equal(sections.Select(s => s.Id("section_id")), again.Select(s => s.Id("section_id")));
        var bobs = await bob.MySectionsAsync();
        Assert.Empty(bobs.Select(s => s.Id("section_id")).Intersect(sections.Select(s => s.Id("section_id"))));
    }

    [Fact]
    public async Task Add_rename_move_and_delete_reach_the_owner_only_and_keep_account_sync_true()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var (toDo, archived) = await alice.DefaultSectionsAsync();
        var before = (await alice.PostAsync("/api/account/sync")).EnsureOk();
        var bobAt = await bob.HorizonAsync();

        var doing = Assert.Single((await alice.OkAsync("my_section:task:add", new { section_name = "Doing", prev_section_id = toDo })).Records.Sections());
        Assert.Equal("Doing", doing.Str("name"));
        Assert.Equal(MyBoardTestHelpers.MyTaskType, doing.Str("mk_section_type"));
        Assert.Equal("urn:fleep:section:mk_section_subtype:user", doing.Str("mk_section_subtype"));
        Assert.Equal(Step / 2, doing.GetProperty("weight").GetDouble()); // between To Do and Archived
        var first = Assert.Single((await alice.OkAsync("my_section:task:add", new { section_name = "Inbox" })).Records.Sections());
        Assert.Equal(2 * Step, first.GetProperty("weight").GetDouble()); // no prev_section_id: first

        Assert.Equal("Now", Assert.Single((await alice.OkAsync("my_section:task:rename",
            new { section_id = doing.Id("section_id"), section_name = " Now " })).Records.Sections()).Str("name"));
        var renamedToDo = Assert.Single((await alice.OkAsync("my_section:task:rename", new { section_id = toDo, section_name = "Next" })).Records.Sections());
        Assert.Equal(toDo, renamedToDo.Id("section_id"));

        // Inbox after Archived: last.
        var moved = Assert.Single((await alice.OkAsync("my_section:task:set_position",
            new { section_id = first.Id("section_id"), prev_section_id = archived })).Records.Sections());
        Assert.Equal(-Step, moved.GetProperty("weight").GetDouble());
        Assert.Equal(["Next", "Now", "Archived", "Inbox"], (await alice.MySectionsAsync()).Select(s => s.Str("name")));

        // Now moved first (no prev_section_id).
        await alice.OkAsync("my_section:task:set_position", new { section_id = doing.Id("section_id") });
        Assert.Equal(["Now", "Next", "Archived", "Inbox"], (await alice.MySectionsAsync()).Select(s => s.Str("name")));

        var deleted = Assert.Single((await alice.OkAsync("my_section:task:delete", new { section_id = first.Id("section_id") })).Records.Sections());
        Assert.True(deleted.Bool("is_deleted"));
        Assert.Equal(["Now", "Next", "Archived"], (await alice.MySectionsAsync()).Select(s => s.Str("name")));

        Assert.Empty((await bob.PollSinceAsync(bobAt)).Sections());
        await alice.AssertSectionsKeepSyncAsync(before);
    }

    [Fact]
    public async Task Deleting_a_section_moves_its_tasks_to_the_end_of_To_Do_in_their_order()
    {
        using var alice = await server.NewAccountAsync();
        var (toDo, _) = await alice.DefaultSectionsAsync();
        var stays = (await alice.AddTodoAsync("stays")).Id();
        var section = Assert.Single((await alice.OkAsync("my_section:task:add", new { section_name = "Later" })).Records.Sections()).Id("section_id");
        var a = (await alice.AddTodoAsync("a")).Id();
        var b = (await alice.AddTodoAsync("b")).Id();
        await alice.OkAsync("task:set_position", new { message_id = b, section_id = section });
        await alice.OkAsync("task:set_position", new { message_id = a, section_id = section, prev_message_id = b });
        Assert.Equal([b, a], (await alice.SyncSectionAsync(section)).Items.Select(i => i.Id()));

        var result = await alice.OkAsync("my_section:task:delete", new { section_id = section });
        Assert.Equal([b, a], result.Records.MyMessages().Select(r => r.Id()));
        Assert.All(result.Records.MyMessages(), r => Assert.Equal(toDo, r.Id("section_id")));
        Assert.Equal([stays, b, a], (await alice.SyncSectionAsync(toDo)).Items.Select(i => i.Id()));
        (await alice.EventAsync("my_section:task:sync", new { section_id = section })).AssertRefused(430, "not_found");
    }

    [Fact]
    public async Task Archive_done_moves_done_tasks_and_archive_all_moves_the_rest()
    {
        using var alice = await server.NewAccountAsync();
        var (toDo, archived) = await alice.DefaultSectionsAsync();
        var open1 = (await alice.AddTodoAsync("open 1")).Id();
        var done = (await alice.AddTodoAsync("done")).Id();
        var open2 = (await alice.AddTodoAsync("open 2")).Id();
        await alice.OkAsync("my_message:set_done", new { message_id = done });

        var archivedDone = (await alice.OkAsync("my_section:task:archive_done", new { section_id = toDo })).Records.MyMessages();
        Assert.Equal(done, Assert.Single(archivedDone).Id());
        Assert.True(archivedDone[0].Bool("is_archived"));
        Assert.Equal([open1, open2], (await alice.SyncSectionAsync(toDo)).Items.Select(i => i.Id()));

        var all = (await alice.OkAsync("my_section:task:archive_all", new { section_id = toDo })).Records.MyMessages();
        Assert.Equal([open1, open2], all.Select(r => r.Id()));
        Assert.Empty((await alice.SyncSectionAsync(toDo)).Items);
        var inArchive = (await alice.SyncSectionAsync(archived)).Items;
        Assert.Equal([done, open1, open2], inArchive.Select(i => i.Id()));
        Assert.All(inArchive, i => Assert.True(i.Bool("is_archived")));
    }

    [Fact]
    public async Task Sync_pages_75_tasks_in_weight_order_without_repeats_or_gaps()
    {
        using var alice = await server.NewAccountAsync();
        var (toDo, _) = await alice.DefaultSectionsAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 75; i++)
        {
            ids.Add((await alice.AddTodoAsync($"task {i}")).Id());
        }

        // One moved to the front, one between two others.
        await alice.OkAsync("task:set_position", new { message_id = ids[40], section_id = toDo });
        await alice.OkAsync("task:set_position", new { message_id = ids[70], section_id = toDo, prev_message_id = ids[3] });
        var expected = new List<Guid> { ids[40] };
        expected.AddRange(ids.Where(id => id != ids[40] && id != ids[70]));
        expected.Insert(expected.IndexOf(ids[3]) + 1, ids[70]);

        var (items, _, pages) = await alice.SyncSectionAsync(toDo);
        Assert.Equal(4, pages); // 20 + 20 + 20 + 15
        Assert.Equal(expected, items.Select(i => i.Id()));
        var weights = items.Select(i => i.GetProperty("task_weight").GetDouble()).ToList();
        Assert.Equal(weights.Order(), weights);
    }

    [Fact]
    public async Task Wrong_sections_and_default_deletes_are_refused()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var (toDo, archived) = await alice.DefaultSectionsAsync();
        var (bobsToDo, _) = await bob.DefaultSectionsAsync();
        var at = await alice.HorizonAsync();

        (await alice.EventAsync("my_section:task:delete", new { section_id = toDo })).AssertRefused(431, "default_section");
        (await alice.EventAsync("my_section:task:delete", new { section_id = archived })).AssertRefused(431, "default_section");
        (await alice.EventAsync("my_section:task:rename", new { section_id = bobsToDo, section_name = "mine" })).AssertRefused(430, "not_found");
        (await alice.EventAsync("my_section:task:sync", new { section_id = bobsToDo })).AssertRefused(430, "not_found");
        (await alice.EventAsync("my_section:task:add", new { section_name = "x", prev_section_id = bobsToDo })).AssertRefused(430, "not_found");
        (await alice.EventAsync("my_section:task:add", new { section_name = "   " })).AssertRefused(400, "invalid_param");
        (await alice.EventAsync("my_section:task:add", new { section_name = new string('x', 1025) })).AssertRefused(400, "invalid_param");
        (await alice.EventAsync("my_section:task:add", new { section_name = "x", mk_section_type = "urn:fleep:section:mk_section_type:task" }))
            .AssertRefused(400, "invalid_param");
        (await alice.EventAsync("my_section:task:set_position", new { section_id = toDo, prev_section_id = toDo })).AssertRefused(400, "invalid_param");
        (await alice.EventAsync("my_section:task:sync", new { section_id = toDo, sync_cursor = new { section_id = archived, task_weight = 1 } }))
            .AssertRefused(400, "invalid_param");

        // A conversation's taskboard section is not a personal section.
        var conv = await alice.CreateConversationAsync("board");
        var convSection = (await alice.PostAsync($"/api/conversation/sync/{conv}")).EnsureOk().Stream()
            .Where(r => r.Str("mk_rec_type") == "section").Select(r => r.Id("section_id")).FirstOrDefault();
        var todo = await alice.OkAsync("message:add_todo", new { conversation_id = conv, message = "task" });
        var convTodoSection = todo.OfType("message").Last().Id("section_id");
        foreach (var section in new[] { convSection, convTodoSection }.Where(s => s != Guid.Empty))
        {
            (await alice.EventAsync("my_section:task:sync", new { section_id = section })).AssertRefused(430, "not_found");
            (await alice.EventAsync("my_section:task:archive_all", new { section_id = section })).AssertRefused(430, "not_found");
        }

        Assert.Empty((await alice.PollSinceAsync(at)).Sections());
    }
}
