using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Boards;

/// <summary>Board calls and the section verify-stream check for the board tests.</summary>
internal static class BoardTestHelpers
{
    public const double Step = 4294967296;
    public const string TaskType = "urn:fleep:section:mk_section_type:task";
    public const string SubtypePrefix = "urn:fleep:section:mk_section_subtype:";

    public static List<JsonElement> Sections(this IEnumerable<JsonElement> records) =>
        records.Where(r => r.Str("mk_rec_type") == "section").ToList();

    public static Guid SectionId(this JsonElement section) => section.GetProperty("section_id").GetGuid();

    /// <summary>The conversation's live sections as ic_tasks lists them (board order).</summary>
    public static async Task<List<JsonElement>> SyncedSectionsAsync(this FleepTestClient client, Guid conversationId) =>
        (await client.ConvAsync("sync", conversationId, new { mk_direction = "ic_tasks" })).EnsureOk().Stream().Sections();

    /// <summary>The live sections by name.</summary>
    public static async Task<Dictionary<string, Guid>> SectionIdsAsync(this FleepTestClient client, Guid conversationId) =>
        (await client.SyncedSectionsAsync(conversationId)).ToDictionary(s => s.Str("name"), s => s.SectionId());

    /// <summary>section:task:add; answers the new section's record (from the event's own answer).</summary>
    public static async Task<JsonElement> AddSectionAsync(this FleepTestClient client, Guid conversationId, string name, Guid? prev = null)
    {
        var result = (await client.EventAsync("section:task:add", prev is null
            ? new { conversation_id = conversationId, section_name = name }
            : (object)new { conversation_id = conversationId, section_name = name, prev_section_id = prev })).EnsureApplied();
        return Assert.Single(result.OfType("section"));
    }

    /// <summary>A new task (message/store of a new message with tags ["is_todo"]); its message number.</summary>
    public static async Task<long> AddTaskAsync(this FleepTestClient client, Guid conversationId, string text) =>
        (await client.MessageAsync("store", conversationId, new { message = text, tags = new[] { "is_todo" } })).EnsureOk()
        .Json.GetProperty("result_message_nr").GetInt64();

    /// <summary>A new pinned message; its message number.</summary>
    public static async Task<long> AddPinAsync(this FleepTestClient client, Guid conversationId, string text) =>
        (await client.MessageAsync("store", conversationId, new { message = text, tags = new[] { "pin" } })).EnsureOk()
        .Json.GetProperty("result_message_nr").GetInt64();

    /// <summary>The message records of one message number in these records, the last one (newest revision).</summary>
    public static JsonElement LastOf(this IEnumerable<JsonElement> records, long messageNr) =>
        records.Last(r => r.Str("mk_rec_type") == "message" && r.Long("message_nr") == messageNr);

    /// <summary>A message as a full init shows it now (through ic_flow around it).</summary>
    public static async Task<JsonElement> MessageNowAsync(this FleepTestClient client, Guid conversationId, long messageNr) =>
        (await client.ConvAsync("sync", conversationId, new { mk_direction = "ic_flow", from_message_nr = messageNr })).EnsureOk()
        .Messages().Single(m => m.Long("message_nr") == messageNr);

    /// <summary>
    /// Verify-stream for sections: the sections a member had (<paramref name="before"/>, an
    /// ic_tasks answer) with the section records its stream got since <paramref name="horizon"/>
    /// merged in by section_id (deleted ones dropped, as clients drop them) are the sections a
    /// fresh ic_tasks lists, field for field.
    /// </summary>
    public static async Task AssertSectionStreamKeepsSyncAsync(this FleepTestClient client, Guid conversationId, List<JsonElement> before, long horizon)
    {
        var cache = new Dictionary<Guid, Dictionary<string, string>>();
        foreach (var record in before.Concat((await client.PollSinceAsync(horizon)).Sections()
                     .Where(s => s.GetProperty("conversation_id").GetGuid() == conversationId)))
        {
            if (!cache.TryGetValue(record.SectionId(), out var fields))
            {
                cache[record.SectionId()] = fields = [];
            }

            foreach (var property in record.EnumerateObject())
            {
                fields[property.Name] = property.Value.GetRawText();
            }
        }

        foreach (var deleted in cache.Where(e => e.Value["is_deleted"] == "true").Select(e => e.Key).ToList())
        {
            cache.Remove(deleted);
        }

        var fresh = await client.SyncedSectionsAsync(conversationId);
        Assert.Equal(fresh.Select(s => s.SectionId()).Order(), cache.Keys.Order());
        foreach (var section in fresh)
        {
            foreach (var property in section.EnumerateObject())
            {
                Assert.True(cache[section.SectionId()].TryGetValue(property.Name, out var streamed), $"{property.Name} never arrived through the stream");
                Assert.Equal(property.Value.GetRawText(), streamed);
            }
        }
    }
}
