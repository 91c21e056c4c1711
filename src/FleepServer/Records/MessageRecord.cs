using System.Text.Json.Serialization;
using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>MessageInfo, <c>mk_rec_type: "message"</c>, rendered for one viewer.</summary>
public sealed record MessageRecord : IStreamRecord
{
    public string MkRecType => "message";
    public required Guid ConversationId { get; init; }
    public required long MessageNr { get; init; }
    public required Guid ProfileId { get; init; }
    public required Guid AccountId { get; init; }
    public required string MkMessageType { get; init; }
    public required string MkMessageState { get; init; }
    public required string Message { get; init; }
    public string? Subject { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    public required long InboxNr { get; init; }
    public required long PrevMessageNr { get; init; }
    public required long PostedTime { get; init; }

    /// <summary>Always present, null unless someone holds the edit lock.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public Guid? LockAccountId { get; init; }

    /// <summary>Only on revisions: bots tell edits from new messages by it.</summary>
    public long? FlowMessageNr { get; init; }

    public long? RevisionMessageNr { get; init; }
    public long? RefMessageNr { get; init; }
    public Guid? EditAccountId { get; init; }
    public long? EditedTime { get; init; }
    public double? PinWeight { get; init; }
    public Guid? PinnedAccountId { get; init; }
    public Guid? TaskedAccountId { get; init; }
    public IReadOnlyList<Guid>? AssigneeIds { get; init; }
    public IReadOnlyDictionary<string, IReadOnlyList<Guid>>? Reactions { get; init; }
    public bool? IsUrlPreviewDisabled { get; init; }

    /// <summary>Present (true) only on a message a member marked as spam.</summary>
    public bool? IsSpam { get; init; }

    public Guid? SectionId { get; init; }
    public double? TaskWeight { get; init; }

    /// <summary>The hook the message came through; absent otherwise.</summary>
    public string? HookKey { get; init; }

    /// <summary>The name a hook post or import gave; absent when none was given (clients then show hook_name).</summary>
    public string? SenderName { get; init; }

    /// <summary>Only on <c>api/search</c> matches: the text with the matched words marked (docs/search.md).</summary>
    public string? MarkedText { get; init; }
}
