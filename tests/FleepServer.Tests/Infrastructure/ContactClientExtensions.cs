using System.Text.Json;

namespace FleepServer.Tests.Infrastructure;

/// <summary>Shortcuts for contact calls and for reading contact records out of answers and streams.</summary>
public static class ContactClientExtensions
{
    public static Task<FleepResponse> ContactAsync(this FleepTestClient client, string method, object? body = null) =>
        client.PostAsync($"/api/contact/{method}", body);

    public static async Task<long> HorizonAsync(this FleepTestClient client) =>
        (await client.PostAsync("/api/account/sync")).EnsureOk().Horizon();

    /// <summary>Everything in the account's stream after the horizon (no waiting), and the raw JSON text of the answer.</summary>
    public static async Task<(List<JsonElement> Records, string Raw)> PollAfterAsync(this FleepTestClient client, long horizon)
    {
        var response = (await client.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false })).EnsureOk();
        return (response.Stream(), response.Json.GetRawText());
    }

    /// <summary>
    /// Every record of the account's stream after the horizon: polls without waiting, batch after
    /// batch from the last horizon seen, until a poll answers an empty stream (the head is reached).
    /// Call it once the writes whose records are wanted have answered: their records committed first.
    /// </summary>
    public static async Task<List<JsonElement>> PollToEndAsync(this FleepTestClient client, long horizon)
    {
        var records = new List<JsonElement>();
        for (var polls = 0; ; polls++)
        {
            Assert.True(polls < 10_000, "the stream never reached its head");
            var response = (await client.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false })).EnsureOk();
            var batch = response.Stream();
            if (batch.Count == 0)
            {
                return records;
            }

            records.AddRange(batch);
            horizon = response.Horizon();
        }
    }

    /// <summary>The contact records about <paramref name="accountId"/> among the records.</summary>
    public static List<JsonElement> ContactsAbout(this IEnumerable<JsonElement> records, Guid accountId) =>
        records.Where(r => r.Str("mk_rec_type") == "contact" && r.GetProperty("account_id").GetGuid() == accountId).ToList();

    public static JsonElement ContactIn(this FleepResponse response, string key, Guid accountId) =>
        Assert.Single(response.Json.GetProperty(key).EnumerateArray(), c => c.GetProperty("account_id").GetGuid() == accountId);
}
