using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Boards;

/// <summary>
/// New messages with state tags, as Fleep's own suite posts them (core spec §6.3, docs/boards.md
/// "New messages"): a task created done, a task with assignees, a pin; contradictory
/// combinations are a 400, never a 500.
/// </summary>
public sealed class NewTaskMessageTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task A_new_message_with_is_done_is_a_done_task_in_To_Do()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("done at once", bob);
        var toDo = (await alice.SectionIdsAsync(conv))["To Do"];
        var horizon = await bob.HorizonAsync();

        var stored = (await alice.MessageAsync("store", conv, new { message = "already done", tags = new[] { "is_done" } })).EnsureOk();
        var message = stored.Message();
        Assert.Equal("urn:fleep:message:mk_message_state:done", message.Str("mk_message_state"));
        Assert.Equal(["is_done", "is_shared", "is_task"], message.Strings("tags"));
        Assert.Equal(toDo, message.GetProperty("section_id").GetGuid());
        Assert.Equal(BoardTestHelpers.Step, message.GetProperty("task_weight").GetDouble());
        Assert.Equal(alice.AccountId, message.GetProperty("tasked_account_id").GetGuid());
        Assert.True(stored.Header().Bool("has_taskboard"));
        Assert.Equal("urn:fleep:message:mk_message_state:done",
            (await bob.PollSinceAsync(horizon)).LastOf(message.Long("message_nr")).Str("mk_message_state"));
    }

    [Fact]
    public async Task Every_allowed_state_of_a_new_message_is_accepted_and_contradictions_are_400()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("states", bob);

        var todo = (await alice.MessageAsync("store", conv, new { message = "todo", tags = new[] { "is_todo" }, assignee_ids = new[] { bob.AccountId } }))
            .EnsureOk().Message();
        Assert.Equal(["is_shared", "is_task", "is_todo"], todo.Strings("tags"));
        Assert.Equal([bob.AccountId], todo.Ids("assignee_ids"));
        Assert.Equal(BoardTestHelpers.Step, todo.GetProperty("task_weight").GetDouble());

        var done = (await alice.SendAsync(conv, "sent done", new { tags = new[] { "is_done", "is_shared", "is_task" } })).EnsureOk().Message();
        Assert.Equal("urn:fleep:message:mk_message_state:done", done.Str("mk_message_state"));
        Assert.Equal(2 * BoardTestHelpers.Step, done.GetProperty("task_weight").GetDouble());

        var pin = (await alice.SendAsync(conv, "pinned", new { tags = new[] { "pin" } })).EnsureOk().Message();
        Assert.Equal(["is_shared", "pin"], pin.Strings("tags"));
        Assert.Equal(alice.AccountId, pin.GetProperty("pinned_account_id").GetGuid());
        var pin2 = (await alice.MessageAsync("store", conv, new { message = "pinned too", tags = new[] { "is_shared", "pin" } })).EnsureOk().Message();
        Assert.True(pin2.GetProperty("pin_weight").GetDouble() > pin.GetProperty("pin_weight").GetDouble());

        foreach (var tags in new[] { new[] { "is_todo", "is_done" }, ["pin", "is_todo"], ["pin", "is_done"], ["is_task"], ["is_archived"], ["is_separator"] })
        {
            (await alice.MessageAsync("store", conv, new { message = "no", tags })).AssertError(400, "invalid_param");
            (await alice.SendAsync(conv, "no", new { tags })).AssertError(400, "invalid_param");
        }
    }
}
