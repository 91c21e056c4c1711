using System.Text.Json;
using FleepServer.Http;

namespace FleepServer.Logging;

/// <summary>
/// What the request log may say about a call's body: the parameter names with short scalar values.
/// Secrets (<c>ticket</c>, passwords, tokens, private contact names and phones) are replaced by <c>***</c>; long texts such as message
/// bodies are logged by length only. Cookies are never logged.
/// </summary>
public static class RequestLogRedaction
{
    public const string Redacted = "***";
    private const int MaxLoggedLength = 64;

    private static readonly HashSet<string> Secrets = new(StringComparer.OrdinalIgnoreCase)
    {
        "ticket", "password", "old_password", "token_id", "token", "registration_code", "notification_id",
        // Private contact details: a contact's name and phone as only the list owner may see them.
        "contact_name", "phone_nr", "addr_descr",
    };

    public static Dictionary<string, string>? Parameters(HttpContext context)
    {
        if (RequestBody.Of(context) is not { } body)
        {
            return null;
        }

        var parameters = new Dictionary<string, string>();
        foreach (var property in body.Root.EnumerateObject())
        {
            parameters[property.Name] = Secrets.Contains(property.Name) ? Redacted : Describe(property.Value);
        }

        return parameters;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when value.GetString() is { Length: <= MaxLoggedLength } text => text,
        JsonValueKind.String => $"<{value.GetString()!.Length} chars>",
        JsonValueKind.Array => $"<list of {value.GetArrayLength()}>",
        JsonValueKind.Object => "<object>",
        _ => value.GetRawText(),
    };
}
