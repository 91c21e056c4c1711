using FleepServer.Domain.Files;
using FleepServer.Http;

namespace FleepServer.Api.Wire;

/// <summary>One uploaded file in the answer of <c>file/upload</c>: what a client attaches by <c>upload_url</c>.</summary>
public sealed record UploadedFileRecord(
    Guid FileId, string UploadUrl, string Name, long Size, string FileType, string FileSha256, int? Width, int? Height, bool? IsAnimated)
{
    public static UploadedFileRecord Of(UploadedFile file) => new(
        file.Facts.FileId, FileUrls.Upload(file.Upload.Id, file.Upload.FileName), file.Upload.FileName, file.Facts.FileSize,
        file.Facts.FileType, file.Facts.FileSha256, file.Facts.Width, file.Facts.Height, file.Facts.IsAnimated);
}

/// <summary><c>{"files": [...]}</c>, in upload order.</summary>
public sealed record UploadResponse(IReadOnlyList<UploadedFileRecord> Files);
