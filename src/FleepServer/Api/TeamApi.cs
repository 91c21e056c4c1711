using FleepServer.Api.Wire;
using FleepServer.Auth;
using FleepServer.Domain.Conversations;
using FleepServer.Domain.Teams;
using FleepServer.Errors;
using FleepServer.Http;
using FleepServer.Records;

namespace FleepServer.Api;

/// <summary>
/// api/team/*, account/sync_teams and the legacy conversation/add_team and remove_team calls
/// (docs/teams.md). Every handler calls one <see cref="TeamActions"/> or
/// <see cref="ConversationActions"/> method, the same ones the team events use. A team the caller
/// may not see answers like an unknown one (430 not_found).
/// </summary>
public static class TeamApi
{
    public static IEndpointRouteBuilder MapTeamApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/team");
        api.MapPost("/create", Create);
        api.MapPost("/configure/{teamId}", Configure);
        api.MapPost("/remove/{teamId}", Remove);
        api.MapPost("/sync/{teamId}", Sync);
        api.MapPost("/autojoin", Autojoin);
        app.MapPost("/api/account/sync_teams", SyncTeams);
        app.MapPost("/api/conversation/add_team/{conversationId}", AddTeam);
        app.MapPost("/api/conversation/remove_team/{conversationId}", RemoveTeam);
        return app;
    }

    /// <summary>
    /// POST api/team/create {team_name, account_ids?, emails?, conversations?, is_autojoin?,
    /// is_managed?, is_org_wide?} → {stream: [TeamInfo (team_version_nr 1)]}. The caller is member
    /// and admin; unknown addresses become placeholder accounts and members. is_managed or
    /// is_org_wide true: 431 not_supported. A conversation the caller is not in: 430.
    /// </summary>
    internal static async Task<RecordsResponse> Create(CreateTeam request, CurrentSession me, TeamActions teams, CancellationToken ct) =>
        new([await teams.CreateAsync(me.AccountId, request, ct)]);

    /// <summary>
    /// POST api/team/configure/&lt;team_id&gt; {team_name?, add_/remove_emails?, add_/remove_conversations?,
    /// add_/remove_/kick_account_ids?, add_/remove_admin_ids?, is_autojoin?, is_managed?, is_org_wide?,
    /// added_/removed_emails?, added_/removed_conversations?} → {stream: [TeamInfo]}; team_version_nr
    /// +1 when anything changed. Non-admin member: 431 not_team_admin; others: 430.
    /// </summary>
    internal static async Task<RecordsResponse> Configure(string teamId, ConfigureTeam request, CurrentSession me, TeamActions teams,
        CancellationToken ct) =>
        new([await teams.ConfigureAsync(me.AccountId, TeamId(teamId), request, ct)]);

    /// <summary>POST api/team/remove/&lt;team_id&gt; → {stream: [TeamInfo with is_deleted true]}; admins only (431), others 430.</summary>
    internal static async Task<RecordsResponse> Remove(string teamId, CurrentSession me, TeamActions teams, CancellationToken ct) =>
        new([await teams.RemoveAsync(me.AccountId, TeamId(teamId), ct)]);

    /// <summary>
    /// POST api/team/sync/&lt;team_id&gt; {conversation_id?} → {stream: [TeamInfo]}: for members, or for
    /// members of the given conversation when it has the team; else 430.
    /// </summary>
    internal static async Task<RecordsResponse> Sync(string teamId, SyncTeam request, CurrentSession me, TeamActions teams, CancellationToken ct) =>
        new([await teams.SyncAsync(me.AccountId, TeamId(teamId), request, ct)]);

    /// <summary>
    /// POST api/team/autojoin {team_url_key} (team id, KEY of autojoin_url, or the URL) → {stream:
    /// [TeamInfo]}: the caller joins the team and its conversations. Autojoin off or unknown: 430.
    /// </summary>
    internal static async Task<RecordsResponse> Autojoin(AutojoinTeam request, CurrentSession me, TeamActions teams, CancellationToken ct) =>
        new([await teams.AutojoinAsync(me.AccountId, request.TeamUrlKey!, ct)]);

    /// <summary>POST api/account/sync_teams → {stream: [TeamInfo…]}: the caller's teams (removed ones left out).</summary>
    internal static async Task<RecordsResponse> SyncTeams(CurrentSession me, TeamActions teams, CancellationToken ct) =>
        new([.. await teams.ListAsync(me.AccountId, ct)]);

    /// <summary>
    /// POST api/conversation/add_team/&lt;conv_id&gt; {team_id, from_message_nr?} → header + the add_teamV2
    /// message; conversation/store with add_team_ids. A team the caller is not in: 430.
    /// </summary>
    internal static async Task<ConvSyncResponse> AddTeam(string conversationId, ConversationTeam request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.StoreAsync(me.AccountId, PathIds.Conversation(conversationId),
            new StoreConversation { AddTeamIds = [request.TeamId!.Value], FromMessageNr = request.FromMessageNr }, ct), context);

    /// <summary>
    /// POST api/conversation/remove_team/&lt;conv_id&gt; {team_id, from_message_nr?} → header + the kick_team
    /// message; conversation/store with remove_team_ids.
    /// </summary>
    internal static async Task<ConvSyncResponse> RemoveTeam(string conversationId, ConversationTeam request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.StoreAsync(me.AccountId, PathIds.Conversation(conversationId),
            new StoreConversation { RemoveTeamIds = [request.TeamId!.Value], FromMessageNr = request.FromMessageNr }, ct), context);

    private static Guid TeamId(string? raw) =>
        Guid.TryParse(raw, out var id) && id != Guid.Empty ? id : throw FleepErrors.InvalidField("team_id", "not a team id");
}
