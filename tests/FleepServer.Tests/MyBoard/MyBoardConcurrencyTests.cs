using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.MyBoard;

/// <summary>Two sessions of one account changing its board at once: no server error, one consistent order.</summary>
public sealed class MyBoardConcurrencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static object Event(string name, object parameters) => new
    {
        api_version = 4,
        stream = new[] { new TestEvent(name, parameters).ToJson() },
    };

    [Fact]
    public async Task Two_sessions_adding_moving_and_archiving_at_once_leave_one_consistent_board()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var phone = await server.SecondSessionAsync(alice);
        var (toDo, archived) = await alice.DefaultSectionsAsync();
        var seed = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            seed.Add((await alice.AddTodoAsync($"seed {i}")).Id());
        }

        var (_, assigned) = await bob.AssignedTaskAsync(alice, "from bob");
        var at = await phone.HorizonAsync();

        var calls = new List<Func<Task<FleepResponse>>>();
        for (var i = 0; i < 10; i++)
        {
            var text = $"new {i}";
            calls.Add(() => alice.PostAsync("/api/event/store", Event("my_message:add_todo", new { message = text })));
            calls.Add(() => phone.PostAsync("/api/event/store", Event("my_message:add_todo", new { message = text + "b" })));
        }

        calls.Add(() => alice.PostAsync("/api/event/store", Event("task:set_position", new { message_id = seed[0], section_id = toDo, prev_message_id = seed[3] })));
        calls.Add(() => phone.PostAsync("/api/event/store", Event("task:set_position", new { message_id = seed[1], section_id = toDo, prev_message_id = seed[3] })));
        calls.Add(() => alice.PostAsync("/api/event/store", Event("task:archive", new { message_id = seed[2] })));
        calls.Add(() => phone.PostAsync("/api/event/store", Event("task:archive", new { message_id = assigned.Id() })));
        calls.Add(() => alice.PostAsync("/api/event/store", Event("my_message:archive", new { message_id = seed[4] })));
        calls.Add(() => phone.PostAsync("/api/event/store", Event("my_section:task:add", new { section_name = "Parallel" })));
        calls.Add(() => alice.PostAsync("/api/event/store", Event("my_section:task:sync", new { section_id = toDo })));
        calls.Add(() => phone.PostAsync("/api/event/store", Event("my_message:add_canned", new { canned_name = "c" })));

        var answers = await ConcurrentCalls.RunAsync(calls);
        server.AssertAllOk(answers);
        foreach (var answer in answers)
        {
            var request = Assert.Single(answer.Json.GetProperty("requests").EnumerateArray());
            Assert.True(request.GetProperty("status_code").GetInt32() == 200, request.ToString());
        }

        var todo = (await alice.SyncSectionAsync(toDo)).Items;
        var done = (await phone.SyncSectionAsync(archived)).Items;
        Assert.Equal(4 + 20, todo.Count); // seeds 0, 1, 3 and 5, and the 20 new ones
        Assert.Equal(new[] { seed[2], seed[4], assigned.Id() }.Order(), done.Select(d => d.Id()).Order());
        var weights = todo.Select(i => i.GetProperty("task_weight").GetDouble()).ToList();
        Assert.Equal(weights.Count, weights.Distinct().Count());
        Assert.Equal(weights.Order(), weights);
        var order = todo.Select(i => i.Id()).ToList();
        Assert.True(order.IndexOf(seed[3]) < order.IndexOf(seed[0]) && order.IndexOf(seed[3]) < order.IndexOf(seed[1]));

        // Both sessions' streams got every change, the same records in the same order.
        var phoneSaw = await phone.PollToEndAsync(at);
        var aliceSaw = await alice.PollToEndAsync(at);
        Assert.Equal(phoneSaw.Select(r => r.GetRawText()), aliceSaw.Select(r => r.GetRawText()));
        Assert.Equal(20, phoneSaw.MyMessages().Count(r => r.TryGetProperty("message", out var m) && m.GetString()!.Contains("new")));
    }
}
