using FleepServer.Data;

namespace FleepServer.Records;

/// <summary>The one builder of <see cref="MessageRecord"/>s, for one viewer.</summary>
public static class MessageRecords
{
    /// <summary>The message and, right after it, one file record per attachment: how every answer and stream lists a message.</summary>
    public static IEnumerable<Streams.IStreamRecord> WithFiles(Message m, Guid viewerId) =>
        m.Files is { Count: > 0 } ? [For(m, viewerId), .. FileRecords.For(m)] : [For(m, viewerId)];

    public static MessageRecord For(Message m, Guid viewerId) => new()
    {
        ConversationId = m.ConversationId,
        MessageNr = m.MessageNr,
        MessageId = m.MessageId,
        ProfileId = viewerId,
        AccountId = m.AccountId,
        MkMessageType = m.MkMessageType,
        MkMessageState = MessageStates.Prefix + m.MkMessageState,
        Message = FileRecords.MessageXml(m),
        Subject = m.Subject,
        Tags = m.Tags,
        InboxNr = m.InboxNr,
        PrevMessageNr = m.PrevMessageNr,
        PostedTime = m.PostedTime.ToUnixTimeSeconds(),
        LockAccountId = m.LockAccountId,
        // A revision carries both markers (echo bot reads flow_message_nr, hubot revision_message_nr);
        // a message never revised carries neither.
        FlowMessageNr = m.FlowMessageNr,
        RevisionMessageNr = m.FlowMessageNr,
        RefMessageNr = m.RefMessageNr,
        EditAccountId = m.EditAccountId,
        EditedTime = m.EditedTime?.ToUnixTimeSeconds(),
        PinWeight = m.PinWeight,
        PinnedAccountId = m.PinnedAccountId,
        TaskedAccountId = m.TaskedAccountId,
        AssigneeIds = m.AssigneeIds.Count > 0 ? m.AssigneeIds : null,
        Reactions = m.Reactions?.ToDictionary(r => r.Key, r => (IReadOnlyList<Guid>)r.Value, StringComparer.Ordinal),
        IsUrlPreviewDisabled = m.IsUrlPreviewDisabled ? true : null,
        IsSpam = m.IsSpam ? true : null,
        SectionId = m.SectionId,
        TaskWeight = m.TaskWeight,
        HookKey = m.HookKey,
        SenderName = m.SenderName,
    };
}
