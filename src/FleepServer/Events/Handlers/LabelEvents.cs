using System.Text.Json;
using FleepServer.Domain.Conversations;
using FleepServer.Domain.Labels;
using FleepServer.Http;

namespace FleepServer.Events.Handlers;

/// <summary>
/// The label events (docs/labels.md): <c>conv:set_labels</c> is <c>conversation/store
/// {label_ids}</c>, <c>label:sync_conversations</c> is the classic call of the same name.
/// </summary>
public static class LabelEvents
{
    public static void Register(EventHandlers events)
    {
        events
            .On("conv:set_labels", SetLabels)
            .On("label:sync_conversations", SyncConversations);
    }

    private static async Task<EventOutcome> SetLabels(EventContext c, EventParams p, CancellationToken ct)
    {
        var id = p.RequiredUuid("conversation_id");
        var request = new StoreConversation { LabelIds = p.Uuids("label_ids") ?? [], ClientReqId = c.ClientReqId };
        var result = await c.Get<ConversationActions>().StoreAsync(c.AccountId, id, request, ct);
        return EventOutcome.ForConversation(result, c.PublicUrl, identifiesMessage: false);
    }

    private static async Task<EventOutcome> SyncConversations(EventContext c, EventParams p, CancellationToken ct)
    {
        JsonElement? cursor = p.Object("sync_cursor") is { } given
            ? JsonSerializer.SerializeToElement(new LabelSyncCursor { AcvConvId = given.Uuid("acv_conv_id"), AcvInboxTime = given.Time("acv_inbox_time") is { } t ? LabelSyncCursor.Format(t) : null },
                FleepJson.Options)
            : null;
        var request = new SyncLabelConversations
        {
            LabelId = p.RequiredUuid("label_id"),
            MkInitMode = p.Text("mk_init_mode"),
            SyncCursor = cursor,
            Limit = p.Long("limit"),
        };
        var (label, records) = await c.Get<LabelActions>().SyncConversationsAsync(c.AccountId, request, ct);
        return EventOutcome.ForAccount(c.AccountId, records) with
        {
            SyncCursor = label.SyncCursor == "{}" ? null : JsonSerializer.Deserialize<LabelSyncCursor>(label.SyncCursor, FleepJson.Options),
        };
    }
}
