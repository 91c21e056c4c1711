using System.Text.Json.Serialization;
using FleepServer.Data;
using FleepServer.Http;
using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>
/// UploadInfo, <c>mk_rec_type: "upload"</c>: how an external upload is going (docs/files.md,
/// "External uploads"). The caller's stream gets a <c>pending</c> record when the upload is
/// accepted, then one <c>success</c> record (with <c>upload_url</c> to attach, and the file's
/// facts) or one <c>failure</c> record (with <c>error</c>). Every record names its
/// <c>request_id</c>, the success record too.
/// </summary>
public sealed record UploadRecord : IStreamRecord
{
    public const string Pending = "pending";
    public const string Success = "success";
    public const string Failure = "failure";

    public string MkRecType => "upload";
    public required string Status { get; init; }

    /// <summary>0 while pending, 100 when done.</summary>
    public required int Progress { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public Guid? ConversationId { get; init; }

    public required Guid RequestId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? UploadId { get; init; }

    public required string Name { get; init; }

    /// <summary>The declared size while pending, the fetched size on success.</summary>
    public required long Size { get; init; }

    public string? FileOrigin { get; init; }
    public string? FileType { get; init; }
    public string? FileSha256 { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public bool? IsAnimated { get; init; }

    /// <summary>What to attach (like an <c>api/file/upload</c> answer's); on success only.</summary>
    public string? UploadUrl { get; init; }

    /// <summary><c>""</c> unless the upload failed; then what went wrong, in a few words.</summary>
    public required string Error { get; init; }

    public static UploadRecord For(ExternalUpload queued, string status, string error = "") => new()
    {
        Status = status,
        Progress = status == Pending ? 0 : 100,
        ConversationId = queued.ConversationId,
        RequestId = queued.Id,
        UploadId = queued.UploadId,
        Name = queued.FileName,
        Size = queued.FileSize,
        FileOrigin = queued.FileOrigin,
        Error = error,
    };

    public static UploadRecord Succeeded(ExternalUpload queued, Upload upload) => For(queued, Success) with
    {
        Size = upload.Facts.FileSize,
        FileType = upload.Facts.FileType,
        FileSha256 = upload.Facts.FileSha256,
        Width = upload.Facts.Width,
        Height = upload.Facts.Height,
        IsAnimated = upload.Facts.IsAnimated,
        UploadUrl = FileUrls.Upload(upload.Id, upload.FileName),
    };
}
