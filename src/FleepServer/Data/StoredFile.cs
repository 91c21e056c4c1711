using System.Text.Json.Serialization;

namespace FleepServer.Data;

/// <summary>
/// One upload: a file an account sent to <c>api/file/upload</c> (or <c>avatar/upload</c>, or a
/// finished external upload), ready to be attached by its <c>upload_url</c>. The bytes live in the
/// content store under its SHA-256 (<see cref="FileFacts.FileSha256"/>); the same bytes uploaded twice are stored once and
/// share their <c>file_id</c>, while each upload has its own id and URL (docs/files.md).
/// </summary>
public sealed class Upload
{
    public Guid Id { get; set; }

    /// <summary>The uploader: the only account that may attach this upload.</summary>
    public Guid AccountId { get; set; }

    public required string FileName { get; set; }
    public required FileFacts Facts { get; set; }
    public DateTimeOffset CreatedTime { get; set; }
}

/// <summary>What the server learned of a file's content: its hash, size, detected type and, for images, their shape.</summary>
public sealed record FileFacts
{
    /// <summary>Lower-case hex SHA-256 of the content: its key in the content store.</summary>
    public required string FileSha256 { get; init; }

    public long FileSize { get; init; }

    /// <summary>The type detected from the content's first bytes, never the declared one.</summary>
    public required string FileType { get; init; }

    public int? Width { get; init; }
    public int? Height { get; init; }
    public bool? IsAnimated { get; init; }

    /// <summary>EXIF orientation (1-8) of a JPEG; 1 for other images.</summary>
    public int? Orientation { get; init; }

    /// <summary>The thumbnail sizes made for this content (subset of 50, 100, 575, 700).</summary>
    public List<int> ThumbSizes { get; init; } = [];

    /// <summary>The file_id clients see: a UUID made of the hash's first 16 bytes, the same for the same bytes.</summary>
    [JsonIgnore]
    public Guid FileId => new(Convert.FromHexString(FileSha256.AsSpan(0, 32)), bigEndian: true);
}

/// <summary>
/// One attachment of a message, kept inside the message row (<c>messages.files</c>, jsonb) so every
/// read of a message has its files without another query. The attachment id is the <c>key</c> of
/// the message XML's <c>&lt;file&gt;</c> element and part of the download URL.
/// </summary>
public sealed record MessageFile
{
    /// <summary>22-character base64url id, unique within the message.</summary>
    public required string AttachmentId { get; init; }

    /// <summary>The uploader.</summary>
    public Guid AccountId { get; init; }

    public required string FileName { get; init; }
    public required FileFacts Facts { get; init; }
    public bool IsDeleted { get; init; }
    public Guid? DeleterId { get; init; }

    /// <summary>An inline image inside a quote or signature (set by mail import; false otherwise).</summary>
    public bool IsHidden { get; init; }
}
