using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>ActivityInfo, <c>mk_rec_type: "activity"</c>: a member's join point, read horizon or pen.</summary>
public sealed record ActivityRecord : IStreamRecord
{
    public string MkRecType => "activity";
    public required Guid ConversationId { get; init; }
    public required Guid AccountId { get; init; }
    public bool? IsWriting { get; init; }
    public long? ReadMessageNr { get; init; }
    public long? JoinMessageNr { get; init; }
    public long? ActivityTime { get; init; }

    /// <summary>The message being edited, when the pen belongs to an edit (the python client marks it is_editing).</summary>
    public long? MessageNr { get; init; }
}
