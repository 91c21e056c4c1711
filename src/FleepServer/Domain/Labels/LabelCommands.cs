using FleepServer.Http;

namespace FleepServer.Domain.Labels;

/// <summary>
/// <c>label/store</c>: without <c>label_id</c> creates the label named <c>label</c>; with it
/// renames (<c>label</c>), moves (<c>index</c>) or sets flags; <c>index: -1</c> removes the label
/// named by <c>label_id</c> or by <c>label</c> (docs/labels.md).
/// </summary>
public sealed record StoreLabel : IFleepRequest<StoreLabel>
{
    public string? Label { get; init; }
    public Guid? LabelId { get; init; }
    public long? Index { get; init; }
    public bool? IsOnLeftPane { get; init; }
    public bool? IsInRecent { get; init; }
    public bool? IsInMuted { get; init; }
}

/// <summary>
/// The position after which <c>label/sync_conversations</c> continues: the last conversation's
/// inbox time (ISO 8601 with microseconds, so ties of one second page exactly) and id.
/// </summary>
public sealed record LabelSyncCursor
{
    public Guid? AcvConvId { get; init; }
    public string? AcvInboxTime { get; init; }

    public static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The time, or null when absent or not a time.</summary>
    public DateTimeOffset? Time() =>
        DateTimeOffset.TryParse(AcvInboxTime, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUniversalTime()
            : null;
}

/// <summary><c>label/sync_conversations</c> and the event of the same name.</summary>
public sealed record SyncLabelConversations : IFleepRequest<SyncLabelConversations>
{
    public Guid? LabelId { get; init; }
    public string? MkInitMode { get; init; }

    /// <summary>The cursor as the label record carried it: JSON text (classic call) or an object (event).</summary>
    public System.Text.Json.JsonElement? SyncCursor { get; init; }

    public long? Limit { get; init; }
}
