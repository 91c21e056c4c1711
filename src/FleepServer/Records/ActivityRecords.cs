using FleepServer.Data;

namespace FleepServer.Records;

/// <summary>The one builder of <see cref="ActivityRecord"/>s (core spec §2.3).</summary>
public static class ActivityRecords
{
    /// <summary>A new member's join point, sent with add_members (core spec §5.6).</summary>
    public static ActivityRecord Joined(Guid conversationId, ConversationMember member) => new()
    {
        ConversationId = conversationId,
        AccountId = member.AccountId,
        JoinMessageNr = member.JoinMessageNr,
    };
}
