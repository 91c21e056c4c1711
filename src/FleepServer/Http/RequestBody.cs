using System.Text.Json;
using FleepServer.Errors;

namespace FleepServer.Http;

/// <summary>
/// The parsed JSON object of an API call. Read once by <see cref="RequestBodyMiddleware"/> so that
/// authentication (the <c>ticket</c>), rate limiting (the login <c>email</c>), request logging and
/// the handler's typed request all see the same document.
/// </summary>
public sealed class RequestBody(JsonElement root)
{
    public static readonly RequestBody Empty = new(JsonDocument.Parse("{}").RootElement);

    public JsonElement Root { get; } = root;

    /// <summary>A top-level string value, or null when absent, null or not a string.</summary>
    public string? GetString(string name) =>
        Root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static RequestBody? Of(HttpContext context) => context.Features.Get<RequestBody>();

    /// <summary>Parses a body, refusing anything that is not one UTF-8 JSON object without NUL characters.</summary>
    public static RequestBody Parse(ReadOnlyMemory<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return Empty;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            throw FleepErrors.MalformedJson();
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw FleepErrors.MalformedJson();
        }

        try
        {
            // Visiting every string also transcodes it once: the parser checks structure, not
            // whether the bytes inside strings are valid UTF-8.
            RejectNulCharacters(document.RootElement, "");
        }
        catch (InvalidOperationException)
        {
            throw FleepErrors.MalformedJson();
        }

        return new RequestBody(document.RootElement);
    }

    // PostgreSQL text cannot hold U+0000, and no Fleep field has a use for it: refuse it up front
    // for every call rather than fail inside a write.
    private static void RejectNulCharacters(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name.Contains('\0'))
                    {
                        throw FleepErrors.BadRequest("Parameter names must not contain NUL characters.");
                    }

                    RejectNulCharacters(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}");
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    RejectNulCharacters(item, path);
                }

                break;
            case JsonValueKind.String when element.GetString()!.Contains('\0'):
                throw FleepErrors.InvalidField(path, "NUL characters are not allowed");
        }
    }
}
