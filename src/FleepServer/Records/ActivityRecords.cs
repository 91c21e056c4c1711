using FleepServer.Data;

namespace FleepServer.Records;

/// <summary>The one builder of <see cref="ActivityRecord"/>s.</summary>
public static class ActivityRecords
{
    /// <summary>A new member's join point, sent with add_members.</summary>
    public static ActivityRecord Joined(Guid conversationId, ConversationMember member) => new()
    {
        ConversationId = conversationId,
        AccountId = member.AccountId,
        JoinMessageNr = member.JoinMessageNr,
    };

    /// <summary>
    /// A member's read horizon moved: read receipts for the others. After the
    /// member posted, its pen is off: <c>is_writing: false</c> as the live server sent.
    /// </summary>
    public static ActivityRecord Read(Guid conversationId, ConversationMember member, DateTimeOffset when, bool penCleared) => new()
    {
        ConversationId = conversationId,
        AccountId = member.AccountId,
        JoinMessageNr = member.JoinMessageNr,
        ReadMessageNr = member.ReadMessageNr,
        ActivityTime = when.ToUnixTimeSeconds(),
        IsWriting = penCleared ? false : null,
    };

    /// <summary>A member's activity as it stands at <paramref name="now"/>: pen on or off, read horizon (show_activity).</summary>
    public static ActivityRecord Current(Guid conversationId, ConversationMember member, DateTimeOffset now) => new()
    {
        ConversationId = conversationId,
        AccountId = member.AccountId,
        JoinMessageNr = member.JoinMessageNr,
        ReadMessageNr = member.ReadMessageNr,
        IsWriting = member.WritingUntil > now,
        MessageNr = member.WritingUntil > now ? member.WritingMessageNr : null,
        ActivityTime = now.ToUnixTimeSeconds(),
    };
}
