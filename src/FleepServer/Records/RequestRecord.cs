using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>RequestInfo, <c>mk_rec_type: "request"</c> (core spec §2.4): a processed client_req_id and its result.</summary>
public sealed record RequestRecord : IStreamRecord
{
    public string MkRecType => "request";
    public required Guid ClientReqId { get; init; }
    public Guid? ConversationId { get; init; }
    public long? ResultMessageNr { get; init; }
}
