using FleepServer.Domain.Files;

namespace FleepServer.Events.Handlers;

/// <summary>
/// The external-upload events (docs/files.md, "External uploads"): <c>conv:upload_external</c>
/// (an upload meant for a conversation the caller is in) and <c>account:upload_external</c> (a
/// private one), each queuing the upload as <c>api/file/upload/external</c> does. They answer the
/// <c>pending</c> upload record, whose <c>request_id</c> the later records carry; the identifier
/// names the conversation, or the caller's account.
/// </summary>
public static class ExternalUploadEvents
{
    public static void Register(EventHandlers events)
    {
        events
            .On("conv:upload_external", (c, p, ct) => Queue(c, p, p.RequiredUuid("conversation_id"), ct))
            .On("account:upload_external", (c, p, ct) => Queue(c, p, null, ct));
    }

    private static async Task<EventOutcome> Queue(EventContext c, EventParams p, Guid? conversationId, CancellationToken ct)
    {
        var pending = await c.Get<ExternalUploads>().QueueAsync(c.AccountId, new QueueExternalUpload
        {
            FileUrl = p.RequiredText("file_url"),
            FileName = p.Text("file_name"),
            FileSize = p.Long("file_size"),
            FileOrigin = p.Text("file_origin"),
            ConversationId = conversationId,
            UploadId = p.Text("upload_id"),
        }, ct);
        var identifier = conversationId is { } id ? new EventIdentifier(ConversationId: id) : new EventIdentifier(AccountId: c.AccountId);
        return new EventOutcome(identifier, [pending]);
    }
}
