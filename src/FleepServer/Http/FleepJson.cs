using System.Text.Json;
using System.Text.Json.Serialization;

namespace FleepServer.Http;

/// <summary>
/// The JSON dialect of the Fleep API: snake_case names, unknown keys ignored, <c>null</c> the same
/// as absent, numbers and booleans also accepted as strings (the RapidAPI connector sends
/// "Select" values as text). Absent-when-null is the default for output; the few
/// fields Fleep sends as an explicit <c>null</c> opt back in with <c>JsonIgnoreCondition.Never</c>.
/// </summary>
public static class FleepJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.PropertyNameCaseInsensitive = false;
        options.NumberHandling = JsonNumberHandling.AllowReadingFromString;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        options.AllowTrailingCommas = false;
        // Responses are application/json, never embedded in HTML: no need to escape quotes and non-ASCII.
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        if (!options.Converters.OfType<LenientBooleanConverter>().Any())
        {
            options.Converters.Add(new LenientBooleanConverter());
        }

        return options;
    }
}
