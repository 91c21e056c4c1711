using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Teams;

/// <summary>Shortcuts for the team calls and for reading team, label and system-message records.</summary>
public static class TeamClientExtensions
{
    /// <summary>Creates a team with the given members and conversations; answers its record.</summary>
    public static async Task<JsonElement> CreateTeamAsync(this FleepTestClient client, string name, FleepTestClient[]? members = null,
        Guid[]? conversations = null)
    {
        var response = (await client.PostAsync("/api/team/create", new
        {
            team_name = name,
            account_ids = (members ?? []).Select(m => m.AccountId).ToArray(),
            conversations = conversations ?? [],
        })).EnsureOk();
        return Assert.Single(response.Stream());
    }

    public static Task<FleepResponse> TeamAsync(this FleepTestClient client, string method, Guid teamId, object? body = null) =>
        client.PostAsync($"/api/team/{method}/{teamId}", body ?? new { });

    public static Guid TeamId(this JsonElement team) => team.GetProperty("team_id").GetGuid();

    /// <summary>The only record of a team answer.</summary>
    public static JsonElement Team(this FleepResponse response) => Assert.Single(response.EnsureOk().Stream());

    public static List<JsonElement> OfType(this IEnumerable<JsonElement> records, string type) =>
        records.Where(r => r.Str("mk_rec_type") == type).ToList();

    public static List<JsonElement> OfTeam(this IEnumerable<JsonElement> records, string type, Guid teamId) =>
        records.Where(r => r.Str("mk_rec_type") == type && r.TryGetProperty(type == "team" ? "team_id" : "label_id", out var id)
            && id.GetGuid() == teamId).ToList();

    public static List<JsonElement> Convs(this IEnumerable<JsonElement> records, Guid conversationId) =>
        records.Where(r => r.Str("mk_rec_type") == "conv" && r.GetProperty("conversation_id").GetGuid() == conversationId).ToList();

    /// <summary>The parsed body of a system message (its <c>message</c> is JSON text).</summary>
    public static JsonElement Body(this JsonElement message) => JsonDocument.Parse(message.Str("message")).RootElement.Clone();

    public static async Task<long> SyncHorizonAsync(this FleepTestClient client) =>
        (await client.PostAsync("/api/account/sync")).EnsureOk().Horizon();

    /// <summary>Every record after the horizon (polled to the head).</summary>
    public static Task<List<JsonElement>> SeenSinceAsync(this FleepTestClient client, long horizon) => client.PollToEndAsync(horizon);
}
