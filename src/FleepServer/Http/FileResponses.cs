using System.Buffers;
using System.Text;
using FleepServer.Domain.Files;
using FleepServer.Errors;
using Microsoft.Extensions.Options;

namespace FleepServer.Http;

/// <summary>
/// Writes a file download with the headers Fleep sends (docs/files.md, "Download"): the stored
/// type; inline for images and an <c>attachment</c> for everything else; a CSP that forbids
/// everything and <c>nosniff</c>, so no upload is ever run as a page; private caching; byte ranges
/// (<see cref="ByteRanges"/>): 206 for one range, <c>multipart/byteranges</c> for several, 416 with
/// a small HTML page for a header that cannot be served. The bytes stream from the store; a
/// download never holds a file in memory.
/// </summary>
public static class FileResponses
{
    private const int CopyBufferSize = 1 << 16;

    private static readonly byte[] UnsatisfiableBody = Encoding.UTF8.GetBytes(
        "<!DOCTYPE html>\n<html><head><title>416 Range Not Satisfiable</title></head>\n"
        + "<body><h1>416 Range Not Satisfiable</h1><p>The requested range is not satisfiable.</p></body></html>\n");

    public static async Task WriteAsync(HttpContext context, FoundFile file, CancellationToken ct)
    {
        await using var content = file.Open() ?? throw FleepErrors.FileNotFound();
        var request = context.Request;
        var response = context.Response;
        var headers = response.Headers;
        var total = content.Length;
        var etag = $"\"{file.ETag}\"";
        var isHead = HttpMethods.IsHead(request.Method);

        // Ranges apply to GET only (RFC 9110 §14.2); a HEAD describes the whole file.
        var selection = !isHead && ByteRanges.IfRangeAllows(request.Headers.IfRange.ToString(), etag)
            ? ByteRanges.Select(request.Headers.Range.ToString(), total)
            : RangeSelection.Whole;

        headers.AcceptRanges = "bytes";
        headers.XContentTypeOptions = "nosniff";
        if (selection.Outcome == RangeOutcome.Unsatisfiable)
        {
            // Fleep's 416 is a plain error page: no CSP, no Content-Disposition, no caching headers.
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            headers.ContentRange = ByteRanges.UnsatisfiedContentRange(total);
            response.ContentType = "text/html; charset=utf-8";
            response.ContentLength = UnsatisfiableBody.Length;
            await response.Body.WriteAsync(UnsatisfiableBody, ct);
            return;
        }

        if (!FileTypes.IsImage(file.FileType))
        {
            headers.ContentDisposition = AttachmentDisposition(file.FileName);
        }

        headers.ContentSecurityPolicy = "default-src 'none'";
        var maxAge = context.RequestServices.GetRequiredService<IOptions<FleepOptions>>().Value.Files.CacheMaxAge;
        headers.CacheControl = $"private, max-age={(long)maxAge.TotalSeconds}";
        headers.ETag = etag;

        if (selection.Outcome == RangeOutcome.Whole)
        {
            response.ContentType = file.FileType;
            response.ContentLength = total;
            if (!isHead)
            {
                await CopyAsync(content, new ByteRange(0, total - 1), response.Body, ct);
            }

            return;
        }

        response.StatusCode = StatusCodes.Status206PartialContent;
        if (selection.Ranges is [var single])
        {
            response.ContentType = file.FileType;
            headers.ContentRange = single.ContentRange(total);
            response.ContentLength = single.Length;
            await CopyAsync(content, single, response.Body, ct);
            return;
        }

        var boundary = Guid.NewGuid().ToString("N");
        var parts = selection.Ranges.Select(range => (Range: range, Head: Encoding.ASCII.GetBytes(
            $"\r\n--{boundary}\r\nContent-Type: {file.FileType}\r\nContent-Range: {range.ContentRange(total)}\r\nContent-Length: {range.Length}\r\n\r\n")))
            .ToList();
        var end = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
        response.ContentType = $"multipart/byteranges; boundary={boundary}";
        response.ContentLength = parts.Sum(p => p.Head.Length + p.Range.Length) + end.Length;
        foreach (var (range, head) in parts)
        {
            await response.Body.WriteAsync(head, ct);
            await CopyAsync(content, range, response.Body, ct);
        }

        await response.Body.WriteAsync(end, ct);
    }

    /// <summary>
    /// <c>attachment; filename="…"</c>: the name as it is when it is plain ASCII; otherwise an ASCII
    /// stand-in (other characters, quotes and backslashes as <c>_</c>) in <c>filename</c> and the
    /// exact name, UTF-8 percent-encoded, in <c>filename*</c> (RFC 6266), which browsers prefer.
    /// </summary>
    public static string AttachmentDisposition(string name)
    {
        var plain = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                continue;
            }

            plain.Append(c is > '\u007e' or '"' or '\\' ? '_' : c);
        }

        var ascii = plain.ToString();
        if (ascii == name)
        {
            return $"attachment; filename=\"{name}\"";
        }

        var encoded = new StringBuilder("UTF-8''");
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return $"attachment; filename=\"{ascii}\"; filename*={encoded}";
    }

    /// <summary>Copies one range of the content to the response, a buffer at a time.</summary>
    private static async Task CopyAsync(Stream content, ByteRange range, Stream target, CancellationToken ct)
    {
        if (range.Length <= 0)
        {
            return;
        }

        content.Seek(range.First, SeekOrigin.Begin);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            var left = range.Length;
            while (left > 0)
            {
                var read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct);
                if (read == 0)
                {
                    // The stored content is shorter than it was when the answer began: end the connection, not the file.
                    throw new IOException("The stored content ended before its length.");
                }

                await target.WriteAsync(buffer.AsMemory(0, read), ct);
                left -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
