using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace FleepServer.Api.Wire;

/// <summary>
/// Writes <c>{"event_horizon": h, "stream": [...]}</c> with each record's stored JSON copied
/// through as it is: stream records are rendered once, when appended, never parsed again.
/// </summary>
public sealed class PollResult(long eventHorizon, IReadOnlyList<string> records) : IResult, IEndpointMetadataProvider
{
    /// <summary>Declares the answer's shape (<see cref="PollAnswer"/>) for the API description.</summary>
    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(PollAnswer), ["application/json"]));

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

/// <summary>What <see cref="PollResult"/> writes: the new horizon and the records after the one asked from.</summary>
public sealed record PollAnswer(long EventHorizon, IReadOnlyList<object> Stream);
