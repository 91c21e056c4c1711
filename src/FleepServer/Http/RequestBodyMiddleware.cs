using FleepServer.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FleepServer.Http;

/// <summary>
/// Reads the JSON object of every <c>POST /api/...</c> call once, under the configured size cap,
/// and stores it as a <see cref="RequestBody"/> feature. Bad bodies are refused here, before any
/// session lookup or handler runs, so no handler ever sees half-parsed input.
/// </summary>
public sealed class RequestBodyMiddleware(RequestDelegate next, IOptions<FleepOptions> options)
{
    private readonly long maxBodyBytes = options.Value.Limits.MaxBodyBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || !IsJsonCall(request) || IsUpload(request))
        {
            await next(context);
            return;
        }

        if (request.ContentLength > maxBodyBytes)
        {
            throw FleepErrors.BodyTooLarge(maxBodyBytes);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBodyBytes;
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        context.Features.Set(RequestBody.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)));
        await next(context);
    }

    // The API, and the test-control calls of a server in test mode.
    private static bool IsJsonCall(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments(Api.TestControlApi.Prefix);

    // Uploads carry the file itself as the body and the ticket in the query string; an external
    // upload (api/file/upload/external) is a JSON call like any other.
    private static bool IsUpload(HttpRequest request) =>
        request.Path.StartsWithSegments("/api/file/upload") && !request.Path.StartsWithSegments("/api/file/upload/external") ||
        request.Path.StartsWithSegments("/api/avatar/upload") ||
        request.ContentType is { } type &&
        (type.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) ||
         type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase));
}
