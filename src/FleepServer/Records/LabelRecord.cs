using System.Text.Json.Serialization;
using FleepServer.Data;
using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>LabelInfo, <c>mk_rec_type: "label"</c> (docs/labels.md). Only ever sent to the label's owner.</summary>
public sealed record LabelRecord : IStreamRecord
{
    public string MkRecType => "label";
    public required Guid LabelId { get; init; }

    [JsonPropertyName("label")]
    public required string Name { get; init; }

    public required long Index { get; init; }
    public required string MkLabelType { get; init; }
    public required string MkLabelSubtype { get; init; }
    public required string MkLabelStatus { get; init; }
    public required bool IsOnLeftPane { get; init; }
    public required bool IsInRecent { get; init; }
    public required bool IsInMuted { get; init; }

    /// <summary>Team labels only.</summary>
    public Guid? TeamId { get; init; }

    /// <summary>label/sync_conversations paging: 0 when the label's conversations are all synced.</summary>
    public long SyncInboxTime { get; init; }

    /// <summary>label/sync_conversations paging tie-breaker; empty when done.</summary>
    public string SyncConversationId { get; init; } = "";

    /// <summary>label/sync_conversations cursor as JSON text; <c>"{}"</c> when done.</summary>
    public string SyncCursor { get; init; } = "{}";
}

/// <summary>The one builder of <see cref="LabelRecord"/>s: an account's stored labels, and the team labels made from its teams.</summary>
public static class LabelRecords
{
    public const string TeamSubtype = "team_label";

    public static LabelRecord For(Label l) => new()
    {
        LabelId = l.Id,
        Name = l.Name,
        Index = l.Index,
        MkLabelType = l.MkLabelType,
        MkLabelSubtype = l.MkLabelSubtype,
        MkLabelStatus = l.MkLabelStatus,
        IsOnLeftPane = l.IsOnLeftPane,
        IsInRecent = l.IsInRecent,
        IsInMuted = l.IsInMuted,
    };

    /// <summary>
    /// A member's label of a team: the team's name, the team's id as label id (each account sees its
    /// own copy), not on the left pane, listed under Recent and Muted. Removed when the team is
    /// removed or the account leaves it.
    /// </summary>
    public static LabelRecord ForTeam(Team t, bool removed = false) => new()
    {
        LabelId = t.Id,
        Name = t.TeamName,
        Index = 0,
        MkLabelType = LabelTypes.System,
        MkLabelSubtype = TeamSubtype,
        MkLabelStatus = removed || t.IsDeleted ? LabelStatuses.Removed : LabelStatuses.Active,
        IsOnLeftPane = false,
        IsInRecent = true,
        IsInMuted = true,
        TeamId = t.Id,
    };
}
