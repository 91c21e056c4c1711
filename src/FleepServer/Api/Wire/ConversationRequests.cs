using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using FleepServer.Http;

namespace FleepServer.Api.Wire;

// Request bodies of api/conversation/* (core spec §5). Limits are the event catalogue's max_len
// (seed 001): topic 256 on create, 1024 on set_topic and store, message bodies 307200.
// from_message_nr 0 means "not given" (FleepSharp sends 0 for an unset number).

/// <summary>
/// <c>conversation/create</c> (core spec §5.1). <c>fork_conversation_id</c> starts a new
/// conversation with the members of an existing one (a dialog that needs a third person) plus the
/// invitees; the source stays as it is.
/// </summary>
public sealed record CreateConversationRequest(
    [property: MaxLength(256)] string? Topic,
    List<Guid>? AccountIds,
    AddressList? Emails,
    [property: MaxLength(Limits.MessageBody)] string? Message,
    string? Subject,
    bool? IsAutojoin,
    bool? IsDisclose,
    bool? IsList,
    bool? IsUrlPreviewDisabled,
    string? MkConvType,
    bool? IsInvite,
    List<string>? Attachments,
    Guid? ForkConversationId) : IFleepRequest<CreateConversationRequest>;

/// <summary><c>conversation/sync</c> and <c>sync_backward</c> (core spec §5.2, §5.3).</summary>
public sealed record SyncConversationRequest(long? FromMessageNr, string? MkDirection, string? MkInitMode)
    : IFleepRequest<SyncConversationRequest>;

/// <summary>Calls whose only input is the forward-sync anchor (leave, hide, unhide, delete, …).</summary>
public sealed record FromMessageRequest(long? FromMessageNr) : IFleepRequest<FromMessageRequest>;

/// <summary><c>conversation/add_members</c>, <c>remove_members</c>, <c>disclose</c>, <c>disclose_all</c> (core spec §5.6, §5.10).</summary>
public sealed record MembersRequest(AddressList? Emails, List<Guid>? AccountIds, long? MessageNr, long? FromMessageNr)
    : IFleepRequest<MembersRequest>;

/// <summary><c>conversation/set_topic</c> (core spec §5.7).</summary>
public sealed record SetTopicRequest(string? Topic, long? FromMessageNr) : IFleepRequest<SetTopicRequest>;

/// <summary><c>conversation/set_alerts</c> (core spec §5.7).</summary>
public sealed record SetAlertsRequest([property: Required] string? MkAlertLevel, long? FromMessageNr) : IFleepRequest<SetAlertsRequest>;

/// <summary><c>conversation/mark_read</c> (core spec §5.9).</summary>
public sealed record MarkConversationReadRequest(string? MkInitMode) : IFleepRequest<MarkConversationReadRequest>;

/// <summary><c>conversation/list</c> (core spec §5.12).</summary>
public sealed record ListConversationsRequest(long? SyncHorizon) : IFleepRequest<ListConversationsRequest>;

/// <summary><c>conversation/autojoin</c> (core spec §5.11).</summary>
public sealed record AutojoinRequest([property: Required] string? ConvUrlKey) : IFleepRequest<AutojoinRequest>;

/// <summary><c>conversation/store</c>: every field optional, only the given ones change (core spec §5.5).</summary>
public sealed record StoreConversationRequest(
    long? ReadMessageNr,
    long? FromMessageNr,
    string? Topic,
    string? MkAlertLevel,
    long? SnoozeInterval,
    AddressList? AddEmails,
    AddressList? RemoveEmails,
    AddressList? DiscloseEmails,
    List<Guid>? AddAccountIds,
    List<Guid>? RemoveAccountIds,
    List<Guid>? KickAccountIds,
    List<Guid>? DiscloseAccountIds,
    List<Guid>? AddIds,
    List<Guid>? RemoveIds,
    List<Guid>? DiscloseIds,
    long? HideMessageNr,
    bool? IsDeleted,
    bool? CanPost,
    bool? IsAutojoin,
    bool? IsDisclose,
    bool? IsUrlPreviewDisabled,
    bool? IsList,
    string? MkConvType,
    bool? HasDoneNotifications,
    string? DefaultCallRoom,
    Guid? ClientReqId) : IFleepRequest<StoreConversationRequest>
{
    /// <summary>A store that changes nothing; events set the one field they change with <c>with</c>.</summary>
    public static readonly StoreConversationRequest None = new(null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null);
}

public static class Limits
{
    /// <summary>Message body max_len of the event catalogue (seed 001).</summary>
    public const int MessageBody = 307_200;
}

/// <summary>
/// An address list: Fleep sends one comma-separated string ("like an e-mail To: line"); a JSON
/// array of strings is accepted too (core spec §1.2). Blank entries are dropped.
/// </summary>
[JsonConverter(typeof(AddressListConverter))]
public sealed class AddressList : List<string>
{
    public AddressList(IEnumerable<string> items) : base(items) { }
}

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

/// <summary><c>conversation/show_activity</c> (core spec §9); from_message_nr is accepted and not needed.</summary>
public sealed record ShowActivityRequest(bool? IsWriting, long? MessageNr, long? FromMessageNr) : IFleepRequest<ShowActivityRequest>;
