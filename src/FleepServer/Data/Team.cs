namespace FleepServer.Data;

/// <summary>
/// A team: a named group of accounts that joins conversations as one (docs/teams.md). Its members
/// and admins are kept on the row; the conversations it is in name it in
/// <see cref="Conversation.TeamIds"/>. <see cref="VersionNr"/> (<c>team_version_nr</c>) grows by
/// one with every effective change; a removed team keeps its row with <see cref="IsDeleted"/>.
/// </summary>
public sealed class Team
{
    public Guid Id { get; set; }
    public required string TeamName { get; set; }
    public Guid CreatorId { get; set; }

    /// <summary>Members in joining order, the creator first.</summary>
    public List<Guid> Members { get; set; } = [];

    public List<Guid> Admins { get; set; } = [];
    public bool IsAutojoin { get; set; }

    /// <summary>The KEY of <c>autojoin_url</c> (https://host/team/KEY); unique.</summary>
    public required string AutojoinKey { get; set; }

    public bool IsDeleted { get; set; }

    /// <summary><c>team_version_nr</c>: 1 at creation, +1 per effective change.</summary>
    public long VersionNr { get; set; } = 1;

    public DateTimeOffset CreatedTime { get; set; }
}

/// <summary>
/// One label of one account (docs/labels.md): a user label it made, or one of its system labels.
/// Labels are private: only their owner ever sees them. Which conversations carry a user label (or
/// the starred and Spam system labels) is kept on the owner's member rows
/// (<see cref="ConversationMember.LabelIds"/>); the other system labels follow the conversation's
/// state, and team labels are made from the teams an account is in.
/// </summary>
public sealed class Label
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }

    /// <summary>The name (<c>label</c>); unique among the account's active labels, case-insensitively.</summary>
    public required string Name { get; set; }

    public long Index { get; set; }

    /// <summary><c>mk_label_type</c>: user_label or system_label.</summary>
    public required string MkLabelType { get; set; }

    /// <summary><c>mk_label_subtype</c>: user, starred, recent, muted, archived, unread, spam, email, 1:1 conversations.</summary>
    public required string MkLabelSubtype { get; set; }

    /// <summary><c>mk_label_status</c>: active, or removed (kept so the removal reaches every session).</summary>
    public string MkLabelStatus { get; set; } = LabelStatuses.Active;

    public bool IsOnLeftPane { get; set; }
    public bool IsInRecent { get; set; }
    public bool IsInMuted { get; set; }
    public DateTimeOffset CreatedTime { get; set; }
}

public static class LabelStatuses
{
    public const string Active = "active";
    public const string Removed = "removed";
}

public static class LabelTypes
{
    public const string User = "user_label";
    public const string System = "system_label";
}
