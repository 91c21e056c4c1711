using System.Text.Json;
using System.Text.Json.Serialization;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// An address list: Fleep sends one comma-separated string ("like an e-mail To: line"); a JSON
/// array of strings is accepted too. Blank entries are dropped.
/// </summary>
[JsonConverter(typeof(AddressListConverter))]
public sealed class AddressList : List<string>
{
    public AddressList(IEnumerable<string> items) : base(items) { }
}

/// <summary>Reads an <see cref="AddressList"/> from a string or an array of strings; writes it as one comma-separated string.</summary>
public sealed class AddressListConverter : JsonConverter<AddressList>
{
    public override AddressList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return Split(reader.GetString()!);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("expected a comma-separated string or an array of strings");
        }

        var items = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException("expected strings");
            }

            items.AddRange(Split(reader.GetString()!));
        }

        return new AddressList(items);
    }

    public override void Write(Utf8JsonWriter writer, AddressList value, JsonSerializerOptions options) =>
        writer.WriteStringValue(string.Join(", ", value));

    private static AddressList Split(string text) =>
        new(text.Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
