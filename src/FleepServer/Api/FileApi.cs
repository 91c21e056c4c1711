using FleepServer.Api.Wire;
using FleepServer.Auth;
using FleepServer.Domain.Files;
using FleepServer.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FleepServer.Api;

/// <summary>
/// Files (docs/files.md): uploads under api/file/*, and the download URLs <c>/file/…</c> and
/// <c>/thumb/…</c> that file records carry. Uploads carry their ticket in the query string and the
/// session cookie; downloads only the cookie, as browsers and the mobile libraries fetch them.
/// </summary>
public static class FileApi
{
    public static IEndpointRouteBuilder MapFileApi(this IEndpointRouteBuilder app)
    {
        var file = app.MapGroup("/api/file");
        // api/file/upload, api/file/upload/ and the legacy api/file/upload/<CONV_ID> (the id is not used:
        // files join a conversation when a message attaches them).
        foreach (var pattern in (string[])["/upload", "/upload/{conversationId}"])
        {
            file.MapPost(pattern, Upload).WithMetadata(new TicketInQueryAttribute());
            file.MapPut(pattern, Upload).WithMetadata(new TicketInQueryAttribute());
        }

        // GET and HEAD (the headers alone, for a client that wants the size or type first).
        string[] read = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/file/{conversation}/{messageNr}/{attachmentId}/{**name}", read, Download).WithMetadata(new SessionCookieOnlyAttribute());
        app.MapMethods("/thumb/{conversation}/{messageNr}/{attachmentId}/{thumb}", read, Thumbnail).WithMetadata(new SessionCookieOnlyAttribute());
        return app;
    }

    /// <summary>
    /// POST (multipart/form-data, files in field <c>files</c> or any part with a file name) or PUT
    /// (the raw file, named by <c>Content-Disposition</c>; or a multipart body) api/file/upload?ticket=…;
    /// <c>POST …?_method=PUT</c> is a PUT → {files: [{file_id, upload_url, name, size, file_type,
    /// file_sha256, width?, height?, is_animated?}]}. The type comes from the content; the same bytes
    /// get the same file_id and a new upload_url. Over Fleep:Files:MaxUploadBytes → 413
    /// file_too_large; a broken or oversized image → 400 invalid_image; no file → 400; nothing is kept
    /// of a refused or interrupted upload.
    /// </summary>
    internal static async Task<UploadResponse> Upload(HttpContext context, CurrentSession me, FileUploads uploads, IOptions<FleepOptions> options,
        CancellationToken ct)
    {
        var maxBytes = options.Value.Files.MaxUploadBytes;
        AllowLargeBody(context, maxBytes);
        try
        {
            var files = await uploads.UploadAsync(me.AccountId, UploadParts.ReadAsync(context.Request, ct), ct);
            return new UploadResponse(files.Select(UploadedFileRecord.Of).ToList());
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A body without Content-Length that ran past the request's cap: the files are too large.
            throw Errors.FleepErrors.FileTooLarge(maxBytes);
        }
        catch (Exception e) when (e is not OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away midway (its request body ended early): nobody is left to answer.
            throw new OperationCanceledException(e.Message, e, context.RequestAborted);
        }
    }

    /// <summary>
    /// GET (or HEAD) /file/&lt;b64 conversation&gt;/&lt;message_nr&gt;/&lt;attachment_id&gt;/&lt;name&gt;
    /// with the session cookie → the file's bytes. Only an account that sees the message gets them;
    /// anyone else, and a removed attachment, gets 404 not_found; no valid session cookie is 401.
    /// Images are shown inline, every other type is an <c>attachment</c> download;
    /// <c>Content-Security-Policy: default-src 'none'</c> and <c>X-Content-Type-Options: nosniff</c>
    /// keep a file from ever acting as a page. A Range header gets 206 (one range), 206
    /// multipart/byteranges (several) or 416 with <c>Content-Range: bytes */total</c>.
    /// </summary>
    internal static async Task Download(string conversation, string messageNr, string attachmentId, CurrentSession me,
        FileDownloads downloads, HttpContext context, CancellationToken ct)
    {
        var found = await downloads.FindAsync(me.AccountId, conversation, messageNr, attachmentId, ct);
        await FileResponses.WriteAsync(context, found, ct);
    }

    /// <summary>
    /// GET /thumb/&lt;b64 conversation&gt;/&lt;message_nr&gt;/&lt;attachment_id&gt;/thumbNN (NN = 50,
    /// 100, 575, 700) with the session cookie → the image's thumbnail as PNG, for accounts that see
    /// the message; 404 when it has no thumbnail of that size.
    /// </summary>
    internal static async Task Thumbnail(string conversation, string messageNr, string attachmentId, string thumb, CurrentSession me,
        FileDownloads downloads, HttpContext context, CancellationToken ct)
    {
        var found = await downloads.FindThumbnailAsync(me.AccountId, conversation, messageNr, attachmentId, thumb, ct);
        await FileResponses.WriteAsync(context, found, ct);
    }

    /// <summary>Uploads may be far larger than a JSON call; the store counts each file's bytes against the limit itself.</summary>
    private static void AllowLargeBody(HttpContext context, long maxUploadBytes)
    {
        if (context.Request.ContentLength > maxUploadBytes + MultipartAllowance)
        {
            throw Errors.FleepErrors.FileTooLarge(maxUploadBytes);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = maxUploadBytes + MultipartAllowance;
        }
    }

    /// <summary>Room for the multipart boundaries and part headers around a file of the largest size.</summary>
    private const long MultipartAllowance = 1 << 20;
}
