using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.MyBoard;

/// <summary>Personal board events and readings for the personal board tests (docs/boards.md).</summary>
internal static class MyBoardTestHelpers
{
    public const string MyTaskType = "urn:fleep:my_section:mk_section_type:my_task";

    /// <summary>Runs one event that must be applied.</summary>
    public static async Task<EventBatchResult> OkAsync(this FleepTestClient client, string name, object parameters) =>
        (await client.EventAsync(name, parameters)).EnsureApplied();

    public static List<JsonElement> MyMessages(this IEnumerable<JsonElement> records) =>
        records.Where(r => r.Str("mk_rec_type") == "my_message").ToList();

    public static List<JsonElement> Sections(this IEnumerable<JsonElement> records) =>
        records.Where(r => r.Str("mk_rec_type") == "section").ToList();

    public static Guid Id(this JsonElement record, string name = "message_id") => record.GetProperty(name).GetGuid();

    public static string State(this JsonElement record) => record.Str("mk_message_state")["urn:fleep:message:mk_message_state:".Length..];

    /// <summary>my_message:add_todo; the new task's record.</summary>
    public static async Task<JsonElement> AddTodoAsync(this FleepTestClient client, string text) =>
        Assert.Single((await client.OkAsync("my_message:add_todo", new { message = text })).Records.MyMessages());

    /// <summary>The personal board's sections from account/sync, board order (highest weight first).</summary>
    public static async Task<List<JsonElement>> MySectionsAsync(this FleepTestClient client) =>
    [
        .. (await client.PostAsync("/api/account/sync")).EnsureOk().Stream().Sections()
            .Where(s => s.Str("mk_section_type") == MyTaskType).OrderByDescending(s => s.GetProperty("weight").GetDouble()),
    ];

    public static async Task<(Guid ToDo, Guid Archived)> DefaultSectionsAsync(this FleepTestClient client)
    {
        var sections = await client.MySectionsAsync();
        return (sections.Single(s => s.Str("name") == "To Do").Id("section_id"), sections.Single(s => s.Str("name") == "Archived").Id("section_id"));
    }

    /// <summary>Every item of a section through my_section:task:sync, page after page, and the number of pages.</summary>
    public static async Task<(List<JsonElement> Items, List<JsonElement> Messages, int Pages)> SyncSectionAsync(this FleepTestClient client, Guid sectionId)
    {
        var items = new List<JsonElement>();
        var messages = new List<JsonElement>();
        object? cursor = null;
        for (var pages = 1; ; pages++)
        {
            Assert.True(pages < 100, "section sync never ended");
            var result = await client.OkAsync("my_section:task:sync", cursor is null ? new { section_id = sectionId } : new { section_id = sectionId, sync_cursor = cursor });
            Assert.Equal(sectionId, Assert.Single(result.Records.Sections()).Id("section_id"));
            items.AddRange(result.Records.MyMessages());
            messages.AddRange(result.OfType("message"));
            if (!result.Request.TryGetProperty("sync_cursor", out var next) || next.ValueKind == JsonValueKind.Null)
            {
                return (items, messages, pages);
            }

            Assert.Equal(sectionId, next.Id("section_id"));
            cursor = JsonSerializer.Deserialize<object>(next.GetRawText());
        }
    }

    /// <summary>A conversation of alice and bob with a task assigned to bob (message:add_todo); the message record.</summary>
    public static async Task<(Guid Conversation, JsonElement Message)> AssignedTaskAsync(this FleepTestClient alice, FleepTestClient bob, string text)
    {
        var conv = await alice.CreateConversationAsync("tasks", bob);
        var result = await alice.OkAsync("message:add_todo", new { conversation_id = conv, message = text, assignee_ids = new[] { bob.AccountId } });
        return (conv, result.OfType("message").Last());
    }

    /// <summary>A second session of the same account.</summary>
    public static async Task<FleepTestClient> SecondSessionAsync(this FleepServerFixture server, FleepTestClient client)
    {
        var other = server.NewClient();
        (await other.LoginAsync(client.Email, "correct horse")).EnsureOk();
        return other;
    }

    /// <summary>
    /// Verify-stream for the personal board's sections: the sections of <paramref name="before"/>
    /// (an account/sync answer) with the section records polled since applied, deleted ones
    /// dropped, equal the sections of a fresh account/sync, field by field.
    /// </summary>
    public static async Task AssertSectionsKeepSyncAsync(this FleepTestClient client, FleepResponse before)
    {
        var cache = new Dictionary<Guid, Dictionary<string, string>>();

        void Merge(IEnumerable<JsonElement> records)
        {
            foreach (var s in records.Sections().Where(s => s.Str("mk_section_type") == MyTaskType))
            {
                var fields = cache.TryGetValue(s.Id("section_id"), out var known) ? known : cache[s.Id("section_id")] = [];
                foreach (var p in s.EnumerateObject())
                {
                    fields[p.Name] = p.Value.GetRawText();
                }
            }
        }

        Merge(before.Stream());
        Merge(await client.PollToEndAsync(before.Horizon()));
        foreach (var gone in cache.Where(e => e.Value["is_deleted"] == "true").Select(e => e.Key).ToList())
        {
            cache.Remove(gone);
        }

        var fresh = await client.MySectionsAsync();
        Assert.Equal(fresh.Select(s => s.Id("section_id")).Order(), cache.Keys.Order());
        foreach (var s in fresh)
        {
            foreach (var p in s.EnumerateObject())
            {
                Assert.Equal(p.Value.GetRawText(), cache[s.Id("section_id")][p.Name]);
            }
        }
    }
}
