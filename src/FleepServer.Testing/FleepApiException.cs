using System.Net;

namespace FleepServer.Testing;

/// <summary>A Fleep error answer: the HTTP status and the body's <c>error_id</c> and <c>error_message</c>.</summary>
public sealed class FleepApiException(string path, HttpStatusCode status, string? errorId, string? errorMessage, string body)
    : Exception($"{path} answered {(int)status} {errorId}: {errorMessage ?? body}")
{
    public string Path { get; } = path;
    public HttpStatusCode Status { get; } = status;
    public int StatusCode => (int)Status;

    /// <summary>Fleep's error id, e.g. <c>not_authenticated</c>, <c>invalid_param</c>; null when the body was not a Fleep error.</summary>
    public string? ErrorId { get; } = errorId;

    public string? ErrorMessage { get; } = errorMessage;
    public string Body { get; } = body;
}
