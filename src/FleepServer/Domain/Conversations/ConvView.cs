using FleepServer.Data;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// A conversation as one member sees it: the conversation row, every membership row (for
/// <c>members</c>, <c>leavers</c>, <c>passive</c>) and the viewer's own row, with the counters of
/// ConvInfo derived from them. The ConvInfo builder only maps these values.
/// </summary>
public sealed record ConvView(Conversation Conversation, IReadOnlyList<ConversationMember> Members, ConversationMember Viewer, long InboxMessageNr)
{
    public Guid ViewerId => Viewer.AccountId;

    /// <summary>Names of the viewer's user labels and of the conversation's teams, by id (docs/labels.md); read only when there are any.</summary>
    public IReadOnlyDictionary<Guid, string> LabelNames { get; init; } = new Dictionary<Guid, string>();

    /// <summary>A member's account is still <c>new</c> (invited by address, not registered): the Email label.</summary>
    public bool HasEmailMember { get; init; }

    /// <summary>The last flow number the viewer may see: the conversation's, or its leave message.</summary>
    public long LastMessageNr => Viewer.LeaveMessageNr ?? Conversation.LastMessageNr;

    public long ShowMessageNr => Viewer.LeaveMessageNr ?? Conversation.ShowMessageNr;

    public long LastInboxNr => ViewerState.LastInboxNr(Conversation, Viewer);

    public long UnreadCount => Math.Max(0, LastInboxNr - Viewer.ReadInboxNr);

    /// <summary>True while the viewer has deleted the conversation from its list and nothing newer arrived.</summary>
    public bool IsDeleted => Viewer.DeleteMessageNr > 0 && LastMessageNr <= Viewer.DeleteMessageNr;

    /// <summary>The lowest message number the viewer may see (the end of backward sync).</summary>
    public long FirstVisibleNr => ViewerState.FirstVisibleNr(Viewer);

    public bool Sees(long messageNr) => ViewerState.Sees(Viewer, messageNr);
}

/// <summary>
/// The per-member rules of the flow model (docs/compatibility.md, "Who sees what"): what a member
/// sees and its counters.
/// </summary>
public static class ViewerState
{
    /// <summary>
    /// Visible: after the member's delete point, not after its leave message, and inside the
    /// current membership, an earlier membership, or a disclosed range.
    /// </summary>
    public static bool Sees(ConversationMember m, long nr) =>
        nr > m.DeleteMessageNr
        && (m.LeaveMessageNr == null || nr <= m.LeaveMessageNr)
        && (nr >= m.BeginMessageNr
            || (nr >= m.JoinMessageNr && nr <= m.HistoryEndMessageNr)
            || (m.DiscloseMessageNr > 0 && nr >= m.DiscloseMessageNr));

    public static long FirstVisibleNr(ConversationMember m)
    {
        var first = m.HistoryEndMessageNr > 0 ? m.JoinMessageNr : m.BeginMessageNr;
        if (m.DiscloseMessageNr > 0)
        {
            first = Math.Min(first, m.DiscloseMessageNr);
        }

        return Math.Max(first, m.DeleteMessageNr + 1);
    }

    /// <summary>A leaver's inbox stops at its leave point, where its read horizon was moved.</summary>
    public static long LastInboxNr(Conversation c, ConversationMember m) => m.IsActive ? c.LastInboxNr : m.ReadInboxNr;

    /// <summary>
    /// The inbox number whose message <c>inbox_message_nr</c> points at: the first unread alerting
    /// message, else the latest alerting one; 0 means the create message.
    /// </summary>
    public static long InboxTarget(Conversation c, ConversationMember m)
    {
        var last = LastInboxNr(c, m);
        return m.ReadInboxNr < last ? m.ReadInboxNr + 1 : last;
    }
}
