using FleepServer.Data;
using FleepServer.Domain.Conversations;

namespace FleepServer.Domain.Labels;

/// <summary>
/// The labels one viewer sees on one conversation (ConvInfo <c>label_ids</c> and <c>labels</c>),
/// built from the viewer's view only, so they follow the conversation's state by themselves
/// (docs/labels.md, "Which conversations carry a label"):
/// starred, Spam and user labels from the viewer's member row; Muted, Archived, Unread, Recent,
/// 1:1 Conversations and Email from the state; a team label when the conversation has the team and
/// the viewer is in it through that team. Another member's labels are never part of a view.
/// </summary>
public static class ConvLabels
{
    public static IReadOnlyList<(Guid Id, string Name)> For(ConvView view)
    {
        var me = view.Viewer;
        var system = SystemLabels.IdsOf(me.AccountId);
        var result = new List<(Guid, string)>();
        foreach (var (id, label) in system)
        {
            if (label.IsExplicit ? me.LabelIds.Contains(id) : Derived(view, label.Subtype))
            {
                result.Add((id, label.Name));
            }
        }

        foreach (var id in me.LabelIds)
        {
            if (!system.ContainsKey(id) && view.LabelNames.TryGetValue(id, out var name))
            {
                result.Add((id, name));
            }
        }

        foreach (var teamId in view.Conversation.TeamIds)
        {
            if (me.ViaTeamIds.Contains(teamId) && view.LabelNames.TryGetValue(teamId, out var name))
            {
                result.Add((teamId, name));
            }
        }

        return result;
    }

    /// <summary>Whether a derived system label is on the conversation for its viewer; the same rules as <see cref="LabelQueries"/> in SQL.</summary>
    public static bool Derived(ConvView view, string subtype) => subtype switch
    {
        SystemLabels.Muted => IsMuted(view.Viewer),
        SystemLabels.Archived => IsArchived(view),
        SystemLabels.Recent => !IsArchived(view),
        SystemLabels.Unread => view.UnreadCount > 0 || view.Viewer.IsMarkUnread,
        SystemLabels.OneToOne => IsDialog(view.Conversation, view.Members.Count),
        SystemLabels.Email => view.HasEmailMember,
        _ => false,
    };

    public static bool IsMuted(ConversationMember m) => m.MkAlertLevel == AlertLevels.Never;

    /// <summary>Hidden until a message arrives after the hide point.</summary>
    public static bool IsArchived(ConvView view) => view.Viewer.HideMessageNr > 0 && view.LastMessageNr <= view.Viewer.HideMessageNr;

    /// <summary>A one-to-one conversation, as contact:get_dialog makes them: exactly two member rows ever, no topic, no team.</summary>
    public static bool IsDialog(Conversation c, int memberRows) => memberRows == 2 && c.Topic.Length == 0 && c.TeamIds.Count == 0;
}
