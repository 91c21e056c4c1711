using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Boards;

/// <summary>
/// Several members change one taskboard at once (docs/writes.md, docs/boards.md): sections added,
/// renamed and reordered, tasks moved between sections and within them, pins reordered. Every
/// change applies (the conversation lock orders them), no answer is a server error, every section
/// has its own weight, and every member's stream ends in the board a fresh sync shows.
/// </summary>
public sealed class BoardConcurrencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int Members = 4;

    [Fact]
    public async Task Concurrent_section_and_task_changes_leave_one_consistent_board_in_every_stream()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, Members).Select(i => server.NewAccountAsync($"boarder{i}")));
        try
        {
            var conv = await clients[0].CreateConversationAsync("busy board", clients[1..]);
            var tasks = new List<long>();
            var pins = new List<long>();
            for (var i = 0; i < 8; i++)
            {
                tasks.Add(await clients[i % Members].AddTaskAsync(conv, $"task {i}"));
            }

            for (var i = 0; i < 4; i++)
            {
                pins.Add(await clients[i % Members].AddPinAsync(conv, $"pin {i}"));
            }

            var ids = await clients[0].SectionIdsAsync(conv);
            var doing = (await clients[0].AddSectionAsync(conv, "Doing")).SectionId();
            var befores = new List<List<System.Text.Json.JsonElement>>();
            var horizons = new List<long>();
            foreach (var client in clients)
            {
                befores.Add(await client.SyncedSectionsAsync(conv));
                horizons.Add(await client.HorizonAsync());
            }

            var calls = new List<(FleepTestClient Client, string Type, object Params)>();
            for (var i = 0; i < 8; i++)
            {
                var c = clients[i % Members];
                calls.Add((c, "section:task:add", i % 2 == 0
                    ? new { conversation_id = conv, section_name = $"added {i}" }
                    : new { conversation_id = conv, section_name = $"added {i}", prev_section_id = (Guid?)ids["To Do"] }));
                calls.Add((c, "message:task:set_position", new
                {
                    conversation_id = conv, message_nr = tasks[i], section_id = i % 2 == 0 ? doing : ids["To Do"], prev_message_nr = 0L,
                }));
            }

            for (var i = 0; i < 4; i++)
            {
                var c = clients[i];
                calls.Add((c, "section:task:set_position", new { conversation_id = conv, section_id = i % 2 == 0 ? doing : ids["To Do"], prev_section_id = (Guid?)null }));
                calls.Add((c, "section:task:rename", new { conversation_id = conv, section_id = doing, section_name = $"Doing by {i}" }));
                calls.Add((c, "message:pin:set_position", new { conversation_id = conv, message_nr = pins[i], prev_message_nr = 0L }));
            }

            var responses = await ConcurrentCalls.RunAsync(calls.Select(call =>
                (Func<Task<FleepResponse>>)(async () => (await call.Client.EventAsync(call.Type, call.Params)).Response)));
            Assert.Equal(calls.Count, responses.Length);
            server.AssertAllOk(responses);
            foreach (var response in responses)
            {
                new EventBatchResult(response, 1).EnsureApplied();
            }

            // One board for everyone: the same sections, each with its own weight, in one order.
            var synced = await clients[0].SyncedSectionsAsync(conv);
            Assert.Equal(2 + 1 + 8, synced.Count);
            Assert.Equal(synced.Count, synced.Select(s => s.GetProperty("weight").GetDouble()).Distinct().Count());
            Assert.Equal("Archived", synced[^1].Str("name"));
            Assert.StartsWith("Doing by ", Assert.Single(synced, s => s.SectionId() == doing).Str("name"));
            for (var m = 0; m < Members; m++)
            {
                Assert.Equal(synced.Select(s => s.GetRawText()), (await clients[m].SyncedSectionsAsync(conv)).Select(s => s.GetRawText()));
                await clients[m].AssertSectionStreamKeepsSyncAsync(conv, befores[m], horizons[m]);
            }

            // Every task is in one section once, where every member's stream last put it.
            var placed = new Dictionary<long, Guid>();
            foreach (var section in synced)
            {
                var page = (await clients[1].PostAsync("/api/account/sync_taskboard", new { conversation_id = conv, section_id = section.SectionId(), task_limit = 100 }))
                    .EnsureOk();
                var weights = page.Messages().Select(x => x.GetProperty("task_weight").GetDouble()).ToList();
                Assert.Equal(weights.Distinct().Count(), weights.Count);
                foreach (var message in page.Messages())
                {
                    placed.Add(message.Long("message_nr"), section.SectionId());
                }
            }

            Assert.Equal(tasks.Order(), placed.Keys.Order());
            Assert.Equal(4, placed.Values.Count(v => v == doing));
            for (var m = 0; m < Members; m++)
            {
                var polled = await clients[m].PollToEndAsync(horizons[m]);
                foreach (var task in tasks)
                {
                    Assert.Equal(placed[task], polled.LastOf(task).GetProperty("section_id").GetGuid());
                }
            }

            var pinboard = (await clients[2].PostAsync("/api/account/sync_pinboard", new { conversation_id = conv })).EnsureOk().Messages();
            Assert.Equal(pins.Order(), pinboard.Select(p => p.Long("message_nr")).Order());
            Assert.Equal(4, pinboard.Select(p => p.GetProperty("pin_weight").GetDouble()).Distinct().Count());
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
