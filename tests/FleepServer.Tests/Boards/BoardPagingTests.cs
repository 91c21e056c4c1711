using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Boards;

/// <summary>
/// 75 pins and 75 tasks paged through every way a client pages them (peripheral spec §12;
/// docs/boards.md "Paging"): account/sync_pinboard with pin_cursor (as the official python client
/// loops), conv:pin:sync, conversation/sync_pins with pin_horizon, account/sync_taskboard and
/// section:task:sync with the section's sync_cursor, task/sync with task_horizon. Each covers the
/// board once, in weight order, in batches of its size.
/// </summary>
public sealed class BoardPagingTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int Count = 75;

    private static async Task<(FleepTestClient Alice, FleepTestClient Bob, Guid Conv, List<long> Pins, List<long> Tasks)> BoardAsync(
        FleepServerFixture server)
    {
        var alice = await server.NewAccountAsync();
        var bob = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("big boards", bob);
        var pins = new List<long>();
        var tasks = new List<long>();
        for (var i = 0; i < Count; i++)
        {
            pins.Add(await alice.AddPinAsync(conv, $"pin {i}"));
            tasks.Add(await bob.AddTaskAsync(conv, $"task {i}"));
        }

        return (alice, bob, conv, pins, tasks);
    }

    [Fact]
    public async Task Pins_page_newest_first_through_sync_pinboard_conv_pin_sync_and_sync_pins()
    {
        var (alice, bob, conv, pins, _) = await BoardAsync(server);
        using var _a = alice;
        using var _b = bob;
        // Each new pin goes on top: the pinboard is the pins newest first.
        var expected = Enumerable.Reverse(pins).ToList();

        // account/sync_pinboard, the python client's loop: pin_weight from the header's pin_cursor.
        var seen = new List<long>();
        var sizes = new List<int>();
        var weights = new List<double>();
        double? cursor = null;
        while (true)
        {
            var page = (await bob.PostAsync("/api/account/sync_pinboard", cursor is null
                ? new { conversation_id = conv }
                : (object)new { conversation_id = conv, pin_weight = cursor })).EnsureOk();
            var messages = page.Messages();
            sizes.Add(messages.Count);
            seen.AddRange(messages.Select(m => m.Long("message_nr")));
            weights.AddRange(messages.Select(m => m.GetProperty("pin_weight").GetDouble()));
            var text = page.Header().GetProperty("pin_cursor");
            if (text.ValueKind == JsonValueKind.Null)
            {
                Assert.Equal(JsonValueKind.Null, page.Header().GetProperty("pin_sync_state").ValueKind);
                break;
            }

            Assert.Equal("partial", page.Header().Str("pin_sync_state"));
            var parsed = JsonDocument.Parse(text.GetString()!).RootElement;
            Assert.Equal(conv, parsed.GetProperty("conversation_id").GetGuid());
            cursor = parsed.GetProperty("pin_weight").GetDouble();
            Assert.Equal(weights[^1], cursor);
        }

        Assert.Equal([30, 30, 15], sizes);
        Assert.Equal(expected, seen);
        Assert.Equal(weights.OrderDescending(), weights);
        Assert.Equal(Count, weights.Distinct().Count());

        // conv:pin:sync: 20 a batch, the cursor in the request record.
        seen.Clear();
        sizes.Clear();
        object? syncCursor = null;
        while (true)
        {
            var result = (await alice.EventAsync("conv:pin:sync", syncCursor is null
                ? new { conversation_id = conv }
                : (object)new { conversation_id = conv, sync_cursor = syncCursor })).EnsureApplied();
            sizes.Add(result.OfType("message").Count);
            seen.AddRange(result.OfType("message").Select(m => m.Long("message_nr")));
            if (!result.Request.TryGetProperty("sync_cursor", out var next) || next.ValueKind == JsonValueKind.Null)
            {
                Assert.Equal(JsonValueKind.Null, Assert.Single(result.OfType("conv")).GetProperty("pin_cursor").ValueKind);
                break;
            }

            Assert.Equal(conv, next.GetProperty("conversation_id").GetGuid());
            syncCursor = new { conversation_id = conv, pin_weight = next.GetProperty("pin_weight").GetDouble() };
        }

        Assert.Equal([20, 20, 20, 15], sizes);
        Assert.Equal(expected, seen);

        // conversation/sync_pins from the full init's pin_horizon: newest message first, 50 a batch.
        var horizon = (await bob.ConvAsync("sync", conv, new { mk_direction = "ic_full" })).EnsureOk().Header().Long("pin_horizon");
        Assert.Equal((await bob.HeaderAsync(conv)).Long("last_message_nr") + 1, horizon);
        seen.Clear();
        sizes.Clear();
        while (horizon != 0)
        {
            var page = (await bob.ConvAsync("sync_pins", conv, new { from_message_nr = horizon })).EnsureOk();
            sizes.Add(page.Messages().Count);
            seen.AddRange(page.Messages().Select(m => m.Long("message_nr")));
            horizon = page.Header().Long("pin_horizon");
        }

        Assert.Equal([50, 25], sizes);
        Assert.Equal(Enumerable.Reverse(pins), seen);
    }

    [Fact]
    public async Task Tasks_page_in_board_order_through_sync_taskboard_section_sync_and_task_sync()
    {
        var (alice, bob, conv, _, tasks) = await BoardAsync(server);
        using var _a = alice;
        using var _b = bob;
        var toDo = (await alice.SectionIdsAsync(conv))["To Do"];

        // account/sync_taskboard: 30 a batch, the section record's sync_cursor continues.
        var seen = new List<long>();
        var sizes = new List<int>();
        var weights = new List<double>();
        double? cursor = null;
        while (true)
        {
            var page = (await alice.PostAsync("/api/account/sync_taskboard", cursor is null
                ? new { conversation_id = conv, section_id = toDo, task_limit = 30 }
                : (object)new { conversation_id = conv, section_id = toDo, task_limit = 30, task_weight = cursor })).EnsureOk();
            var messages = page.Messages();
            sizes.Add(messages.Count);
            seen.AddRange(messages.Select(m => m.Long("message_nr")));
            weights.AddRange(messages.Select(m => m.GetProperty("task_weight").GetDouble()));
            var section = Assert.Single(page.Stream().Sections());
            Assert.Equal(toDo, section.SectionId());
            if (section.GetProperty("sync_cursor").ValueKind == JsonValueKind.Null)
            {
                Assert.Equal(JsonValueKind.Null, section.GetProperty("sync_state").ValueKind);
                break;
            }

            Assert.Equal("partial", section.Str("sync_state"));
            var parsed = JsonDocument.Parse(section.Str("sync_cursor")).RootElement;
            Assert.Equal(toDo, parsed.GetProperty("section_id").GetGuid());
            Assert.Equal(conv, parsed.GetProperty("conversation_id").GetGuid());
            cursor = parsed.GetProperty("task_weight").GetDouble();
        }

        Assert.Equal([30, 30, 15], sizes);
        Assert.Equal(tasks, seen);
        Assert.Equal(weights.Order(), weights);
        Assert.Equal(Count, weights.Distinct().Count());

        // section:task:sync: 20 a batch, the cursor in the request record and the section record.
        seen.Clear();
        sizes.Clear();
        object? syncCursor = null;
        while (true)
        {
            var result = (await bob.EventAsync("section:task:sync", syncCursor is null
                ? new { conversation_id = conv, section_id = toDo }
                : (object)new { conversation_id = conv, section_id = toDo, sync_cursor = syncCursor })).EnsureApplied();
            sizes.Add(result.OfType("message").Count);
            seen.AddRange(result.OfType("message").Select(m => m.Long("message_nr")));
            var section = Assert.Single(result.OfType("section"));
            if (!result.Request.TryGetProperty("sync_cursor", out var next) || next.ValueKind == JsonValueKind.Null)
            {
                Assert.Equal(JsonValueKind.Null, section.GetProperty("sync_cursor").ValueKind);
                break;
            }

            Assert.Equal(next.GetProperty("task_weight").GetDouble(),
                JsonDocument.Parse(section.Str("sync_cursor")).RootElement.GetProperty("task_weight").GetDouble());
            syncCursor = new { conversation_id = conv, section_id = toDo, task_weight = next.GetProperty("task_weight").GetDouble() };
        }

        Assert.Equal([20, 20, 20, 15], sizes);
        Assert.Equal(tasks, seen);

        // task/sync from the init's task_horizon: archived tasks too, with the sections.
        (await alice.EventAsync("message:archive", new { conversation_id = conv, message_nr = tasks[0] })).EnsureApplied();
        var horizon = (await bob.ConvAsync("sync", conv, new { mk_direction = "ic_full" })).EnsureOk().Header().Long("task_horizon");
        seen.Clear();
        sizes.Clear();
        while (horizon != 0)
        {
            var page = (await bob.PostAsync($"/api/task/sync/{conv}", new { from_message_nr = horizon })).EnsureOk();
            Assert.Equal(2, page.Stream().Sections().Count);
            sizes.Add(page.Messages().Count);
            seen.AddRange(page.Messages().Select(m => m.Long("message_nr")));
            horizon = page.Header().Long("task_horizon");
        }

        Assert.Equal([50, 25], sizes);
        Assert.Equal(Enumerable.Reverse(tasks), seen);
    }
}
