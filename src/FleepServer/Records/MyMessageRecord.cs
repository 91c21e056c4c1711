using FleepServer.Data;
using FleepServer.Domain.MyBoard;
using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>
/// An item of one account's personal board or canned responses, <c>mk_rec_type: "my_message"</c>
/// (docs/compatibility.md, "Boards"), sent only to that account. A personal task or canned
/// response carries its text like a message record; a conversation task on the board carries
/// <c>conversation_id</c> and <c>message_nr</c> of the message (whose own record, with the same
/// <c>message_id</c>, holds the text) and the account's private place for it.
/// </summary>
public sealed record MyMessageRecord : IStreamRecord
{
    public string MkRecType => "my_message";
    public required Guid MessageId { get; init; }

    /// <summary>The board's owner.</summary>
    public required Guid ProfileId { get; init; }

    /// <summary>The author: the owner for its own items, the poster for a conversation task.</summary>
    public required Guid AccountId { get; init; }

    /// <summary>A conversation task's conversation and message number; absent for the account's own items.</summary>
    public Guid? ConversationId { get; init; }

    public long? MessageNr { get; init; }

    /// <summary>text for the account's own items; the message's type for a conversation task.</summary>
    public required string MkMessageType { get; init; }

    public required string MkMessageState { get; init; }

    /// <summary>The text as Fleep message XML; absent for a conversation task (its message record has it).</summary>
    public string? Message { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>The name a canned response is picked by; absent for tasks.</summary>
    public string? CannedName { get; init; }

    public Guid? SectionId { get; init; }
    public double? TaskWeight { get; init; }
    public required bool IsArchived { get; init; }
    public required bool IsDeleted { get; init; }
    public long? PostedTime { get; init; }

    /// <summary>The time of the item's last change, microseconds, ISO 8601: the canned responses' paging order.</summary>
    public required string StoreTime { get; init; }
}

/// <summary>The one builder of <see cref="MyMessageRecord"/>s.</summary>
public static class MyMessageRecords
{
    public const string Text = "text";

    /// <summary>A personal task or canned response.</summary>
    public static MyMessageRecord For(MyMessage m) => new()
    {
        MessageId = m.Id,
        ProfileId = m.AccountId,
        AccountId = m.AccountId,
        MkMessageType = Text,
        MkMessageState = MessageStates.Prefix + m.MkMessageState,
        Message = m.Body,
        Tags = m.Kind == MyItems.Task ? MyItems.Tags(m.MkMessageState, m.IsArchived) : [],
        CannedName = m.CannedName,
        SectionId = m.Kind == MyItems.Task && !m.IsDeleted ? m.SectionId : null,
        TaskWeight = m.Kind == MyItems.Task && !m.IsDeleted ? m.TaskWeight : null,
        IsArchived = m.IsArchived,
        IsDeleted = m.IsDeleted,
        PostedTime = m.PostedTime.ToUnixTimeSeconds(),
        StoreTime = MyItems.FormatTime(m.StoreTime),
    };

    /// <summary>A conversation task on <paramref name="ownerId"/>'s board, at its place there.</summary>
    public static MyMessageRecord ForTask(Guid ownerId, Message m, MyTaskPlace place) => new()
    {
        MessageId = m.MessageId,
        ProfileId = ownerId,
        AccountId = m.AccountId,
        ConversationId = m.ConversationId,
        MessageNr = m.MessageNr,
        MkMessageType = m.MkMessageType,
        MkMessageState = MessageStates.Prefix + m.MkMessageState,
        Tags = MyItems.Tags(m.MkMessageState, place.IsArchived),
        SectionId = place.SectionId,
        TaskWeight = place.TaskWeight,
        IsArchived = place.IsArchived,
        IsDeleted = false,
        PostedTime = m.PostedTime.ToUnixTimeSeconds(),
        StoreTime = MyItems.FormatTime(place.StoreTime),
    };
}
