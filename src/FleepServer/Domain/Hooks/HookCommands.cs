using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using FleepServer.Http;

namespace FleepServer.Domain.Hooks;

// The commands of the hook calls, bound from the bodies of api/conversation/*_hook and
// api/conversation/import, and built by the /hook/<token> endpoint.

/// <summary><c>conversation/create_hook</c>.</summary>
public sealed record CreateHook : IFleepRequest<CreateHook>
{
    [MaxLength(1024)] public string? HookName { get; init; }

    /// <summary>Default <c>plain</c>.</summary>
    public string? MkHookType { get; init; }

    [MaxLength(2048)] public string? OutgoingUrl { get; init; }
    public bool? OutgoingDisabled { get; init; }
    public Guid? ExternalAccountId { get; init; }
    [MaxLength(1024)] public string? ExternalObjectId { get; init; }
    public long? FromMessageNr { get; init; }
}

/// <summary><c>conversation/configure_hook</c>: only the given fields change.</summary>
public sealed record ConfigureHook : IFleepRequest<ConfigureHook>
{
    [Required, MaxLength(32)] public string? HookKey { get; init; }
    [MaxLength(1024)] public string? HookName { get; init; }
    [MaxLength(2048)] public string? OutgoingUrl { get; init; }
    public bool? OutgoingDisabled { get; init; }
    public long? FromMessageNr { get; init; }
}

/// <summary><c>conversation/drop_hook</c>.</summary>
public sealed record DropHook : IFleepRequest<DropHook>
{
    [Required, MaxLength(32)] public string? HookKey { get; init; }
    public long? FromMessageNr { get; init; }
}

/// <summary><c>conversation/import</c>: messages imported through the hook <c>hook_id</c>.</summary>
public sealed record ImportMessages : IFleepRequest<ImportMessages>
{
    [Required] public Guid? HookId { get; init; }
    [Required] public List<ImportedMessage>? Messages { get; init; }
    public long? FromMessageNr { get; init; }
}

/// <summary>One message of an import batch.</summary>
public sealed record ImportedMessage : IFleepRequestPart
{
    [MaxLength(1024)] public string? MessageKey { get; init; }
    [MaxLength(Limits.MessageBody)] public string? Message { get; init; }

    /// <summary>Unix seconds; kept as the message's posted_time.</summary>
    [JsonConverter(typeof(PostedTimeConverter))]
    public long? PostedTime { get; init; }

    [MaxLength(1024)] public string? SenderName { get; init; }
}

/// <summary>
/// One message to post through a hook: its text in Fleep markup, the optional sender name, and,
/// for imports, the original posting time and the key that makes a re-import add nothing.
/// </summary>
public sealed record HookMessage(string Text)
{
    public string? SenderName { get; init; }
    public DateTimeOffset? PostedTime { get; init; }
    public string? MessageKey { get; init; }

    /// <summary>The post carries files (a multipart plain-hook post): it may then have no text.</summary>
    public bool HasFiles { get; init; }
}

/// <summary>
/// An import's <c>posted_time</c>: unix seconds from 0 to the end of year 9999, as a number (a
/// fraction is cut to whole seconds) or a numeric string. Anything else fails the binding, so an
/// import batch with an impossible time is a 400 on either route, before anything is written.
/// </summary>
public sealed class PostedTimeConverter : JsonConverter<long?>
{
    public static readonly long Max = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        double? value = reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.Number when reader.TryGetDouble(out var number) => number,
            JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => number,
            _ => throw new JsonException("posted_time: expected unix seconds"),
        };
        if (value is null)
        {
            return null;
        }

        return value is >= 0 && value <= Max ? (long)Math.Floor(value.Value) : throw new JsonException($"posted_time: between 0 and {Max}");
    }

    /// <summary>The same rule for a value read from a JSON document (the body of an import hook): a bad time → 400 invalid_param.</summary>
    public static long? FromElement(JsonElement element)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(element.GetRawText()));
        reader.Read();
        try
        {
            return new PostedTimeConverter().Read(ref reader, typeof(long?), JsonSerializerOptions.Default);
        }
        catch (JsonException)
        {
            throw FleepErrors.InvalidField("posted_time", $"Unix seconds between 0 and {Max}");
        }
    }

    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
