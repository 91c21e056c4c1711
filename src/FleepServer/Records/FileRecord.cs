using System.Text.Json.Serialization;
using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>FileInfo, <c>mk_rec_type: "file"</c>: one attachment of a message (docs/files.md, "Records").</summary>
public sealed record FileRecord : IStreamRecord
{
    public string MkRecType => "file";
    public required Guid ConversationId { get; init; }
    public required long MessageNr { get; init; }

    /// <summary>The uploader.</summary>
    public required Guid AccountId { get; init; }

    public required string AttachmentId { get; init; }
    public required string FileName { get; init; }
    public required string FileUrl { get; init; }
    public required long FileSize { get; init; }
    public required string FileType { get; init; }
    public required string FileSha256 { get; init; }

    /// <summary>Images only; null (sent as null) for other files.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? Width { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? Height { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public bool? IsAnimated { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? Orientation { get; init; }

    [JsonPropertyName("thumb_url_50")]
    public string? ThumbUrl50 { get; init; }

    [JsonPropertyName("thumb_url_100")]
    public string? ThumbUrl100 { get; init; }

    [JsonPropertyName("thumb_url_575")]
    public string? ThumbUrl575 { get; init; }

    [JsonPropertyName("thumb_url_700")]
    public string? ThumbUrl700 { get; init; }

    public required bool IsDeleted { get; init; }

    /// <summary>Who removed the attachment; <c>""</c> while it is not removed.</summary>
    public required string DeleterId { get; init; }

    public required bool IsHidden { get; init; }
    public required long PostedTime { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? SenderName { get; init; }
}
