using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.MyBoard;

/// <summary>Conversation tasks assigned to an account on its personal board (task:* events), docs/boards.md.</summary>
public sealed class AssignedToMeTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task A_task_assigned_to_the_account_is_in_its_To_Do_with_the_message_record()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var (toDo, _) = await bob.DefaultSectionsAsync();
        var own = (await bob.AddTodoAsync("own")).Id();
        var (conv, message) = await alice.AssignedTaskAsync(bob, "review the plan");
        var (notMine, _) = await alice.AssignedTaskAsync(alice, "alice's own");

        var (items, messages, _) = await bob.SyncSectionAsync(toDo);
        Assert.Equal([own, message.Id()], items.Select(i => i.Id()));
        var task = items[1];
        Assert.Equal(conv, task.Id("conversation_id"));
        Assert.Equal(message.Long("message_nr"), task.Long("message_nr"));
        Assert.Equal(bob.AccountId, task.Id("profile_id"));
        Assert.Equal(alice.AccountId, task.Id("account_id"));
        Assert.False(task.Has("message"));
        Assert.Equal("todo", task.State());
        var record = Assert.Single(messages);
        Assert.Equal(message.Id(), record.Id());
        Assert.Contains("review the plan", record.Str("message"));
        Assert.DoesNotContain(items, i => i.Has("conversation_id") && i.Id("conversation_id") == notMine);

        // The assigner's board does not list it: it is not assigned to alice.
        var (aliceToDo, _) = await alice.DefaultSectionsAsync();
        Assert.DoesNotContain((await alice.SyncSectionAsync(aliceToDo)).Items, i => i.Id() == message.Id());
    }

    [Fact]
    public async Task Placing_and_archiving_a_conversation_task_is_private_to_the_account()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var (toDo, archived) = await bob.DefaultSectionsAsync();
        var (conv, message) = await alice.AssignedTaskAsync(bob, "shared task");
        var own = (await bob.AddTodoAsync("own")).Id();
        var aliceAt = await alice.HorizonAsync();
        var bobAt = await bob.HorizonAsync();

        var moved = Assert.Single((await bob.OkAsync("task:set_position", new { message_id = message.Id(), section_id = toDo, prev_message_id = own }))
            .Records.MyMessages());
        Assert.Equal(message.Id(), moved.Id());
        var archivedRecord = Assert.Single((await bob.OkAsync("task:archive", new { message_id = message.Id() })).Records.MyMessages());
        Assert.True(archivedRecord.Bool("is_archived"));
        Assert.Equal(archived, archivedRecord.Id("section_id"));
        Assert.Equal(message.Id(), Assert.Single((await bob.SyncSectionAsync(archived)).Items).Id());
        Assert.DoesNotContain((await bob.SyncSectionAsync(toDo)).Items, i => i.Id() == message.Id());

        // Bob's stream has the places; alice's has nothing, and the message itself did not change.
        Assert.Contains((await bob.PollSinceAsync(bobAt)).MyMessages(), r => r.Id() == message.Id() && r.Bool("is_archived"));
        Assert.Empty(await alice.PollSinceAsync(aliceAt));
        var synced = (await alice.PostAsync($"/api/conversation/sync/{conv}")).EnsureOk().Messages().Single(m => m.Long("message_nr") == message.Long("message_nr"));
        Assert.Equal(message.Str("mk_message_state"), synced.Str("mk_message_state"));
        Assert.Equal(message.Strings("tags"), synced.Strings("tags"));

        var back = Assert.Single((await bob.OkAsync("task:unarchive", new { message_id = message.Id() })).Records.MyMessages());
        Assert.False(back.Bool("is_archived"));
        Assert.Equal(toDo, back.Id("section_id"));

        // The my_message events are for the account's own items only: a conversation message is not one.
        (await bob.EventAsync("my_message:archive", new { message_id = message.Id() })).AssertRefused(430, "not_found");
    }

    [Fact]
    public async Task A_task_stops_appearing_when_the_account_leaves_or_is_removed_and_outsiders_learn_nothing()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        var (bobToDo, _) = await bob.DefaultSectionsAsync();
        var (carolToDo, _) = await carol.DefaultSectionsAsync();
        var (left, leftTask) = await alice.AssignedTaskAsync(bob, "bob leaves");
        var (removedConv, removedTask) = await alice.AssignedTaskAsync(carol, "carol removed");
        Assert.Contains((await bob.SyncSectionAsync(bobToDo)).Items, i => i.Id() == leftTask.Id());
        Assert.Contains((await carol.SyncSectionAsync(carolToDo)).Items, i => i.Id() == removedTask.Id());

        (await bob.ConvAsync("leave", left)).EnsureOk();
        (await alice.ConvAsync("store", removedConv, new { remove_account_ids = new[] { carol.AccountId } })).EnsureOk();

        Assert.DoesNotContain((await bob.SyncSectionAsync(bobToDo)).Items, i => i.Id() == leftTask.Id());
        Assert.DoesNotContain((await carol.SyncSectionAsync(carolToDo)).Items, i => i.Id() == removedTask.Id());
        // Bob may still read what he saw, so he is told it is not on his board; carol was removed: not found.
        (await bob.EventAsync("task:archive", new { message_id = leftTask.Id() })).AssertRefused(431, "not_on_board");
        (await carol.EventAsync("task:archive", new { message_id = removedTask.Id() })).AssertRefused(430, "not_found");

        // An outsider and a member who is not the assignee.
        using var mallory = await server.NewAccountAsync();
        var (malloryToDo, _) = await mallory.DefaultSectionsAsync();
        var malloryAt = await mallory.HorizonAsync();
        (await mallory.EventAsync("task:archive", new { message_id = removedTask.Id() })).AssertRefused(430, "not_found");
        (await mallory.EventAsync("task:set_position", new { message_id = removedTask.Id(), section_id = malloryToDo })).AssertRefused(430, "not_found");
        Assert.DoesNotContain(await mallory.PollSinceAsync(malloryAt), r => r.Str("mk_rec_type") != "request");
        (await alice.EventAsync("task:archive", new { message_id = removedTask.Id() })).AssertRefused(431, "not_on_board");
    }

    [Fact]
    public async Task A_member_who_joined_after_the_task_without_disclosure_cannot_reach_it()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("history");
        var task = (await alice.OkAsync("message:add_todo", new { conversation_id = conv, message = "before bob" })).OfType("message").Last();
        (await alice.ConvAsync("store", conv, new { add_account_ids = new[] { bob.AccountId } })).EnsureOk();
        (await bob.EventAsync("task:archive", new { message_id = task.Id() })).AssertRefused(430, "not_found");
    }

    [Fact]
    public async Task Done_in_the_conversation_is_done_on_the_board_and_an_unassigned_or_deleted_task_leaves_it()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var (toDo, archived) = await bob.DefaultSectionsAsync();
        var (conv, done) = await alice.AssignedTaskAsync(bob, "finish me");
        var unassigned = (await alice.OkAsync("message:add_todo", new { conversation_id = conv, message = "not yours", assignee_ids = new[] { bob.AccountId } }))
            .OfType("message").Last();
        var deleted = (await alice.OkAsync("message:add_todo", new { conversation_id = conv, message = "gone", assignee_ids = new[] { bob.AccountId } }))
            .OfType("message").Last();
        Assert.Equal([done.Id(), unassigned.Id(), deleted.Id()], (await bob.SyncSectionAsync(toDo)).Items.Select(i => i.Id()));

        await alice.OkAsync("message:set_done", new { conversation_id = conv, message_nr = done.Long("message_nr") });
        await alice.OkAsync("message:set_assignees", new { conversation_id = conv, message_nr = unassigned.Long("message_nr"), assignee_ids = new[] { alice.AccountId } });
        await alice.OkAsync("message:delete", new { conversation_id = conv, message_nr = deleted.Long("message_nr") });

        var (items, messages, _) = await bob.SyncSectionAsync(toDo);
        Assert.Equal(done.Id(), Assert.Single(items).Id());
        Assert.Equal("done", items[0].State());
        Assert.Equal("urn:fleep:message:mk_message_state:done", Assert.Single(messages).Str("mk_message_state"));

        var archivedDone = (await bob.OkAsync("my_section:task:archive_done", new { section_id = toDo })).Records.MyMessages();
        Assert.Equal(done.Id(), Assert.Single(archivedDone).Id());
        Assert.Equal(done.Id(), Assert.Single((await bob.SyncSectionAsync(archived)).Items).Id());
        (await bob.EventAsync("task:archive", new { message_id = unassigned.Id() })).AssertRefused(431, "not_on_board");
    }
}
