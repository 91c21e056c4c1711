using System.Text.Json.Serialization;
using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>
/// ConvInfo, <c>mk_rec_type: "conv"</c>, rendered for one viewer
/// (<see cref="ProfileId"/>). The init fields (<c>mk_init_mode</c>, <c>is_init</c>, <c>is_full</c>,
/// <c>is_tiny</c>) and the loaded range (<c>fw_message_nr</c>, <c>bw_message_nr</c>) are present
/// only on init and sync answers; null fields are omitted. <c>organisation_id</c>,
/// <c>pin_cursor</c> and <c>pin_sync_state</c> are explicit nulls, as on the live server.
/// </summary>
public sealed record ConvRecord : IStreamRecord
{
    public string MkRecType => "conv";
    public required Guid ConversationId { get; init; }
    public required Guid ProfileId { get; init; }

    public string? MkInitMode { get; init; }
    public bool? IsInit { get; init; }
    public bool? IsFull { get; init; }
    public bool? IsTiny { get; init; }

    public required Guid CreatorId { get; init; }
    public required string Topic { get; init; }
    public required long TopicMessageNr { get; init; }
    public required IReadOnlyList<Guid> Members { get; init; }
    public required IReadOnlyList<Guid> Leavers { get; init; }
    public IReadOnlyList<Guid> Guests { get; init; } = [];
    public IReadOnlyList<Guid> Admins { get; init; } = [];
    public required IReadOnlyList<Guid> Passive { get; init; }
    public IReadOnlyList<Guid> Pending { get; init; } = [];
    public IReadOnlyList<Guid> Teams { get; init; } = [];
    public IReadOnlyList<Guid> LabelIds { get; init; } = [];

    /// <summary>The viewer's label names, in the order of <see cref="LabelIds"/> (docs/labels.md).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];
    public IReadOnlyList<Guid> DefaultMembers { get; init; } = [];

    public required bool CanPost { get; init; }

    /// <summary>
    /// True on the header of an account whose membership someone else ended (removed, or a team it
    /// was in only through left): the client drops what it cached of the conversation. Absent otherwise.
    /// </summary>
    public bool? IsReset { get; init; }
    public required long BeginMessageNr { get; init; }
    public required long JoinMessageNr { get; init; }
    public long? BwMessageNr { get; init; }
    public long? FwMessageNr { get; init; }

    /// <summary>Only in file drawer answers (sync_files, ic_files): the from_message_nr of the next batch, 0 when the drawer is complete.</summary>
    public long? FileHorizon { get; init; }
    public required long ReadMessageNr { get; init; }
    public required long ReadInboxNr { get; init; }
    public required long SendMessageNr { get; init; }
    public required long ShowMessageNr { get; init; }
    public required long LastMessageNr { get; init; }
    public required long InboxMessageNr { get; init; }
    public required long LastInboxNr { get; init; }
    public required long UnreadCount { get; init; }
    public required long HideMessageNr { get; init; }
    public required long DeleteMessageNr { get; init; }
    public required long DiscloseMessageNr { get; init; }
    public required long LastMessageTime { get; init; }
    public required long InboxTime { get; init; }

    public required string MkAlertLevel { get; init; }
    public required bool IsMuted { get; init; }
    public required long SnoozeInterval { get; init; }
    public required long SnoozeTime { get; init; }
    public required bool IsMarkUnread { get; init; }

    public required string MkConvType { get; init; }
    public required bool IsList { get; init; }
    public bool IsManaged => false;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public Guid? OrganisationId => null;

    public bool IsPremium => false;
    public bool IsAutomute => false;
    public required bool IsAutojoin { get; init; }
    public required string AutojoinUrl { get; init; }
    public required bool IsDisclose { get; init; }
    public required bool IsUrlPreviewDisabled { get; init; }

    public bool HasEmailSubject => false;
    /// <summary>The pinboard has a pin, the taskboard an open task, the Archived section a task (docs/boards.md, "Board flags").</summary>
    public required bool HasPinboard { get; init; }
    public required bool HasTaskboard { get; init; }
    public required bool HasTaskArchive { get; init; }
    public required bool HasDoneNotifications { get; init; }
    public string? DefaultCallRoom { get; init; }
    public IReadOnlyList<string> ExportFiles { get; init; } = [];

    /// <summary>A string on the live server.</summary>
    public string ExportProgress => "1";

    /// <summary>
    /// Pinboard paging (account/sync_pinboard, conv:pin:sync): JSON text
    /// <c>{"conversation_id": …, "pin_weight": …}</c> naming where the next batch starts; null when
    /// the pinboard is complete, and on every other header (docs/boards.md, "Paging").
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? PinCursor { get; init; }

    /// <summary>"partial" while <see cref="PinCursor"/> names a next batch; null otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? PinSyncState { get; init; }

    /// <summary>
    /// Only on full inits and in conversation/sync_pins answers: the from_message_nr of the next
    /// batch of pins (older pinboard paging), 0 when there is none (docs/boards.md, "Paging").
    /// </summary>
    public long? PinHorizon { get; init; }

    /// <summary>Only on full inits and in task/sync answers: the from_message_nr of the next batch of tasks, 0 when there is none.</summary>
    public long? TaskHorizon { get; init; }

    /// <summary>Present (true) only when the client must drop the conversation from its cache.</summary>
    public bool? IsDeleted { get; init; }
}
