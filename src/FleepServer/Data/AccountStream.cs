namespace FleepServer.Data;

/// <summary>
/// The head of one account's event stream. <see cref="LastEventNr"/> is the newest position
/// written; appending locks this row, so positions of one account commit in order.
/// </summary>
public sealed class AccountStream
{
    /// <summary>
    /// Streams start here rather than at 0, so even a brand-new account hands out a positive
    /// horizon: 0 in a poll means "initial sync" and in a response "resync".
    /// </summary>
    public const long FirstHorizon = 1;

    public Guid AccountId { get; set; }
    public long LastEventNr { get; set; } = FirstHorizon;
}

/// <summary>One record in one account's stream, stored as the JSON that account's clients receive.</summary>
public sealed class StreamEvent
{
    public Guid AccountId { get; set; }
    public long EventNr { get; set; }
    public required string MkRecType { get; set; }
    public required string Payload { get; set; }
    public DateTimeOffset CreatedTime { get; set; }
}
