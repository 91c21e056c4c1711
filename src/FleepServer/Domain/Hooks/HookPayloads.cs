using System.Text;
using System.Text.Json;
using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// The body of one <c>/hook/&lt;token&gt;</c> post as it arrived: the bytes, the Content-Type and,
/// for GitHub hooks, the <c>X-GitHub-Event</c> header.
/// </summary>
public sealed record HookPayload(ReadOnlyMemory<byte> Body, string? ContentType)
{
    public string? GitHubEvent { get; init; }

    /// <summary>
    /// The text fields of a multipart post already read from the request (<see cref="HookMultipart"/>),
    /// which streams its files into the store; null when <see cref="Body"/> holds the whole post.
    /// </summary>
    public IReadOnlyDictionary<string, string>? MultipartFields { get; init; }

    /// <summary>How many files the multipart post carried: a post with files may have no text.</summary>
    public int FileCount { get; init; }

    public static HookPayload Of(string body, string? contentType) => new(Encoding.UTF8.GetBytes(body), contentType);
}

/// <summary>
/// Turns the body of a <c>/hook/&lt;token&gt;</c> post into the messages to post (docs/hooks.md,
/// "Incoming posts"), or refuses it with a Fleep 400. Pure: no I/O, no clock, no database.
/// Plain hooks try, in order: a JSON object; a JSON-like object in single quotes (netdata); the
/// form or multipart fields by Content-Type; the whole body as the message text. <c>user</c> and
/// <c>sender_name</c> both name the sender; blank means none (docs/hooks.md "Incoming posts").
/// </summary>
public static class HookPayloads
{
    /// <summary>JSON deeper than this is refused: no sender nests anywhere near it.</summary>
    public const int MaxJsonDepth = 64;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IReadOnlyList<HookMessage> Parse(string hookType, HookPayload payload)
    {
        var messages = hookType switch
        {
            HookTypes.Plain => [PlainMessage(Fields.Read(payload, allowBareText: true))],
            HookTypes.Import => ImportBatch(payload),
            HookTypes.Slack => [SlackPayloads.Parse(Json.ObjectOrPayloadField(payload, "slack"))],
            HookTypes.GitHub => GitHubPayloads.Parse(payload.GitHubEvent, Json.ObjectOrPayloadField(payload, "github")),
            _ => [Other(hookType, payload)],
        };
        foreach (var message in messages)
        {
            Check(message);
        }

        return messages;
    }

    /// <summary>Import entries as messages, in order.</summary>
    public static IReadOnlyList<HookMessage> Imported(IReadOnlyList<ImportedMessage> entries) =>
        entries.Select(e => new HookMessage(e.Message ?? "")
        {
            SenderName = Sender(e.SenderName),
            PostedTime = e.PostedTime is { } t ? PostedTime(t) : null,
            MessageKey = string.IsNullOrEmpty(e.MessageKey) ? null : e.MessageKey,
        }).ToList();

    /// <summary>A trimmed sender name, or null for none (absent, empty or blank: the PHP library sends <c>user=" "</c>).</summary>
    public static string? Sender(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim();

    private static HookMessage PlainMessage(Fields fields) =>
        new(fields.Message ?? "") { SenderName = Sender(fields.User), HasFiles = fields.HasFiles };

    /// <summary>
    /// Types whose own payloads this server does not render (gitlab, jira, …): a post in the plain
    /// format with an explicit <c>message</c> field is taken as on a plain hook (IFTTT and Zapier
    /// send that); anything else is refused by name.
    /// </summary>
    private static HookMessage Other(string hookType, HookPayload payload) =>
        Fields.Read(payload, allowBareText: false) is { Message: not null } fields
            ? PlainMessage(fields)
            : throw FleepErrors.UnsupportedHookType(hookType);

    private static IReadOnlyList<HookMessage> ImportBatch(HookPayload payload)
    {
        var root = Json.Object(Text.Decode(payload), "An import hook takes a JSON object {\"messages\": [...]}.");
        if (!root.TryGetProperty("messages", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw FleepErrors.MissingField("messages");
        }

        var entries = new List<ImportedMessage>(list.GetArrayLength());
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw FleepErrors.InvalidField("messages", "a list of objects");
            }

            entries.Add(new ImportedMessage
            {
                Message = Json.String(item, "message"),
                SenderName = Json.String(item, "sender_name"),
                MessageKey = Json.String(item, "message_key"),
                PostedTime = item.TryGetProperty("posted_time", out var posted) ? PostedTimeConverter.FromElement(posted) : null,
            });
        }

        return entries.Count == 0 ? throw FleepErrors.EmptyMessage() : Imported(entries);
    }

    private static DateTimeOffset PostedTime(long seconds) =>
        seconds is >= 0 and <= 253_402_300_799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw FleepErrors.InvalidField("posted_time", "Unix seconds between 1970 and 9999");

    /// <summary>What every message must satisfy before it is written: text, and values the database can hold.</summary>
    private static void Check(HookMessage message)
    {
        if (string.IsNullOrWhiteSpace(message.Text) && !message.HasFiles)
        {
            throw FleepErrors.EmptyMessage();
        }

        CheckText("message", message.Text, Limits.MessageBody);
        CheckText("user", message.SenderName, 1024);
        CheckText("message_key", message.MessageKey, 1024);
    }

    private static void CheckText(string field, string? value, int maxLength)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > maxLength)
        {
            throw FleepErrors.InvalidField(field, $"longer than {maxLength} characters");
        }

        if (value.Contains('\0'))
        {
            throw FleepErrors.InvalidField(field, "contains a NUL character");
        }
    }

    /// <summary>The <c>message</c> and sender of a plain-format post, whichever body form carried them.</summary>
    private sealed record Fields(string? Message, string? User)
    {
        public bool HasFiles { get; init; }

        public static Fields Read(HookPayload payload, bool allowBareText)
        {
            if (payload.MultipartFields is { } read)
            {
                return FromMultipart(read, payload.FileCount > 0);
            }

            var mediaType = MediaType(payload.ContentType);
            if (mediaType.StartsWith("multipart/", StringComparison.Ordinal))
            {
                return Multipart(payload);
            }

            var text = Text.Decode(payload);
            if (text.Trim().Length == 0)
            {
                throw FleepErrors.EmptyMessage();
            }

            // 1. A JSON object, whatever the Content-Type said (senders label JSON as a form).
            if (Json.TryParse(text) is { } json)
            {
                return json.ValueKind == JsonValueKind.Object
                    ? new Fields(Json.String(json, "message"), Json.String(json, "user") ?? Json.String(json, "sender_name"))
                    : throw FleepErrors.BadRequest("A hook post in JSON is an object {\"message\": …, \"user\": …}.");
            }

            // 2. netdata's { 'message': '…', 'user': '…' }.
            if (PseudoJson.TryParse(text) is { } loose)
            {
                return new Fields(Field(loose, "message"), Field(loose, "user") ?? Field(loose, "sender_name"));
            }

            if (IsJson(mediaType))
            {
                throw FleepErrors.MalformedJson();
            }

            // 3. The form fields (also without a Content-Type: curl --data sends a form).
            if (mediaType is "" or "application/x-www-form-urlencoded" && Form.TryParse(text) is { } form &&
                form.TryGetValue("message", out var message))
            {
                return new Fields(message, form.GetValueOrDefault("user") ?? form.GetValueOrDefault("sender_name"));
            }

            // 4. The whole body is the message.
            return allowBareText ? new Fields(BareText(text, mediaType), null) : new Fields(null, null);
        }

        /// <summary><c>curl --data "text"</c>: percent escapes such as <c>%0A</c> decoded; <c>+</c> stays a plus sign.</summary>
        private static string BareText(string text, string mediaType) =>
            mediaType is "" or "application/x-www-form-urlencoded" ? Form.Unescape(text, plusIsSpace: false) : text;

        /// <summary>
        /// A multipart post held in memory (no request to stream files from): read with the same
        /// reader, which completes at once on a memory stream; a file part in it is refused by name.
        /// </summary>
        private static Fields Multipart(HookPayload payload)
        {
            using var body = new MemoryStream(payload.Body.ToArray(), writable: false);
            var values = HookMultipart.ReadAsync(body, payload.ContentType, long.MaxValue, null, CancellationToken.None).GetAwaiter().GetResult();
            return FromMultipart(values, hasFiles: false);
        }

        /// <summary>The message and sender of multipart fields; a post with files may leave out the message.</summary>
        private static Fields FromMultipart(IReadOnlyDictionary<string, string> values, bool hasFiles) =>
            values.TryGetValue("message", out var message) || hasFiles
                ? new Fields(message, values.GetValueOrDefault("user") ?? values.GetValueOrDefault("sender_name")) { HasFiles = hasFiles }
                : throw FleepErrors.EmptyMessage();

        private static string? Field(IReadOnlyDictionary<string, string?> values, string name) => values.GetValueOrDefault(name);
    }

    /// <summary>The media type of a Content-Type, lower case, without parameters; "" when none.</summary>
    internal static string MediaType(string? contentType)
    {
        var value = contentType ?? "";
        var semicolon = value.IndexOf(';');
        return (semicolon < 0 ? value : value[..semicolon]).Trim().ToLowerInvariant();
    }

    internal static bool IsJson(string mediaType) => mediaType is "application/json" or "text/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);

    /// <summary>Bytes to text: UTF-8 only, a byte order mark dropped, anything invalid refused.</summary>
    internal static class Text
    {
        public static string Decode(HookPayload payload) => Decode(payload.Body.Span);

        public static string Decode(ReadOnlySpan<byte> bytes)
        {
            if (bytes.StartsWith("\uFEFF"u8))
            {
                bytes = bytes[3..];
            }

            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw FleepErrors.BadRequest("The body is not valid UTF-8 text.");
            }
        }
    }

    internal static class Json
    {
        /// <summary>The JSON value the text holds, or null when it is not JSON. Valid JSON nested too deeply is refused.</summary>
        public static JsonElement? TryParse(string text)
        {
            var trimmed = text.AsSpan().Trim();
            if (trimmed.Length == 0 || trimmed[0] is not ('{' or '['))
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return IsValidAtAnyDepth(text)
                    ? throw FleepErrors.BadRequest($"The JSON body is nested more than {MaxJsonDepth} levels deep.")
                    : null;
            }
        }

        /// <summary>The JSON object the text holds, or the 400 <paramref name="what"/> explains.</summary>
        public static JsonElement Object(string text, string what) =>
            TryParse(text) is { ValueKind: JsonValueKind.Object } json ? json : throw FleepErrors.BadRequest(what);

        /// <summary>
        /// The JSON object of a typed hook's post: the body itself, or the form field <c>payload</c>
        /// (Slack's and GitHub's form encoding).
        /// </summary>
        public static JsonElement ObjectOrPayloadField(HookPayload payload, string product)
        {
            var text = Text.Decode(payload);
            if (text.Trim().Length == 0)
            {
                throw FleepErrors.EmptyMessage();
            }

            var json = TryParse(text);
            if (json is null && !IsJson(MediaType(payload.ContentType)) && Form.TryParse(text) is { } form &&
                form.GetValueOrDefault("payload") is { } field)
            {
                json = TryParse(field);
            }

            return json is { ValueKind: JsonValueKind.Object } obj
                ? obj
                : throw FleepErrors.BadRequest($"A {product} hook takes a JSON object, as the body or as the form field 'payload'.");
        }

        /// <summary>A string field; null when absent or null; a field of another type is refused by name.</summary>
        public static string? String(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw FleepErrors.InvalidField(name, "a string");
        }

        /// <summary>A field read leniently, for the products' own payloads: text of a string or number, else null.</summary>
        public static string? Loose(JsonElement obj, string name) =>
            obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value)
                ? value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number => value.GetRawText(),
                    _ => null,
                }
                : null;

        public static JsonElement Child(JsonElement obj, string name) =>
            obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) ? value : default;

        public static IEnumerable<JsonElement> Items(JsonElement obj, string name) =>
            Child(obj, name) is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray() : [];

        // The reader keeps its nesting on a bit stack, not the call stack: any depth is safe to scan.
        private static bool IsValidAtAnyDepth(string text)
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { MaxDepth = int.MaxValue });
            try
            {
                while (reader.Read())
                {
                }

                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }

    /// <summary><c>application/x-www-form-urlencoded</c>: <c>&amp;</c>-separated pairs, <c>+</c> and percent escapes decoded as UTF-8.</summary>
    internal static class Form
    {
        /// <summary>The fields (first value of each name), or null when the text is not a form (a bare string has no <c>name=</c>).</summary>
        public static Dictionary<string, string>? TryParse(string text)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            var anyPair = false;
            foreach (var pair in text.Split('&'))
            {
                if (pair.Length == 0)
                {
                    continue; // the PHP sample's trailing '&'
                }

                var equals = pair.IndexOf('=');
                if (equals <= 0)
                {
                    continue;
                }

                anyPair = true;
                fields.TryAdd(Unescape(pair[..equals], plusIsSpace: true).Trim(), Unescape(pair[(equals + 1)..], plusIsSpace: true));
            }

            return anyPair ? fields : null;
        }

        /// <summary>Percent escapes decoded as UTF-8 (a malformed escape stays as written); invalid UTF-8 is refused.</summary>
        public static string Unescape(string value, bool plusIsSpace)
        {
            if (!value.Contains('%') && !(plusIsSpace && value.Contains('+')))
            {
                return value;
            }

            var bytes = new List<byte>(value.Length);
            Span<byte> utf8 = stackalloc byte[4];
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c == '%' && i + 2 < value.Length && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
                {
                    bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                    i += 2;
                }
                else if (c == '+' && plusIsSpace)
                {
                    bytes.Add((byte)' ');
                }
                else if (char.IsSurrogatePair(value, i))
                {
                    var n = Encoding.UTF8.GetBytes(value.AsSpan(i, 2), utf8);
                    bytes.AddRange(utf8[..n]);
                    i++;
                }
                else
                {
                    var n = Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
                    bytes.AddRange(utf8[..n]);
                }
            }

            return Text.Decode(bytes.ToArray());
        }
    }

    /// <summary>
    /// The JSON-like object netdata's shell notifier posts: <c>{ 'message': '…', 'user': '…' }</c>.
    /// Keys and string values in single or double quotes, backslash escapes as in JSON; a quote
    /// inside a value ends it only when a comma or the closing brace follows, so <c>host's</c> survives.
    /// </summary>
    internal static class PseudoJson
    {
        public static Dictionary<string, string?>? TryParse(string text)
        {
            var s = text.Trim();
            if (s.Length < 2 || s[0] != '{' || s[^1] != '}')
            {
                return null;
            }

            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            var i = 1;
            while (true)
            {
                SkipSpace(s, ref i);
                if (i >= s.Length - 1)
                {
                    return values.Count > 0 ? values : null;
                }

                if (ReadString(s, ref i, isKey: true) is not { } key)
                {
                    return null;
                }

                SkipSpace(s, ref i);
                if (i >= s.Length || s[i] != ':')
                {
                    return null;
                }

                i++;
                SkipSpace(s, ref i);
                string? value;
                if (i < s.Length && s[i] is '\'' or '"')
                {
                    value = ReadString(s, ref i, isKey: false);
                    if (value is null)
                    {
                        return null;
                    }
                }
                else
                {
                    var start = i;
                    while (i < s.Length - 1 && s[i] != ',')
                    {
                        i++;
                    }

                    var bare = s[start..i].Trim();
                    value = bare is "null" or "None" ? null : bare;
                }

                values.TryAdd(key, value);
                SkipSpace(s, ref i);
                if (i < s.Length - 1 && s[i] == ',')
                {
                    i++;
                }
                else if (i < s.Length - 1)
                {
                    return null;
                }
            }
        }

        private static void SkipSpace(string s, ref int i)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }
        }

        private static string? ReadString(string s, ref int i, bool isKey)
        {
            if (i >= s.Length || s[i] is not ('\'' or '"'))
            {
                return null;
            }

            var quote = s[i++];
            var value = new StringBuilder();
            for (; i < s.Length; i++)
            {
                var c = s[i];
                if (c == '\\' && i + 1 < s.Length)
                {
                    i++;
                    if (s[i] == 'u' && i + 4 < s.Length &&
                        int.TryParse(s.AsSpan(i + 1, 4), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var code))
                    {
                        value.Append((char)code);
                        i += 4;
                    }
                    else
                    {
                        value.Append(s[i] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', var other => other });
                    }
                }
                else if (c == quote && (isKey || EndsValue(s, i + 1)))
                {
                    i++;
                    return value.ToString();
                }
                else
                {
                    value.Append(c);
                }
            }

            return null;
        }

        /// <summary>Whether only space and then a comma or the closing brace follow.</summary>
        private static bool EndsValue(string s, int i)
        {
            SkipSpace(s, ref i);
            return i >= s.Length - 1 || s[i] == ',';
        }
    }
}
