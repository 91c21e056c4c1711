using System.Buffers.Text;

namespace FleepServer.Http;

/// <summary>
/// The site-relative URLs of files (docs/files.md, "URLs"): what clients get in <c>upload_url</c>,
/// <c>file_url</c>, <c>thumb_url_NN</c> and <c>avatar_urls</c>, and the parsing of the ones they
/// send back. Ids in URLs are 22-character base64url, as Fleep's are.
/// </summary>
public static class FileUrls
{
    public static string Upload(Guid uploadId, string fileName) => $"/upload/{PublicUrl.ShortId(uploadId)}/{Uri.EscapeDataString(fileName)}";

    public static string File(Guid conversationId, long messageNr, string attachmentId, string fileName) =>
        $"/file/{PublicUrl.ShortId(conversationId)}/{messageNr}/{attachmentId}/{Uri.EscapeDataString(fileName)}";

    public static string Thumb(Guid conversationId, long messageNr, string attachmentId, int size) =>
        $"/thumb/{PublicUrl.ShortId(conversationId)}/{messageNr}/{attachmentId}/thumb{size}";

    public static string Avatar(Guid accountId, string fileSha256, int size) =>
        $"/avatar/{PublicUrl.ShortId(accountId)}/{fileSha256[..16]}/size_{size}.png";

    /// <summary>A new attachment id: 16 random bytes as 22 base64url characters.</summary>
    public static string NewAttachmentId() => PublicUrl.ShortId(Guid.NewGuid());

    /// <summary>
    /// The upload an attachment reference names: an <c>upload_url</c> (absolute or site-relative),
    /// or the bare id older clients send (22-character base64url or a UUID); null for anything else.
    /// </summary>
    public static Guid? UploadIdOf(string reference)
    {
        var path = PathOf(reference);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length >= 2 && segments[0] == "upload")
        {
            return ShortIdOf(segments[1]);
        }

        if (segments.Length == 1)
        {
            return Guid.TryParse(segments[0], out var id) ? id : ShortIdOf(segments[0]);
        }

        return null;
    }

    /// <summary>The attachment id a <c>file_url</c> names (to keep an attachment on edit), with its conversation and message; null for anything else.</summary>
    public static (Guid ConversationId, long MessageNr, string AttachmentId)? FileOf(string reference)
    {
        var segments = PathOf(reference).Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 4 && segments[0] == "file" && ShortIdOf(segments[1]) is { } conversation
               && long.TryParse(segments[2], out var nr) && IsShortId(segments[3])
            ? (conversation, nr, segments[3])
            : null;
    }

    /// <summary>A 22-character base64url id as the UUID it encodes; null when it is not one.</summary>
    public static Guid? ShortIdOf(string text)
    {
        if (!IsShortId(text))
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[16];
        return Base64Url.TryDecodeFromChars(text, bytes, out var written) && written == 16 ? new Guid(bytes, bigEndian: true) : null;
    }

    public static bool IsShortId(string text) => text.Length == 22 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string PathOf(string reference) =>
        Uri.TryCreate(reference, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https"
            ? absolute.AbsolutePath
            : reference.Split('?', '#')[0];
}
