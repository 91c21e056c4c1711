using FleepServer.Records;

namespace FleepServer.Api.Wire;

/// <summary><c>avatar/upload</c>: the uploaded image as <c>file/upload</c> describes it, and the caller's contact with its new <c>avatar_urls</c>.</summary>
public sealed record AvatarUploadResponse(IReadOnlyList<UploadedFileRecord> Files, IReadOnlyList<ContactRecord> Stream);
