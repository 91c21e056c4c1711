using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Boards;

/// <summary>
/// ConvInfo has_pinboard, has_taskboard and has_task_archive follow the boards in every pin and
/// task change, for every member (docs/boards.md, "Board flags"); false on a fresh conversation
/// (core spec §2.1).
/// </summary>
public sealed class BoardFlagTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static (bool Pins, bool Tasks, bool Archive) Flags(System.Text.Json.JsonElement header) =>
        (header.Bool("has_pinboard"), header.Bool("has_taskboard"), header.Bool("has_task_archive"));

    [Fact]
    public async Task The_pinboard_flag_turns_on_with_a_pin_and_off_with_the_last_one()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("pins", bob);
        Assert.Equal((false, false, false), Flags(await alice.HeaderAsync(conv)));

        var pin = await alice.AddPinAsync(conv, "pinned at once");
        Assert.Equal((true, false, false), Flags(await bob.HeaderAsync(conv)));
        var plain = (await alice.SendAsync(conv, "later pinned")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();
        (await bob.MessageAsync("store", conv, new { message_nr = plain, tags = new[] { "pin" } })).EnsureOk();

        // One of two unpinned: still a pinboard.
        (await alice.PostAsync($"/api/message/unpin/{conv}", new { pin_message_nr = pin })).EnsureOk();
        Assert.True((await alice.HeaderAsync(conv)).Bool("has_pinboard"));

        // The last pin deleted: no pinboard, in bob's stream too.
        var horizon = await bob.HorizonAsync();
        var deleted = (await bob.MessageAsync("delete", conv, new { message_nr = plain })).EnsureOk();
        Assert.False(deleted.Header().Bool("has_pinboard"));
        var polled = await bob.PollSinceAsync(horizon);
        Assert.False(polled.Last(r => r.Str("mk_rec_type") == "conv").Bool("has_pinboard"));
        Assert.Equal((false, false, false), Flags(await alice.HeaderAsync(conv)));

        // Pinning the unpinned one again.
        (await alice.MessageAsync("store", conv, new { message_nr = pin, tags = new[] { "pin" } })).EnsureOk();
        Assert.True((await bob.HeaderAsync(conv)).Bool("has_pinboard"));
    }

    [Fact]
    public async Task The_taskboard_and_archive_flags_follow_tasks_through_done_archive_unarchive_plain_and_delete()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("tasks", bob);
        var task = await alice.AddTaskAsync(conv, "a task");
        Assert.Equal((false, true, false), Flags(await bob.HeaderAsync(conv)));

        (await bob.EventAsync("message:set_done", new { conversation_id = conv, message_nr = task })).EnsureApplied();
        Assert.Equal((false, true, false), Flags(await alice.HeaderAsync(conv)));

        var archived = (await alice.EventAsync("message:archive", new { conversation_id = conv, message_nr = task })).EnsureApplied();
        Assert.Equal((false, false, true), Flags(Assert.Single(archived.OfType("conv"))));
        Assert.Equal((false, false, true), Flags(await bob.HeaderAsync(conv)));

        (await alice.EventAsync("message:unarchive", new { conversation_id = conv, message_nr = task })).EnsureApplied();
        Assert.Equal((false, true, false), Flags(await bob.HeaderAsync(conv)));

        (await alice.EventAsync("message:set_plain", new { conversation_id = conv, message_nr = task })).EnsureApplied();
        Assert.Equal((false, false, false), Flags(await bob.HeaderAsync(conv)));

        (await alice.EventAsync("message:set_todo", new { conversation_id = conv, message_nr = task })).EnsureApplied();
        (await alice.EventAsync("message:archive", new { conversation_id = conv, message_nr = task })).EnsureApplied();
        var other = await alice.AddTaskAsync(conv, "another");
        Assert.Equal((false, true, true), Flags(await bob.HeaderAsync(conv)));
        (await alice.MessageAsync("delete", conv, new { message_nr = task })).EnsureOk();
        Assert.Equal((false, true, false), Flags(await bob.HeaderAsync(conv)));
        (await alice.MessageAsync("store", conv, new { message_nr = other, tags = new[] { "is_deleted" } })).EnsureOk();
        Assert.Equal((false, false, false), Flags(await bob.HeaderAsync(conv)));
    }
}
