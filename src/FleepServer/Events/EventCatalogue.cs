using System.Text;
using System.Text.Json;

namespace FleepServer.Events;

/// <summary>
/// Fleep's event catalogue: every <c>urn:fleep:client:*</c> event type and its parameters, read
/// from <c>event-catalogue.txt</c> (Fleep's published event reference, kept verbatim as an
/// embedded resource). Parameter validation is driven by this table, so a new catalogue is picked
/// up without hand-written checks per event.
///
/// The text is a sequence of entries: the urn on its own line, optional description lines, and
/// <c>Params:</c> followed by a JSON object of parameter declarations
/// (<c>type</c>, <c>max_len</c>, <c>default</c>, <c>options</c>, <c>params</c>, <c>ignore</c>).
/// </summary>
public sealed class EventCatalogue
{
    public const string UrnPrefix = "urn:fleep:client:";

    private const string ResourceName = "FleepServer.Events.event-catalogue.txt";

    private readonly Dictionary<string, EventType> _byUrn;

    private EventCatalogue(IReadOnlyList<EventType> types)
    {
        Types = types;
        _byUrn = types.ToDictionary(t => t.Urn, StringComparer.Ordinal);
    }

    /// <summary>The catalogue shipped with the server.</summary>
    public static EventCatalogue Default { get; } = Load();

    public IReadOnlyList<EventType> Types { get; }

    public EventType? Find(string urn) => _byUrn.GetValueOrDefault(urn);

    public static EventCatalogue Parse(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var types = new List<EventType>();
        string? urn = null;
        var description = new StringBuilder();
        IReadOnlyList<EventParam> parameters = [];

        void Flush()
        {
            if (urn is not null)
            {
                types.Add(new EventType(urn, description.ToString().Trim(), parameters));
            }

            urn = null;
            description.Clear();
            parameters = [];
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith(UrnPrefix, StringComparison.Ordinal))
            {
                Flush();
                urn = line;
            }
            else if (urn is null || line.Length == 0)
            {
                continue;
            }
            else if (line == "Params:")
            {
                var json = new StringBuilder();
                while (++i < lines.Length && !lines[i].StartsWith('{'))
                {
                }

                for (; i < lines.Length; i++)
                {
                    json.Append(lines[i]).Append('\n');
                    if (lines[i].StartsWith('}'))
                    {
                        break;
                    }
                }

                using var document = JsonDocument.Parse(json.ToString());
                parameters = ParseParams(document.RootElement);
            }
            else if (line == "Table Of Contents")
            {
                // The page footer after the last entry.
                Flush();
            }
            else
            {
                description.Append(line).Append(' ');
            }
        }

        Flush();
        return new EventCatalogue(types);
    }

    private static EventCatalogue Load()
    {
        using var stream = typeof(EventCatalogue).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The event catalogue resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd());
    }

    private static List<EventParam> ParseParams(JsonElement declarations) =>
        [.. declarations.EnumerateObject().Select(p => ParseParam(p.Name, p.Value))];

    private static EventParam ParseParam(string name, JsonElement declaration)
    {
        var type = declaration.GetProperty("type").GetString() switch
        {
            "TEXT" => ParamType.Text,
            "BIGINT" => ParamType.BigInt,
            "BOOLEAN" => ParamType.Boolean,
            "FLOAT" => ParamType.Float,
            "UUID" => ParamType.Uuid,
            "TIMESTAMPTZ" => ParamType.Timestamptz,
            "[UUID]" => ParamType.UuidList,
            "[TEXT]" => ParamType.TextList,
            "OBJECT" => ParamType.Object,
            "[OBJECT]" => ParamType.ObjectList,
            "CURSOR" => ParamType.Cursor,
            var other => throw new InvalidOperationException($"Event parameter '{name}' has an unknown type '{other}'."),
        };
        var hasDefault = declaration.TryGetProperty("default", out var defaultValue);
        var text = hasDefault ? defaultValue.GetString() : null;
        return new EventParam(
            name,
            type,
            declaration.TryGetProperty("max_len", out var maxLength) ? maxLength.GetInt32() : EventParam.DefaultMaxLength,
            IsRequired: !hasDefault,
            Default: text == "NULL" ? null : text,
            declaration.TryGetProperty("options", out var options) ? [.. options.EnumerateArray().Select(o => o.GetString()!)] : null,
            declaration.TryGetProperty("ignore", out var ignore) && ignore.GetBoolean(),
            declaration.TryGetProperty("params", out var fields) ? ParseParams(fields) : []);
    }
}
