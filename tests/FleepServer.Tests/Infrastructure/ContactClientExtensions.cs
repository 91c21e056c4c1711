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

    /// <summary>The contact records about <paramref name="accountId"/> among the records.</summary>
    public static List<JsonElement> ContactsAbout(this IEnumerable<JsonElement> records, Guid accountId) =>
        records.Where(r => r.Str("mk_rec_type") == "contact" && r.GetProperty("account_id").GetGuid() == accountId).ToList();

    public static JsonElement ContactIn(this FleepResponse response, string key, Guid accountId) =>
        Assert.Single(response.Json.GetProperty(key).EnumerateArray(), c => c.GetProperty("account_id").GetGuid() == accountId);
}
