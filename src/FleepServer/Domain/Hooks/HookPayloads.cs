using System.Text;
using System.Text.Json;
using FleepServer.Data;
using FleepServer.Errors;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// Turns the body of a <c>/hook/&lt;token&gt;</c> post into the messages to post (peripheral spec
/// §8.3, §8.5). Parse order for plain hooks: a JSON object, else the form fields, else the whole
/// body as the message text. <c>user</c> and <c>sender_name</c> both name the sender; blank means none.
/// </summary>
public static class HookPayloads
{
    public static async Task<IReadOnlyList<HookMessage>> ReadAsync(HttpRequest request, string hookType, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(ct);
        var json = TryParseObject(text);
        if (hookType == HookTypes.Import)
        {
            var batch = json?.Deserialize<ImportBatch>(Http.FleepJson.Options)
                ?? throw FleepErrors.BadRequest("An import hook takes a JSON object {\"messages\": [...]}.");
            return Imported(batch.Messages ?? []);
        }

        if (json is { } obj)
        {
            return [Plain(Field(obj, "message"), Field(obj, "user") ?? Field(obj, "sender_name"))];
        }

        var form = System.Web.HttpUtility.ParseQueryString(text);
        if (form["message"] is { } message)
        {
            return [Plain(message, form["user"] ?? form["sender_name"])];
        }

        return [Plain(text, null)];
    }

    /// <summary>Import entries (§8.5) as messages, in order.</summary>
    public static IReadOnlyList<HookMessage> Imported(IReadOnlyList<ImportedMessage> entries) =>
        entries.Select(e => new HookMessage(e.Message ?? "")
        {
            SenderName = Sender(e.SenderName),
            PostedTime = e.PostedTime is { } t ? DateTimeOffset.FromUnixTimeSeconds(t) : null,
            MessageKey = string.IsNullOrEmpty(e.MessageKey) ? null : e.MessageKey,
        }).ToList();

    private static HookMessage Plain(string? text, string? sender) =>
        string.IsNullOrWhiteSpace(text) ? throw FleepErrors.EmptyMessage() : new HookMessage(text) { SenderName = Sender(sender) };

    private static string? Sender(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim();

    private static JsonElement? TryParseObject(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Field(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record ImportBatch(List<ImportedMessage>? Messages);
}
