using System.Text.Json;
using System.Text.Json.Serialization;

namespace FleepServer.Http;

/// <summary>Reads JSON booleans and the strings "true"/"false"; writes plain booleans.</summary>
public sealed class LenientBooleanConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.String when reader.ValueTextEquals("true"u8) => true,
            JsonTokenType.String when reader.ValueTextEquals("false"u8) => false,
            _ => throw new JsonException("expected a boolean"),
        };

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) =>
        writer.WriteBooleanValue(value);
}
