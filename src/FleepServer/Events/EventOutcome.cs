using FleepServer.Domain.Conversations;
using FleepServer.Records;
using FleepServer.Streams;

namespace FleepServer.Events;

/// <summary>
/// What an event names as its result: the conversation and message for message events (the
/// original message_nr of an edited message), the conversation for conversation events, the
/// account for account and contact events. Clients find the result record in the response's
/// <c>stream</c> by it (docs/events.md, "Records and retries").
/// </summary>
public sealed record EventIdentifier(Guid? ConversationId = null, long? MessageNr = null, Guid? AccountId = null);

/// <summary>A handled event: its identifier and the records it changed, in the order the response lists them.</summary>
public sealed record EventOutcome(EventIdentifier Identifier, IReadOnlyList<IStreamRecord> Records)
{
    /// <summary>Where the next page starts, for paged sync events (<c>contact:sync</c>); null on the last page.</summary>
    public object? SyncCursor { get; init; }

    public static EventOutcome ForAccount(Guid accountId, params IReadOnlyList<IStreamRecord> records) =>
        new(new EventIdentifier(AccountId: accountId), records);

    /// <summary>
    /// A conversation or message call's result as the classic call answers it (header, messages,
    /// activity), as records. The event's own request record replaces the classic one.
    /// </summary>
    public static EventOutcome ForConversation(ConvResult result, string publicUrl, bool identifiesMessage)
    {
        var answer = ConvSyncResponse.Of(result with { ClientReqId = null }, publicUrl);
        var identifier = new EventIdentifier(result.View.Conversation.Id, identifiesMessage ? result.ResultMessageNr : null);
        return new EventOutcome(identifier, [.. answer.AllRecords().Cast<IStreamRecord>()]);
    }
}
