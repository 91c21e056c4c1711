using FleepServer.Api.Wire;
using FleepServer.Auth;
using FleepServer.Domain.Files;
using FleepServer.Http;
using FleepServer.Records;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FleepServer.Api;

/// <summary>
/// The caller's avatar (docs/files.md, "Avatars"): api/avatar/upload and api/avatar/delete, and the
/// avatar image URLs that contact records carry in <c>avatar_urls</c>. Those are public: an avatar
/// is shown wherever its account appears (mail, notifications, pages of other origins) and the URL
/// changes with the image, so it needs no session; only the current avatar's URLs answer.
/// </summary>
public static class AvatarApi
{
    public static IEndpointRouteBuilder MapAvatarApi(this IEndpointRouteBuilder app)
    {
        var avatar = app.MapGroup("/api/avatar");
        avatar.MapPost("/upload", Upload).WithMetadata(new TicketInQueryAttribute());
        avatar.MapPut("/upload", Upload).WithMetadata(new TicketInQueryAttribute());
        avatar.MapPost("/delete", Delete);

        app.MapGet("/avatar/{account}/{key}/{file}", Image).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// PUT api/avatar/upload?ticket=… with the raw image as body (named by <c>Content-Disposition</c>),
    /// or POST multipart/form-data with the image in field <c>files</c>; <c>POST …?_method=PUT</c> is a
    /// PUT → {files: [{file_id, upload_url, name, size, file_type, file_sha256, width, height,
    /// is_animated}], stream: [the caller's contact with its new avatar_urls]}. The image becomes the
    /// caller's avatar in sizes 50, 100, 200 and, when its larger side reaches it, 575; everyone who
    /// has the caller as a contact receives the new contact record. Not an image (JPEG, PNG, GIF,
    /// WebP), or a broken or oversized one → 400 invalid_image; no file or more than one → 400; over
    /// Fleep:Files:MaxUploadBytes → 413 file_too_large; nothing is kept of a refused upload.
    /// </summary>
    internal static async Task<AvatarUploadResponse> Upload(HttpContext context, CurrentSession me, AvatarActions avatars,
        IOptions<FleepOptions> options, CancellationToken ct)
    {
        AllowLargeBody(context, options.Value.Files.MaxUploadBytes);
        var change = await avatars.UploadAsync(me.AccountId, UploadParts.ReadAsync(context.Request, ct), ct);
        return new AvatarUploadResponse([UploadedFileRecord.Of(change.File!)], [ContactRecords.ForOwner(change.Account)]);
    }

    /// <summary>
    /// POST api/avatar/delete {} → {stream: [the caller's contact with avatar_urls "{}"]}; everyone who
    /// has the caller as a contact receives it too. Without an avatar it changes nothing.
    /// </summary>
    internal static async Task<StreamResponse<ContactRecord>> Delete(CurrentSession me, AvatarActions avatars, CancellationToken ct) =>
        new([ContactRecords.ForOwner(await avatars.DeleteAsync(me.AccountId, ct))]);

    /// <summary>
    /// GET /avatar/&lt;b64 account id&gt;/&lt;first 16 hex digits of the image's SHA-256&gt;/size_NN.png
    /// (no session needed) → the account's current avatar in size NN as image/png, with
    /// <c>X-Content-Type-Options: nosniff</c> and <c>Content-Security-Policy: default-src 'none'</c>.
    /// An unknown account, a removed or replaced avatar, or a size not made → 404 not_found.
    /// </summary>
    internal static async Task Image(string account, string key, string file, AvatarActions avatars, HttpContext context, CancellationToken ct)
    {
        var found = await avatars.FindAsync(account, key, file, ct);
        await FileResponses.WriteAsync(context, found, ct);
    }

    /// <summary>An avatar may be as large as any upload; the store counts its bytes against the limit itself.</summary>
    private static void AllowLargeBody(HttpContext context, long maxUploadBytes)
    {
        const long multipartAllowance = 1 << 20;
        if (context.Request.ContentLength > maxUploadBytes + multipartAllowance)
        {
            throw Errors.FleepErrors.FileTooLarge(maxUploadBytes);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = maxUploadBytes + multipartAllowance;
        }
    }
}
