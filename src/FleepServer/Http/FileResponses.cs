using FleepServer.Domain.Files;
using FleepServer.Errors;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FleepServer.Http;

/// <summary>
/// Writes a file download with the headers Fleep sends (docs/files.md, "Download"): the stored
/// type; inline for images and an <c>attachment</c> for everything else; a CSP that forbids
/// everything and <c>nosniff</c>, so no upload is ever run as a page; private caching; byte ranges.
/// </summary>
public static class FileResponses
{
    public static async Task WriteAsync(HttpContext context, FoundFile file, CancellationToken ct)
    {
        await using var content = file.Open() ?? throw FleepErrors.FileNotFound();
        var response = context.Response;
        var headers = response.Headers;
        response.ContentType = file.FileType;
        if (!FileTypes.IsImage(file.FileType))
        {
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(file.FileName);
            headers.ContentDisposition = disposition.ToString();
        }

        headers.ContentSecurityPolicy = "default-src 'none'";
        headers.XContentTypeOptions = "nosniff";
        var maxAge = context.RequestServices.GetRequiredService<IOptions<FleepOptions>>().Value.Files.CacheMaxAge;
        headers.CacheControl = $"private, max-age={(long)maxAge.TotalSeconds}";
        headers.AcceptRanges = "bytes";
        headers.ETag = $"\"{file.ETag}\"";
        response.ContentLength = content.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await content.CopyToAsync(response.Body, ct);
        }
    }
}
