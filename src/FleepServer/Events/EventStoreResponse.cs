using FleepServer.Records;

namespace FleepServer.Events;

/// <summary>
/// The batch's answer: the records the events changed, and one request record per event in
/// <c>requests</c>, in the events' order. The request records are listed in <c>stream</c> as well,
/// for clients that read only the stream (docs/events.md, "Records and retries").
/// </summary>
public sealed record EventStoreResponse(IReadOnlyList<object> Stream, IReadOnlyList<RequestRecord> Requests);
