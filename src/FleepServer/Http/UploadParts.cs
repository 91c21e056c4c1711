using FleepServer.Errors;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace FleepServer.Http;

/// <summary>One file of an upload request: the name the client gave it and its bytes, read once, in order.</summary>
public sealed record UploadPart(string FileName, Stream Body);

/// <summary>
/// The files of an upload request, in every encoding Fleep clients use (docs/files.md, "Upload"):
/// <list type="bullet">
/// <item>a multipart/form-data body (POST, or PUT as FleepSharp sends it): every part that has a
/// file name, in field <c>files</c> or any other (<c>file</c>);</item>
/// <item>any other body (PUT, or POST with <c>?_method=PUT</c>): the body is the file, named by the
/// request's own <c>Content-Disposition</c> (<c>attachment; filename="x"</c> or
/// <c>form-data; name="files"; filename="x"</c>).</item>
/// </list>
/// The parts stream: nothing is buffered beyond a part's headers.
/// </summary>
public static class UploadParts
{
    /// <summary>Longest file name kept; longer ones are cut.</summary>
    public const int MaxNameLength = 1024;

    public static async IAsyncEnumerable<UploadPart> ReadAsync(HttpRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            && mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                throw FleepErrors.BadRequest("The multipart body has no boundary.");
            }

            var reader = new MultipartReader(boundary, request.Body);
            while (await NextSectionAsync(reader, ct) is { } section)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && NameOf(disposition) is { } name)
                {
                    yield return new UploadPart(name, section.Body);
                }
                else
                {
                    // A plain form field (ticket, upload_id): read past it.
                    await section.Body.CopyToAsync(Stream.Null, ct);
                }
            }

            yield break;
        }

        var raw = ContentDispositionHeaderValue.TryParse(request.Headers.ContentDisposition.ToString(), out var header) ? NameOf(header) : null;
        yield return new UploadPart(raw ?? "file", request.Body);
    }

    private static async Task<MultipartSection?> NextSectionAsync(MultipartReader reader, CancellationToken ct)
    {
        try
        {
            return await reader.ReadNextSectionAsync(ct);
        }
        catch (InvalidDataException e)
        {
            throw FleepErrors.BadRequest($"The multipart body is malformed: {e.Message}");
        }
    }

    /// <summary>The file name of a Content-Disposition (filename* first), reduced to its last path segment; null without one.</summary>
    public static string? NameOf(ContentDispositionHeaderValue disposition)
    {
        var raw = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
        return raw is null ? null : CleanName(raw);
    }

    /// <summary>
    /// A file name fit to show and to put in a URL: the last segment of a path (browsers send
    /// <c>C:\fakepath\x.jpg</c>), without control characters, at most <see cref="MaxNameLength"/>
    /// characters; "file" when nothing is left.
    /// </summary>
    public static string CleanName(string raw)
    {
        var name = raw[(raw.LastIndexOfAny(['/', '\\']) + 1)..];
        name = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (name.Length > MaxNameLength)
        {
            name = name[..MaxNameLength];
        }

        return name is "" or "." or ".." ? "file" : name;
    }
}
