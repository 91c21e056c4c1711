namespace FleepServer.Errors;

/// <summary>
/// A refusal that reaches the client as Fleep's error body: the HTTP status, a machine
/// <c>error_id</c> and a human <c>error_message</c>. Domain code throws it;
/// <see cref="FleepExceptionHandler"/> is the only place that writes it.
/// </summary>
public sealed class FleepException(int statusCode, string errorId, string errorMessage)
    : Exception(errorMessage)
{
    public int StatusCode { get; } = statusCode;
    public string ErrorId { get; } = errorId;
    public string ErrorMessage { get; } = errorMessage;

    /// <summary>Seconds a client should wait before retrying, sent as <c>Retry-After</c>.</summary>
    public int? RetryAfterSeconds { get; init; }
}
