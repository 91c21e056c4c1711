using FleepServer.Domain.Conversations;
using FleepServer.Domain.Teams;

namespace FleepServer.Events.Handlers;

/// <summary>
/// The team events (docs/teams.md): <c>team:get</c> is team/sync; <c>conv:add_team</c> and
/// <c>conv:remove_team</c> are conversation/store with <c>add_team_ids</c> / <c>remove_team_ids</c>,
/// carrying the event's client_req_id, so the event and the classic call cannot drift apart.
/// </summary>
public static class TeamEvents
{
    public static void Register(EventHandlers events)
    {
        events
            .On("team:get", async (c, p, ct) =>
            {
                var record = await c.Get<TeamActions>().SyncAsync(c.AccountId, p.RequiredUuid("team_id"),
                    new SyncTeam { ConversationId = p.Uuid("conversation_id") }, ct);
                return new EventOutcome(new EventIdentifier(p.Uuid("conversation_id")), [record]);
            })
            .On("conv:add_team", (c, p, ct) => Store(c, p, new StoreConversation { AddTeamIds = [p.RequiredUuid("team_id")] }, ct))
            .On("conv:remove_team", (c, p, ct) => Store(c, p, new StoreConversation { RemoveTeamIds = [p.RequiredUuid("team_id")] }, ct));
    }

    private static async Task<EventOutcome> Store(EventContext c, EventParams p, StoreConversation request, CancellationToken ct)
    {
        var result = await c.Get<ConversationActions>().StoreAsync(c.AccountId, p.RequiredUuid("conversation_id"),
            request with { ClientReqId = c.ClientReqId }, ct);
        return EventOutcome.ForConversation(result, c.PublicUrl, identifiesMessage: false);
    }
}
