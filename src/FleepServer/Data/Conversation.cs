namespace FleepServer.Data;

/// <summary>
/// A conversation and its one numbered message flow. <see cref="LastMessageNr"/> is the highest flow
/// number handed out; every new message, system message and revision takes the next one while the
/// row is locked, so numbers are contiguous and commit in order (docs/conversations.md, "Numbering").
/// </summary>
public sealed class Conversation
{
    public Guid Id { get; set; }
    public Guid CreatorId { get; set; }

    /// <summary>The shared topic; <c>""</c> when none is set.</summary>
    public string Topic { get; set; } = "";

    /// <summary>Flow number of the message (or revision of the create message) that set the topic.</summary>
    public long TopicMessageNr { get; set; }

    /// <summary>Highest flow number: new messages, system messages and revisions alike.</summary>
    public long LastMessageNr { get; set; }

    /// <summary>Highest number of a new (visible) message; revisions do not move it.</summary>
    public long ShowMessageNr { get; set; }

    /// <summary>Inbox number of the last alerting message (0 when there is none).</summary>
    public long LastInboxNr { get; set; }

    /// <summary>Number of the last alerting message, or 1 (the create message) when there is none.</summary>
    public long LastAlertMessageNr { get; set; }

    public DateTimeOffset CreatedTime { get; set; }
    public DateTimeOffset LastMessageTime { get; set; }

    /// <summary><c>mk_conv_type</c>: cct_default, cct_list or cct_no_mail.</summary>
    public string MkConvType { get; set; } = ConvTypes.Default;

    public bool IsList { get; set; }
    public bool IsAutojoin { get; set; }

    /// <summary>The KEY of <c>autojoin_url</c> (https://host/chat/KEY); unique.</summary>
    public required string AutojoinKey { get; set; }

    public bool IsDisclose { get; set; }

    /// <summary>
    /// ConvInfo <c>has_pinboard</c>, <c>has_taskboard</c>, <c>has_task_archive</c>: the pinboard has
    /// a pin, the taskboard an open (unarchived) task, the Archived section a task (docs/boards.md).
    /// Kept by the pin and task changes in their own transaction, so no read has to count.
    /// </summary>
    public bool HasPinboard { get; set; }

    public bool HasTaskboard { get; set; }
    public bool HasTaskArchive { get; set; }
    public bool IsUrlPreviewDisabled { get; set; }

    /// <summary>True while some active hook of the conversation has an outgoing URL: a new message then queues deliveries.</summary>
    public bool HasOutgoingHooks { get; set; }

    /// <summary><c>default_call_room</c>: the video-call room name members open from the conversation; null until set.</summary>
    public string? DefaultCallRoom { get; set; }

    /// <summary>The teams in the conversation (ConvInfo <c>teams</c>), in the order they were added.</summary>
    public List<Guid> TeamIds { get; set; } = [];
}

public static class ConvTypes
{
    public const string Default = "cct_default";
    public const string List = "cct_list";
    public const string NoMail = "cct_no_mail";

    public static readonly string[] All = [Default, List, NoMail];
}

/// <summary>
/// One account's membership of a conversation, with its read horizon and personal settings. A
/// member who left or was removed keeps its row (it is a leaver); re-adding reopens the same row.
/// </summary>
public sealed class ConversationMember
{
    public Guid ConversationId { get; set; }
    public Guid AccountId { get; set; }

    /// <summary>Flow number at which the account first became a member.</summary>
    public long JoinMessageNr { get; set; }

    /// <summary>Flow number where the current membership begins (the re-add message after a rejoin).</summary>
    public long BeginMessageNr { get; set; }

    /// <summary>End of the previous memberships' visible range (the last leave), 0 if never left before.</summary>
    public long HistoryEndMessageNr { get; set; }

    /// <summary>The leave or kick message that ended the current membership; null while a member.</summary>
    public long? LeaveMessageNr { get; set; }

    /// <summary>True when the membership was ended by someone else (remove_members), not by leaving.</summary>
    public bool IsRemoved { get; set; }

    public long ReadMessageNr { get; set; }

    /// <summary>While in the future, the member's writing pen is on (a pen lasts 30 s).</summary>
    public DateTimeOffset? WritingUntil { get; set; }

    /// <summary>The message the pen edits, when it belongs to an edit.</summary>
    public long? WritingMessageNr { get; set; }

    /// <summary>Inbox number of the last alerting message at or before <see cref="ReadMessageNr"/>.</summary>
    public long ReadInboxNr { get; set; }

    public bool IsMarkUnread { get; set; }

    /// <summary>Flow number of the latest change of this account's membership.</summary>
    public long SendMessageNr { get; set; }

    /// <summary>Hidden from the list while the conversation's last message nr is at or below it.</summary>
    public long HideMessageNr { get; set; }

    /// <summary>Content at or before this number is deleted for this member; also "deleted from my list" while nothing newer exists.</summary>
    public long DeleteMessageNr { get; set; }

    /// <summary>Earliest message disclosed to this member; 0 when nothing was disclosed.</summary>
    public long DiscloseMessageNr { get; set; }

    /// <summary><c>mk_alert_level</c>: default, never, until_read or passive.</summary>
    public string MkAlertLevel { get; set; } = AlertLevels.Default;

    public long SnoozeInterval { get; set; }
    public long SnoozeTime { get; set; }

    /// <summary><c>has_done_notifications</c>: the member is alerted when a task is marked done (off by default).</summary>
    public bool HasDoneNotifications { get; set; }

    public DateTimeOffset JoinedTime { get; set; }

    /// <summary>
    /// Why the account is a member (docs/conversations.md, "Membership reasons"): in its own right
    /// (added, created, joined), through teams of the conversation, or both. The membership ends
    /// when the last reason goes.
    /// </summary>
    public bool InOwnRight { get; set; } = true;

    /// <summary>The conversation's teams this account is a member through.</summary>
    public List<Guid> ViaTeamIds { get; set; } = [];

    /// <summary>The member's own labels on this conversation: user labels and the starred and Spam system labels.</summary>
    public List<Guid> LabelIds { get; set; } = [];

    public bool IsActive => LeaveMessageNr is null;
}

public static class AlertLevels
{
    public const string Default = "default";
    public const string Never = "never";
    public const string UntilRead = "until_read";
    public const string Passive = "passive";

    public static readonly string[] All = [Default, Never, UntilRead, Passive];
}

/// <summary>
/// A message of a conversation flow, keyed by (conversation, message_nr). The row holds the message's
/// current state; a revision (edit, delete, pin, task change) takes a new flow number, recorded in
/// <see cref="FlowMessageNr"/>, instead of a row of its own.
/// </summary>
public sealed class Message
{
    public Guid ConversationId { get; set; }
    public long MessageNr { get; set; }
    public Guid AccountId { get; set; }

    /// <summary><c>mk_message_type</c>: text, or a system type (create, add, leave, kick, topic, …).</summary>
    public required string MkMessageType { get; set; }

    /// <summary>The last part of <c>mk_message_state</c>: plain, system, deleted, pinned, unpinned, todo, done.</summary>
    public required string MkMessageState { get; set; }

    /// <summary>XML <c>&lt;msg&gt;…&lt;/msg&gt;</c> for text; a JSON text for system messages; "" when deleted.</summary>
    public required string Body { get; set; }

    public string? Subject { get; set; }
    public List<string> Tags { get; set; } = [];

    /// <summary>Flow number of the latest revision; null for a message never revised.</summary>
    public long? FlowMessageNr { get; set; }

    public long InboxNr { get; set; }
    public long PrevMessageNr { get; set; }
    public long? RefMessageNr { get; set; }
    public DateTimeOffset PostedTime { get; set; }
    public DateTimeOffset? EditedTime { get; set; }
    public Guid? EditAccountId { get; set; }
    public double? PinWeight { get; set; }
    public Guid? PinnedAccountId { get; set; }
    public Guid? TaskedAccountId { get; set; }
    public List<Guid> AssigneeIds { get; set; } = [];

    /// <summary>Reactions: reaction text → the accounts that gave it, in reaction order; null when there are none.</summary>
    public Dictionary<string, List<Guid>>? Reactions { get; set; }

    public bool IsUrlPreviewDisabled { get; set; }

    /// <summary>The message's attachments in posting order, deleted ones included (marked); null when it never had any.</summary>
    public List<MessageFile>? Files { get; set; }

    /// <summary>Marked as spam by a member (<c>is_spam</c>); every member sees the mark.</summary>
    public bool IsSpam { get; set; }

    /// <summary>The member holding the edit lock (<c>lock_account_id</c>), while <see cref="LockedUntil"/> is in the future.</summary>
    public Guid? LockAccountId { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>A task's section (one of <c>TaskSections</c>) and its order there (ascending).</summary>
    public Guid? SectionId { get; set; }

    public double? TaskWeight { get; set; }

    /// <summary>The client_req_id the message was posted with, if any.</summary>
    public Guid? ClientReqId { get; set; }

    /// <summary>
    /// <c>message_id</c>: a stable id of the message across conversations, by which the personal
    /// board (task:set_position, task:archive) names conversation tasks. Set when it is appended.
    /// </summary>
    public Guid MessageId { get; set; }

    /// <summary>The key of the hook the message was posted through (<c>hook_key</c>); null for other messages.</summary>
    public string? HookKey { get; set; }

    /// <summary>The sender name a hook post or import gave (<c>sender_name</c>); null when none was given.</summary>
    public string? SenderName { get; set; }

    /// <summary>An import's <c>message_key</c>: a message with the same key from the same hook is not imported twice.</summary>
    public string? MessageKey { get; set; }

    /// <summary>The flow number at which this message last changed: its own number or its latest revision.</summary>
    public long EffectiveNr => FlowMessageNr ?? MessageNr;
}

public static class MessageStates
{
    public const string Prefix = "urn:fleep:message:mk_message_state:";
    public const string Plain = "plain";
    public const string System = "system";
    public const string Deleted = "deleted";
    public const string Pinned = "pinned";
    public const string Unpinned = "unpinned";
    public const string Todo = "todo";
    public const string Done = "done";
}

/// <summary>
/// A processed <c>client_req_id</c>: unique per (account, id). Conversation and message changes write
/// it in the same transaction as the change, so a retry finds the original result instead of
/// repeating the change. Events of api/event/store that have no such change of their own are
/// recorded with their <see cref="MkEventType"/> and result identifier once the event is applied.
/// </summary>
public sealed class ClientRequest
{
    public Guid AccountId { get; set; }
    public Guid ClientReqId { get; set; }
    public Guid? ConversationId { get; set; }
    public long ResultMessageNr { get; set; }

    /// <summary>The event type, for requests recorded by api/event/store; null for conversation changes.</summary>
    public string? MkEventType { get; set; }

    /// <summary>The account an account or contact event named as its result.</summary>
    public Guid? ResultAccountId { get; set; }

    public DateTimeOffset CreatedTime { get; set; }
}
