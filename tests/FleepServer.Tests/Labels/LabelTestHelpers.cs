using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Labels;

/// <summary>Label calls and the verify-stream check for the label tests.</summary>
internal static class LabelTestHelpers
{
    public static async Task<JsonElement> StoreLabelAsync(this FleepTestClient client, object body) =>
        Assert.Single((await client.PostAsync("/api/label/store", body)).EnsureOk().Stream());

    public static List<JsonElement> Labels(this IEnumerable<JsonElement> records) => records.Where(r => r.Str("mk_rec_type") == "label").ToList();

    public static JsonElement Conv(this IEnumerable<JsonElement> records, Guid conversationId) =>
        Assert.Single(records, r => r.Str("mk_rec_type") == "conv" && r.GetProperty("conversation_id").GetGuid() == conversationId);

    /// <summary>The account's active labels from account/sync, by name.</summary>
    public static async Task<Dictionary<string, JsonElement>> SyncedLabelsAsync(this FleepTestClient client) =>
        (await client.PostAsync("/api/account/sync")).EnsureOk().Stream().Labels().ToDictionary(l => l.Str("label"));

    public static async Task<FleepResponse> PollAsync(this FleepTestClient client, long horizon) =>
        (await client.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false })).EnsureOk();

    public static async Task<JsonElement> StoreConvLabelsAsync(this FleepTestClient client, Guid conversationId, object body) =>
        (await client.PostAsync($"/api/conversation/store/{conversationId}", body)).EnsureOk().Header();

    /// <summary>
    /// Verify-stream: the state of <paramref name="before"/> (an account/sync answer) with the
    /// records polled since applied to it (removed labels dropped, as clients drop them) equals a
    /// fresh account/sync.
    /// </summary>
    public static async Task AssertStreamKeepsSyncAsync(this FleepTestClient client, FleepResponse before)
    {
        var cache = new Dictionary<string, Dictionary<string, string>>();
        before.Stream().MergeInto(cache);
        var polled = await client.PollAsync(before.Horizon());
        polled.Stream().MergeInto(cache);
        foreach (var removed in cache.Where(e => e.Key.StartsWith("label:") && e.Value["mk_label_status"] == "\"removed\"").Select(e => e.Key).ToList())
        {
            cache.Remove(removed);
        }

        var after = (await client.PostAsync("/api/account/sync")).EnsureOk();
        Assert.Equal(after.Horizon(), polled.Horizon());
        var fresh = new Dictionary<string, Dictionary<string, string>>();
        after.Stream().MergeInto(fresh);
        Assert.Equal(fresh.Keys.Where(k => k.StartsWith("label:")).Order(), cache.Keys.Where(k => k.StartsWith("label:")).Order());
        foreach (var (key, fields) in fresh)
        {
            Assert.True(cache.TryGetValue(key, out var cached), $"{key} never arrived through the stream");
            foreach (var (name, value) in fields)
            {
                Assert.True(cached.TryGetValue(name, out var streamed), $"{key}.{name} never arrived through the stream");
                Assert.True(value == streamed, $"{key}.{name}: sync says {value}, the stream said {streamed}");
            }
        }
    }
}
