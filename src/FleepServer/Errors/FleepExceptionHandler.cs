using System.Text.Json;
using FleepServer.Http;
using Microsoft.AspNetCore.Diagnostics;

namespace FleepServer.Errors;

/// <summary>
/// The one place that turns an exception into a response. Fleep refusals keep their status and
/// ids; request-shape failures raised by ASP.NET Core itself become Fleep 4xx errors; an
/// unreachable database (<see cref="DatabaseFailures"/>) is a 503 with <c>Retry-After</c>; anything
/// else is a logged 500 whose body carries only a correlation id, never a stack trace.
/// </summary>
public sealed class FleepExceptionHandler(ILogger<FleepExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var error = exception switch
        {
            FleepException fleep => fleep,
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => FleepErrors.BodyTooLarge(
                context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0),
            BadHttpRequestException bad => new FleepException(bad.StatusCode, "bad_request", "The request could not be read."),
            JsonException => FleepErrors.MalformedJson(),
            _ when DatabaseFailures.IsUnreachable(exception) => FleepErrors.ServiceUnavailable(),
            _ => null,
        };

        if (error is { StatusCode: StatusCodes.Status503ServiceUnavailable })
        {
            // Expected while the database is down: one line per call, not a stack each.
            logger.LogWarning("Database unavailable for {Path}: {Reason}", context.Request.Path.Value,
                exception.GetBaseException().Message);
        }

        if (error is null)
        {
            if (context.RequestAborted.IsCancellationRequested && exception is OperationCanceledException)
            {
                // The client went away; there is nobody to answer.
                return true;
            }

            var correlationId = context.TraceIdentifier;
            logger.LogError(exception, "Unhandled error for {Path}, correlation id {CorrelationId}",
                context.Request.Path.Value, correlationId);
            await WriteAsync(context, StatusCodes.Status500InternalServerError,
                new ErrorBody("internal_error", "Internal server error.", StatusCodes.Status500InternalServerError, correlationId),
                cancellationToken);
            return true;
        }

        if (error.RetryAfterSeconds is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await WriteAsync(context, error.StatusCode, ToBody(error), cancellationToken);
        return true;
    }

    public static ErrorBody ToBody(FleepException error) => new(error.ErrorId, error.ErrorMessage, error.StatusCode);

    public static async Task WriteAsync(HttpContext context, int status, ErrorBody body, CancellationToken cancellationToken)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        try
        {
            await JsonSerializer.SerializeAsync(context.Response.Body, body, FleepJson.Options, cancellationToken);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away while its refusal was being written (an upload cut off midway).
        }
    }

    public static Task WriteAsync(HttpContext context, FleepException error)
    {
        if (error.RetryAfterSeconds is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return WriteAsync(context, error.StatusCode, ToBody(error), context.RequestAborted);
    }
}
