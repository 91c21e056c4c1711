namespace FleepServer.Errors;

/// <summary>Gives the bodiless statuses that routing produces (404, 405) Fleep's JSON error body.</summary>
public static class StatusCodeErrors
{
    public static Task WriteAsync(HttpContext context)
    {
        var error = context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => FleepErrors.UnknownMethod(),
            StatusCodes.Status405MethodNotAllowed => FleepErrors.MethodNotAllowed(),
            var status => new FleepException(status, "http_error", "The request was refused."),
        };
        return FleepExceptionHandler.WriteAsync(context, error);
    }
}
