using System.Globalization;
using System.Text.Json;
using FleepServer.Errors;

namespace FleepServer.Events;

/// <summary>
/// Checks an event's <c>params</c> object against its catalogue entry and converts it to
/// <see cref="EventParams"/>. One set of rules for all 162 event types:
/// a missing required parameter → 400 missing_param; a wrong JSON type, an over-long TEXT, a value
/// outside <c>options</c>, an invalid UUID → 400 invalid_param naming the parameter. Parameters the
/// catalogue does not declare are ignored, as Fleep ignores unknown fields of classic calls;
/// parameters marked <c>ignore</c> (page sizes) are checked for type and otherwise left at their default.
/// </summary>
public static class EventParamParser
{
    public static EventParams Parse(EventType type, JsonElement? parameters)
    {
        if (parameters is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
        {
            throw FleepErrors.InvalidField("params", "expected an object");
        }

        return ParseFields(type.Params, parameters is { ValueKind: JsonValueKind.Object } p ? p : null, prefix: "");
    }

    private static EventParams ParseFields(IReadOnlyList<EventParam> declared, JsonElement? given, string prefix)
    {
        var values = new Dictionary<string, object?>(declared.Count);
        foreach (var param in declared)
        {
            var name = prefix + param.Name;
            JsonElement? value = given is { } obj && obj.TryGetProperty(param.Name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
            if (value is null)
            {
                if (param.IsRequired)
                {
                    throw FleepErrors.MissingField(name);
                }

                values[param.Name] = param.Default is null ? null : Convert(param, name, param.Default);
                continue;
            }

            var converted = Convert(param, name, value.Value);
            values[param.Name] = param.IsIgnored && param.Default is not null ? Convert(param, name, param.Default) : converted;
        }

        return new EventParams(values);
    }

    private static object Convert(EventParam param, string name, JsonElement value) => param.Type switch
    {
        ParamType.Text => Text(param, name, value),
        ParamType.BigInt => BigInt(name, value),
        ParamType.Boolean => Boolean(name, value),
        ParamType.Float => Float(name, value),
        ParamType.Uuid => Uuid(name, value),
        ParamType.Timestamptz => Timestamp(name, value),
        ParamType.UuidList => List(name, value).Select((item, i) => Uuid($"{name}[{i}]", item)).ToList(),
        ParamType.TextList => List(name, value).Select((item, i) => Text(param, $"{name}[{i}]", item)).ToList(),
        ParamType.Object or ParamType.Cursor => ParseFields(param.Fields, Object(name, value), name + "."),
        ParamType.ObjectList => List(name, value).Select((item, i) => ParseFields(param.Fields, Object($"{name}[{i}]", item), $"{name}[{i}].")).ToList(),
        _ => throw new InvalidOperationException($"Unhandled parameter type {param.Type}."),
    };

    /// <summary>A catalogue default, given as text ("False", "100", "cct_default", "").</summary>
    private static object Convert(EventParam param, string name, string text) => param.Type switch
    {
        ParamType.Text => text,
        ParamType.BigInt => long.Parse(text, CultureInfo.InvariantCulture),
        ParamType.Boolean => bool.Parse(text),
        ParamType.Float => double.Parse(text, CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"The catalogue default '{text}' of '{name}' has no conversion for {param.Type}."),
    };

    private static string Text(EventParam param, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw FleepErrors.InvalidField(name, "expected a string");
        }

        var text = value.GetString()!;
        if (text.Length > param.MaxLength)
        {
            throw FleepErrors.InvalidField(name, $"longer than {param.MaxLength} characters");
        }

        if (param.Options is { } options && !options.Contains(text, StringComparer.Ordinal))
        {
            throw FleepErrors.InvalidField(name, $"expected one of {string.Join(", ", options)}");
        }

        return text;
    }

    private static long BigInt(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var n) => n,
        // Fleep clients written in JavaScript sometimes send numbers as strings; so do classic calls here.
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
        _ => throw FleepErrors.InvalidField(name, "expected an integer"),
    };

    private static bool Boolean(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when value.ValueEquals("true") => true,
        JsonValueKind.String when value.ValueEquals("false") => false,
        _ => throw FleepErrors.InvalidField(name, "expected a boolean"),
    };

    private static double Float(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetDouble(out var d) && double.IsFinite(d) => d,
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => d,
        _ => throw FleepErrors.InvalidField(name, "expected a number"),
    };

    private static Guid Uuid(string name, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var id) && id != Guid.Empty)
        {
            return id;
        }

        throw FleepErrors.InvalidField(name, "expected a UUID");
    }

    /// <summary>Fleep times are Unix seconds on the wire; an ISO 8601 string is accepted too.</summary>
    private static DateTimeOffset Timestamp(string name, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds) && double.IsFinite(seconds)
            && Math.Abs(seconds) < 253_402_300_799)
        {
            return DateTimeOffset.UnixEpoch.AddSeconds(seconds);
        }

        if (value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        throw FleepErrors.InvalidField(name, "expected a time");
    }

    private static JsonElement.ArrayEnumerator List(string name, JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : throw FleepErrors.InvalidField(name, "expected a list");

    private static JsonElement Object(string name, JsonElement value) =>
        value.ValueKind == JsonValueKind.Object ? value : throw FleepErrors.InvalidField(name, "expected an object");
}
