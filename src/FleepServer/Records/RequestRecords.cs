using FleepServer.Errors;
using FleepServer.Events;

namespace FleepServer.Records;

/// <summary>The one builder of <see cref="RequestRecord"/>s.</summary>
public static class RequestRecords
{
    public static RequestRecord For(Guid clientReqId, Guid conversationId, long? resultMessageNr) => new()
    {
        ClientReqId = clientReqId,
        ConversationId = conversationId,
        ResultMessageNr = resultMessageNr,
    };

    /// <summary>An event that was applied (or had been applied before, for a repeated client_req_id).</summary>
    public static RequestRecord ForEvent(Guid clientReqId, string mkEventType, EventIdentifier identifier, object? syncCursor = null) => new()
    {
        SyncCursor = syncCursor,
        ClientReqId = clientReqId,
        MkEventType = mkEventType,
        StatusCode = StatusCodes.Status200OK,
        Identifier = identifier,
        ConversationId = identifier.ConversationId,
        ResultMessageNr = identifier.MessageNr,
    };

    /// <summary>An event that was refused; nothing of it was written.</summary>
    public static RequestRecord ForFailedEvent(Guid clientReqId, string? mkEventType, FleepException error) => new()
    {
        ClientReqId = clientReqId,
        MkEventType = mkEventType,
        StatusCode = error.StatusCode,
        ErrorId = error.ErrorId,
        ErrorMessage = error.ErrorMessage,
    };
}
