using System.Text.Json.Serialization;

namespace FleepServer.Errors;

/// <summary>The JSON error body every client parses (docs/compatibility.md, "Error body").</summary>
public sealed record ErrorBody(
    string ErrorId,
    string ErrorMessage,
    int StatusCode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CorrelationId = null);
