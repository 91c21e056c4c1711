using FleepServer.Events;
using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>
/// RequestInfo, <c>mk_rec_type: "request"</c>: a processed client_req_id and
/// its result. Classic calls fill conversation_id and result_message_nr; an event also names its
/// <c>mk_event_type</c>, its outcome (<c>status_code</c>, and <c>error_id</c> / <c>error_message</c>
/// when it failed) and the <c>identifier</c> of what it changed.
/// </summary>
public sealed record RequestRecord : IStreamRecord
{
    public string MkRecType => "request";
    public required Guid ClientReqId { get; init; }
    public Guid? ConversationId { get; init; }
    public long? ResultMessageNr { get; init; }
    public string? MkEventType { get; init; }
    public int? StatusCode { get; init; }
    public string? ErrorId { get; init; }
    public string? ErrorMessage { get; init; }
    public EventIdentifier? Identifier { get; init; }

    /// <summary>A paged sync event's cursor for the next page; absent on the last page.</summary>
    public object? SyncCursor { get; init; }
}
