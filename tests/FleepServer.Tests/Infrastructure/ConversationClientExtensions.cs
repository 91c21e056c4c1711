using System.Text.Json;

namespace FleepServer.Tests.Infrastructure;

/// <summary>Shortcuts for conversation and message calls, and for reading the conversation-sync shape.</summary>
public static class ConversationClientExtensions
{
    /// <summary>Creates a conversation with the given members (by account id) and returns its id.</summary>
    public static async Task<Guid> CreateConversationAsync(this FleepTestClient client, string topic = "", params FleepTestClient[] members)
    {
        var response = (await client.PostAsync("/api/conversation/create",
            new { topic, account_ids = members.Select(m => m.AccountId).ToArray() })).EnsureOk();
        return response.Header().GetProperty("conversation_id").GetGuid();
    }

    public static async Task<FleepResponse> SendAsync(this FleepTestClient client, Guid conversationId, string text, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["message"] = text };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                body[property.Name] = property.Value;
            }
        }

        return await client.PostAsync($"/api/message/send/{conversationId}", body);
    }

    public static Task<FleepResponse> ConvAsync(this FleepTestClient client, string method, Guid conversationId, object? body = null) =>
        client.PostAsync($"/api/conversation/{method}/{conversationId}", body);

    public static Task<FleepResponse> MessageAsync(this FleepTestClient client, string method, Guid conversationId, object? body = null) =>
        client.PostAsync($"/api/message/{method}/{conversationId}", body);

    /// <summary>The caller's header as conversation/sync ic_header shows it now.</summary>
    public static async Task<JsonElement> HeaderAsync(this FleepTestClient client, Guid conversationId) =>
        (await client.ConvAsync("sync", conversationId, new { mk_direction = "ic_header" })).EnsureOk().Header();

    public static JsonElement Header(this FleepResponse response) => response.Json.GetProperty("header");

    public static List<JsonElement> Stream(this FleepResponse response) => response.Json.GetProperty("stream").EnumerateArray().ToList();

    public static List<JsonElement> Messages(this FleepResponse response) =>
        response.Stream().Where(r => r.GetProperty("mk_rec_type").GetString() == "message").ToList();

    public static JsonElement Message(this FleepResponse response) => Assert.Single(response.Messages());

    public static long Long(this JsonElement element, string name) => element.GetProperty(name).GetInt64();

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    public static bool Bool(this JsonElement element, string name) => element.GetProperty(name).GetBoolean();

    public static bool Has(this JsonElement element, string name) => element.TryGetProperty(name, out _);

    public static List<Guid> Ids(this JsonElement element, string name) =>
        element.GetProperty(name).EnumerateArray().Select(e => e.GetGuid()).ToList();

    public static List<string> Strings(this JsonElement element, string name) =>
        element.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToList();
}
