using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>LastSeenInfo, <c>mk_rec_type: "lastseen"</c>: when an account was last active.</summary>
public sealed record LastSeenRecord : IStreamRecord
{
    public string MkRecType => "lastseen";
    public required Guid AccountId { get; init; }
    public required long ActivityTime { get; init; }
}
