using FleepServer.Domain.Files;

namespace FleepServer.Events.Handlers;

/// <summary>
/// The file drawer events, <c>conv:sync_files</c> and <c>conv:sync_files:2</c>: the batch
/// <c>conversation/sync_files</c> answers (docs/compatibility.md, "Files"). The cursor's
/// <c>message_nr</c> is the call's <c>from_message_nr</c>; the request record's
/// <c>sync_cursor</c> = <c>{conversation_id, message_nr: file_horizon}</c> asks for the next batch
/// and is null when the drawer is complete.
/// </summary>
public static class FileEvents
{
    public static void Register(EventHandlers events)
    {
        events
            // limit is a page size the catalogue marks ignored (in both events): the drawer's 20.
            .On("conv:sync_files", (c, p, ct) => SyncAsync(c, p, p.Object("sync_cursor"), limitNr: null, ct))
            .On("conv:sync_files:2", (c, p, ct) =>
            {
                var state = p.Object("file_sync_state");
                return SyncAsync(c, p, state?.Object("sync_cursor"), state?.Object("limit")?.Long("message_nr"), ct);
            });
    }

    /// <param name="limitNr">sync_files:2's <c>limit.message_nr</c>: the client holds the drawer up to there, so the batch stops above it.</param>
    private static async Task<EventOutcome> SyncAsync(EventContext c, EventParams p, EventParams? cursor, long? limitNr, CancellationToken ct)
    {
        var conversationId = p.RequiredUuid("conversation_id");
        if (cursor?.Uuid("conversation_id") is { } other && other != conversationId)
        {
            throw Errors.FleepErrors.InvalidField("sync_cursor", "a cursor of this conversation");
        }

        var result = await c.Get<FileDrawer>().SyncAsync(c.AccountId, conversationId, new SyncFiles
        {
            FromMessageNr = cursor?.Long("message_nr"),
            Limit = p.Long("limit"),
            AfterMessageNr = limitNr,
        }, ct);
        var outcome = EventOutcome.ForConversation(result, c.PublicUrl, identifiesMessage: false);
        return outcome with
        {
            SyncCursor = result.FileHorizon is > 0 and var horizon ? new FileSyncCursor(conversationId, horizon) : null,
        };
    }
}

/// <summary>Where the next drawer batch starts: the file messages before <c>message_nr</c>.</summary>
public sealed record FileSyncCursor(Guid ConversationId, long MessageNr);
