using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Boards;

/// <summary>
/// The legacy api/task/* calls as the official python client makes them (conversation id in the
/// path, its fields in the body; docs/boards.md "Legacy task calls"), each with the effect of the
/// message change it stands for.
/// </summary>
public sealed class LegacyTaskApiTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const string State = "urn:fleep:message:mk_message_state:";

    [Fact]
    public async Task Create_done_todo_make_assign_sort_archive_activate_list_and_sync()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("legacy", bob);
        var ids = await alice.SectionIdsAsync(conv);

        var created = (await alice.PostAsync($"/api/task/create/{conv}", new { message = "first task", assignee_ids = new[] { bob.AccountId } }))
            .EnsureOk();
        var first = created.Message();
        Assert.Equal(State + "todo", first.Str("mk_message_state"));
        Assert.Equal([bob.AccountId], first.Ids("assignee_ids"));
        Assert.Equal(ids["To Do"], first.GetProperty("section_id").GetGuid());
        var t1 = first.Long("message_nr");

        var done = (await bob.PostAsync($"/api/task/done/{conv}", new { message_nr = t1 })).EnsureOk().Message();
        Assert.Equal(State + "done", done.Str("mk_message_state"));
        Assert.Equal(State + "todo", (await bob.PostAsync($"/api/task/todo/{conv}", new { message_nr = t1 })).EnsureOk().Message().Str("mk_message_state"));

        var plain = (await alice.SendAsync(conv, "make me a task")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();
        var made = (await alice.PostAsync($"/api/task/make/{conv}", new { message_nr = plain })).EnsureOk().Message();
        Assert.Equal(["is_shared", "is_task", "is_todo"], made.Strings("tags"));
        var assigned = (await alice.PostAsync($"/api/task/assign/{conv}", new { message_nr = plain, assignee_ids = new[] { alice.AccountId, bob.AccountId } }))
            .EnsureOk().Message();
        Assert.Equal([alice.AccountId, bob.AccountId], assigned.Ids("assignee_ids"));

        // sort: the made task first, then t1 right below it (below_task_weight names the task above).
        var sorted = (await alice.PostAsync($"/api/task/sort/{conv}", new { message_nr = plain })).EnsureOk().Message();
        var t1After = (await alice.PostAsync($"/api/task/sort/{conv}",
            new { message_nr = t1, below_task_weight = sorted.GetProperty("task_weight").GetDouble() })).EnsureOk().Message();
        Assert.True(t1After.GetProperty("task_weight").GetDouble() > sorted.GetProperty("task_weight").GetDouble());
        var third = await alice.AddTaskAsync(conv, "third");
        var open = (await bob.PostAsync($"/api/task/list/{conv}", new { })).EnsureOk();
        Assert.Equal(2, open.Stream().Sections().Count);
        Assert.Equal([third, plain, t1], open.Messages().Select(m => m.Long("message_nr")));
        var board = (await bob.EventAsync("section:task:sync", new { conversation_id = conv, section_id = ids["To Do"] })).EnsureApplied();
        Assert.Equal([plain, t1, third], board.OfType("message").Select(m => m.Long("message_nr")));
        (await alice.PostAsync($"/api/task/sort/{conv}", new { message_nr = t1, is_my_tasklist = true })).AssertError(431, "not_supported");
        (await alice.PostAsync($"/api/task/sort/{conv}", new { message_nr = t1, below_task_weight = 12345.5 })).AssertError(400, "invalid_param");

        var archived = (await bob.PostAsync($"/api/task/archive/{conv}", new { message_nr = t1 })).EnsureOk();
        Assert.Contains("is_archived", archived.Message().Strings("tags"));
        Assert.Equal(ids["Archived"], archived.Message().GetProperty("section_id").GetGuid());
        Assert.True(archived.Header().Bool("has_task_archive"));
        Assert.Equal([t1], (await bob.PostAsync($"/api/task/list/{conv}", new { is_archive = true })).EnsureOk().Messages().Select(m => m.Long("message_nr")));
        Assert.Equal([third, plain], (await bob.PostAsync($"/api/task/list/{conv}", new { is_archive = false })).EnsureOk().Messages()
            .Select(m => m.Long("message_nr")));

        var activated = (await bob.PostAsync($"/api/task/activate/{conv}", new { message_nr = t1 })).EnsureOk();
        Assert.DoesNotContain("is_archived", activated.Message().Strings("tags"));
        Assert.Equal(ids["To Do"], activated.Message().GetProperty("section_id").GetGuid());
        Assert.False(activated.Header().Bool("has_task_archive"));

        var synced = (await alice.PostAsync($"/api/task/sync/{conv}", new { })).EnsureOk();
        Assert.Equal([third, plain, t1], synced.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(0, synced.Header().Long("task_horizon"));

        // from_message_nr answers the flow after it, as on every conversation call.
        var header = await alice.HeaderAsync(conv);
        var after = (await alice.PostAsync($"/api/task/done/{conv}", new { message_nr = third, from_message_nr = header.Long("last_message_nr") })).EnsureOk();
        Assert.Equal(third, Assert.Single(after.Messages()).Long("message_nr"));
    }

    [Fact]
    public async Task Legacy_calls_answer_outsiders_and_bad_input_as_the_message_calls_do()
    {
        using var alice = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("closed");
        var task = await alice.AddTaskAsync(conv, "private task");
        var outsider = await carol.MessageAsync("store", conv, new { message_nr = task, tags = new[] { "is_done" } });
        Assert.True(outsider.StatusCode >= 400 && outsider.StatusCode < 500);
        foreach (var call in new[] { "done", "todo", "make", "archive", "activate", "sort" })
        {
            (await carol.PostAsync($"/api/task/{call}/{conv}", new { message_nr = task })).AssertError(outsider.StatusCode, outsider.ErrorId);
        }

        (await carol.PostAsync($"/api/task/list/{conv}", new { })).AssertError(outsider.StatusCode, outsider.ErrorId);
        (await carol.PostAsync($"/api/task/sync/{conv}", new { })).AssertError(outsider.StatusCode, outsider.ErrorId);
        (await carol.PostAsync($"/api/task/create/{conv}", new { message = "x" })).AssertError(outsider.StatusCode, outsider.ErrorId);
        (await alice.PostAsync($"/api/task/done/{conv}", new { })).AssertError(400);
        (await alice.PostAsync($"/api/task/done/{conv}", new { message_nr = 999 })).AssertError(430, "not_found");
        (await alice.PostAsync($"/api/task/create/{conv}", new { })).AssertError(400, "empty_message");
        (await alice.PostAsync("/api/task/done/not-a-uuid", new { message_nr = task })).AssertError(400);
        (await alice.PostAsync($"/api/task/sync/{conv}", new { from_message_nr = -1 })).AssertError(400, "invalid_param");
    }
}
