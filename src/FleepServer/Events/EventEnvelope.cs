using System.Text.Json;
using FleepServer.Errors;

namespace FleepServer.Events;

/// <summary>
/// One entry of the batch's <c>stream</c>: <c>{client_req_id, mk_event_type, params}</c>. A malformed
/// entry is kept with its <see cref="Problem"/>, so it fails as one event and the batch goes on.
/// Every known client sends a client_req_id; an entry without one gets a server-made id so its
/// request record can still be told apart.
/// </summary>
public sealed record EventEnvelope(Guid ClientReqId, string? MkEventType, JsonElement? Params, FleepException? Problem)
{
    public static EventEnvelope Read(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            return new EventEnvelope(Guid.NewGuid(), null, null, FleepErrors.InvalidField("stream", "each event must be an object"));
        }

        var clientReqId = Guid.NewGuid();
        FleepException? problem = null;
        if (entry.TryGetProperty("client_req_id", out var id) && id.ValueKind != JsonValueKind.Null)
        {
            if (id.ValueKind == JsonValueKind.String && Guid.TryParse(id.GetString(), out var parsed) && parsed != Guid.Empty)
            {
                clientReqId = parsed;
            }
            else
            {
                problem = FleepErrors.InvalidField("client_req_id", "expected a UUID");
            }
        }

        string? type = null;
        if (!entry.TryGetProperty("mk_event_type", out var typeValue) || typeValue.ValueKind == JsonValueKind.Null)
        {
            problem ??= FleepErrors.MissingField("mk_event_type");
        }
        else if (typeValue.ValueKind != JsonValueKind.String)
        {
            problem ??= FleepErrors.InvalidField("mk_event_type", "expected a string");
        }
        else
        {
            type = typeValue.GetString();
        }

        JsonElement? parameters = entry.TryGetProperty("params", out var p) ? p : null;
        return new EventEnvelope(clientReqId, type, parameters, problem);
    }
}

/// <summary>The per-event refusals of api/event/store that are about the event type itself.</summary>
public static class EventErrors
{
    public static FleepException UnknownEvent(string urn) =>
        new(StatusCodes.Status400BadRequest, "unknown_event", $"Unknown event type '{Shorten(urn)}'.");

    /// <summary>A catalogue event of a feature this server has not built yet (teams, labels, files, …).</summary>
    public static FleepException NotSupportedYet(string urn, string feature) =>
        new(FleepErrors.Status431, "not_supported", $"Event '{urn}' needs {feature}, which this server does not support yet.");

    /// <summary>A catalogue event outside the namespaces this server serves (sections, tasks, organisations, …).</summary>
    public static FleepException NotServed(string urn, string ns) =>
        new(FleepErrors.Status431, "not_supported", $"Event '{urn}' is not supported by this server: '{ns}' events are not served.");

    private static string Shorten(string urn) => urn.Length <= 200 ? urn : urn[..200] + "…";
}
