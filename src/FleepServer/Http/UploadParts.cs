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
            while (await NextSectionAsync(reader, request.HttpContext, ct) is { } section)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && NameOf(disposition) is { } name)
                {
                    yield return new UploadPart(name, new GuardedBody(section.Body, request.HttpContext, multipart: true));
                }
                else
                {
                    // A plain form field (ticket, upload_id): read past it.
                    await new GuardedBody(section.Body, request.HttpContext, multipart: true).CopyToAsync(Stream.Null, ct);
                }
            }

            yield break;
        }

        var raw = ContentDispositionHeaderValue.TryParse(request.Headers.ContentDisposition.ToString(), out var header) ? NameOf(header) : null;
        yield return new UploadPart(raw ?? "file", new GuardedBody(request.Body, request.HttpContext, multipart: false));
    }

    private static async Task<MultipartSection?> NextSectionAsync(MultipartReader reader, HttpContext context, CancellationToken ct)
    {
        try
        {
            return await reader.ReadNextSectionAsync(ct);
        }
        catch (Exception e) when (GuardedBody.Translate(e, context, multipart: true) is { } translated)
        {
            throw translated;
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
            // Never half of a surrogate pair: the name must stay valid text.
            name = name[..(char.IsHighSurrogate(name[MaxNameLength - 1]) ? MaxNameLength - 1 : MaxNameLength)];
        }

        return name is "" or "." or ".." ? "file" : name;
    }
}

/// <summary>
/// The body of one upload part, read by the content store: what goes wrong while reading becomes
/// the answer it deserves. A client that went away is a cancellation (nobody is left to answer);
/// a multipart body that ends before its closing boundary, or is otherwise not multipart, is 400.
/// Kestrel's own refusals (<see cref="BadHttpRequestException"/>: a body over the size limit, a
/// body shorter than its Content-Length) keep their status.
/// </summary>
internal sealed class GuardedBody(Stream inner, HttpContext context, bool multipart) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (Translate(e, context, multipart) is { } translated)
        {
            throw translated;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>The exception to throw instead of <paramref name="e"/>; null to let it pass as it is.</summary>
    public static Exception? Translate(Exception e, HttpContext context, bool multipart) => e switch
    {
        FleepException or OperationCanceledException => null,
        // Kestrel's "unexpected end of request content" too: the client stopped sending and is gone.
        IOException when context.RequestAborted.IsCancellationRequested => new OperationCanceledException(e.Message, e, context.RequestAborted),
        Microsoft.AspNetCore.Connections.ConnectionResetException => new OperationCanceledException(e.Message, e, context.RequestAborted),
        BadHttpRequestException => null,
        IOException or InvalidDataException when multipart => FleepErrors.BadRequest($"The multipart body is malformed: {e.Message}"),
        _ => null,
    };
}
