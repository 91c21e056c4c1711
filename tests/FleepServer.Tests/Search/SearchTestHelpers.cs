using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Search;

/// <summary>Search calls and readers of the search answer for the search tests.</summary>
internal static class SearchTestHelpers
{
    public static async Task<FleepResponse> SearchAsync(this FleepTestClient client, object body) =>
        (await client.PostAsync("/api/search", body)).EnsureOk();

    public static async Task<FleepResponse> SearchAsync(this FleepTestClient client, string keywords) =>
        await client.SearchAsync(new { keywords });

    public static List<JsonElement> Matches(this FleepResponse response) => response.Json.GetProperty("matches").EnumerateArray().ToList();

    public static List<JsonElement> Headers(this FleepResponse response) => response.Json.GetProperty("headers").EnumerateArray().ToList();

    /// <summary>The texts of the matches, as the flow shows them.</summary>
    public static List<string> MatchTexts(this FleepResponse response) => response.Matches().Select(m => m.Str("message")).ToList();

    public static List<Guid> HeaderIds(this FleepResponse response) =>
        response.Headers().Select(h => h.GetProperty("conversation_id").GetGuid()).ToList();

    public static List<string> Suggestions(this FleepResponse response) => response.Json.Strings("suggestions");

    /// <summary>The message text of a plain message as the server stores it.</summary>
    public static string Xml(string text) => $"<msg><p>{text}</p></msg>";

    public static async Task<long> SentNrAsync(this FleepTestClient client, Guid conversationId, string text, object? extra = null) =>
        (await client.SendAsync(conversationId, text, extra)).EnsureOk().Json.Long("result_message_nr");
}
