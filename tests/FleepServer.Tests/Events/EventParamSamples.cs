using System.Text.Json.Nodes;
using FleepServer.Events;

namespace FleepServer.Tests.Events;

/// <summary>Valid parameter values for any catalogue event, made from its declarations.</summary>
public static class EventParamSamples
{
    public static JsonObject ValidParams(EventType type) => ValidObject(type.Params);

    public static JsonObject ValidObject(IReadOnlyList<EventParam> fields)
    {
        var body = new JsonObject();
        foreach (var field in fields)
        {
            body[field.Name] = ValidValue(field);
        }

        return body;
    }

    public static JsonNode ValidValue(EventParam param) => param.Type switch
    {
        ParamType.Text => param.Options?[0] ?? "text",
        ParamType.BigInt => 1,
        ParamType.Boolean => true,
        ParamType.Float => 1.5,
        ParamType.Uuid => Guid.NewGuid().ToString(),
        ParamType.Timestamptz => 1_700_000_000,
        ParamType.UuidList => new JsonArray(Guid.NewGuid().ToString()),
        ParamType.TextList => new JsonArray("text"),
        ParamType.Object or ParamType.Cursor => ValidObject(param.Fields),
        ParamType.ObjectList => new JsonArray(ValidObject(param.Fields)),
        _ => throw new InvalidOperationException(param.Type.ToString()),
    };
}
