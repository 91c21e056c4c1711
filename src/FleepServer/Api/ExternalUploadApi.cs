using System.ComponentModel.DataAnnotations;
using FleepServer.Auth;
using FleepServer.Domain.Files;
using FleepServer.Http;

namespace FleepServer.Api;

/// <summary>
/// External uploads (docs/files.md, "External uploads"): the server fetches a file from a URL in
/// the background and tells the caller how it went through its stream.
/// </summary>
public static class ExternalUploadApi
{
    public static IEndpointRouteBuilder MapExternalUploadApi(this IEndpointRouteBuilder api)
    {
        // Literal segments outrank FileApi's legacy api/file/upload/{conversationId}: "external" is never taken for a conversation id.
        api.MapPost("/api/file/upload/external", Queue);
        return api;
    }

    /// <summary>
    /// POST api/file/upload/external {file_url, file_name?, file_size=0, file_origin?, conversation_id?,
    /// upload_id?} → {request_id}. The fetch is queued: the caller's stream gets an <c>upload</c>
    /// record with status <c>pending</c> at once, then one with <c>success</c> (its
    /// <c>upload_url</c> is attached like an api/file/upload one) or <c>failure</c> (its
    /// <c>error</c> says why: the source's HTTP status, a size over the cap, a timeout, an address
    /// that is not allowed). Only absolute http(s) URLs → else 400 invalid_param; a declared
    /// file_size over Fleep:Files:MaxUploadBytes (at most 1 GiB) → 413 file_too_large; a
    /// conversation_id the caller is not in → 430 not_found.
    /// </summary>
    internal static async Task<ExternalUploadResponse> Queue(ExternalUploadRequest request, CurrentSession me, ExternalUploads uploads,
        CancellationToken ct)
    {
        var pending = await uploads.QueueAsync(me.AccountId, new QueueExternalUpload
        {
            FileUrl = request.FileUrl,
            FileName = request.FileName,
            FileSize = request.FileSize,
            FileOrigin = request.FileOrigin,
            ConversationId = request.ConversationId,
            UploadId = request.UploadId,
        }, ct);
        return new ExternalUploadResponse(pending.RequestId);
    }
}

/// <summary><c>api/file/upload/external</c>; limits as the <c>upload_external</c> events'.</summary>
public sealed record ExternalUploadRequest(
    [property: Required, MaxLength(ExternalUploads.MaxUrlLength)] string? FileUrl,
    [property: MaxLength(2048)] string? FileName,
    long? FileSize,
    string? FileOrigin,
    Guid? ConversationId,
    string? UploadId) : IFleepRequest<ExternalUploadRequest>;

/// <summary><c>{"request_id": "…"}</c>: the id the upload's records carry.</summary>
public sealed record ExternalUploadResponse(Guid RequestId);
