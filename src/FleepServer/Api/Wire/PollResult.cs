using System.Text.Json;

namespace FleepServer.Api.Wire;

/// <summary>
/// Writes <c>{"event_horizon": h, "stream": [...]}</c> with each record's stored JSON copied
/// through as it is: stream records are rendered once, when appended, never parsed again.
/// </summary>
public sealed class PollResult(long eventHorizon, IReadOnlyList<string> records) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteNumber("event_horizon", eventHorizon);
        writer.WriteStartArray("stream");
        foreach (var record in records)
        {
            writer.WriteRawValue(record, skipInputValidation: true);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
