using System.Text.Json;
using FleepServer.Streams;

namespace FleepServer.Tests.Infrastructure;

/// <summary>Helpers for reading and merging account streams the way client caches do.</summary>
public static class StreamAssertions
{
    public static long Horizon(this FleepResponse response) => response.Json.GetProperty("event_horizon").GetInt64();

    /// <summary>
    /// Merges records into a cache keyed per record type, later fields overwriting earlier ones,
    /// as the python client and the Fleep test-suite do (the keys are in <see cref="Key"/>).
    /// </summary>
    public static void MergeInto(this IEnumerable<JsonElement> records, Dictionary<string, Dictionary<string, string>> cache)
    {
        foreach (var record in records)
        {
            var key = Key(record);
            if (!cache.TryGetValue(key, out var fields))
            {
                cache[key] = fields = [];
            }

            foreach (var property in record.EnumerateObject())
            {
                fields[property.Name] = property.Value.GetRawText();
            }
        }
    }

    public static string Key(JsonElement record)
    {
        var type = record.GetProperty("mk_rec_type").GetString()!;
        string Field(string name) => record.TryGetProperty(name, out var v) ? v.ToString() : "";
        return type switch
        {
            "contact" or "lastseen" => $"{type}:{Field("account_id")}",
            "conv" => $"{type}:{Field("conversation_id")}",
            "message" or "lock" or "poke" => $"{type}:{Field("conversation_id")}:{Field("message_nr")}",
            "activity" => $"{type}:{Field("conversation_id")}:{Field("account_id")}",
            "request" => $"{type}:{Field("client_req_id")}",
            "file" => $"{type}:{Field("conversation_id")}:{Field("message_nr")}:{Field("attachment_id")}",
            "upload" => $"{type}:{Field("request_id")}",
            "label" => $"{type}:{Field("label_id")}",
            _ => $"{type}:{record.GetRawText()}",
        };
    }

    /// <summary>
    /// Waits until the server has parked this many polls. The bound (60 s of real time) only fails
    /// a hung run; a slow machine just waits longer.
    /// </summary>
    public static Task WaitForParkedAsync(this FleepServerFixture server, long count) => WaitForParkedAsync(server.Services, count);

    /// <summary>Waits until the server with these services has at least <paramref name="count"/> polls parked.</summary>
    public static async Task WaitForParkedAsync(IServiceProvider services, long count)
    {
        var waiters = services.GetRequiredService<StreamWaiters>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (waiters.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} parked polls, have {waiters.Count}");
            await Task.Delay(5);
        }
    }
}
