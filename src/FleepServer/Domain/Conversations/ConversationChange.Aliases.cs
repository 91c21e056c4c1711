using FleepServer.Data;
using FleepServer.Records;

namespace FleepServer.Domain.Conversations;

public sealed partial class ConversationChange
{
    /// <summary>The <c>sysmsg_text</c> of a <c>replace</c> message: the two addresses are written in, <c>{author}</c> is filled by clients.</summary>
    public static string ReplaceText(string aliasEmail, string ownerEmail) => $"{{author}} replaced {aliasEmail} with {ownerEmail}.";

    /// <summary>
    /// A confirmed alias's membership moves to its owner, the viewer (docs/mail.md, "Aliases"): a
    /// <c>replace</c> message by the owner, <c>{"members": [alias id], "alias_email", "email",
    /// "sysmsg_text": "{author} replaced &lt;alias&gt; with &lt;owner&gt;."}</c>; the alias's membership
    /// ends there. An owner who is not a member takes the alias's membership over as it was (what
    /// it saw, read horizon, alert level, reasons; labels are each account's own and stay); a leaver comes back with the alias's
    /// range added to what it saw before; a current member keeps its own. Nothing happens when the
    /// alias is not a current member.
    /// </summary>
    public void ReplaceMember(Guid aliasId, string aliasEmail, string ownerEmail)
    {
        var alias = Member(aliasId);
        if (alias is not { IsActive: true })
        {
            return;
        }

        var ownerId = Viewer.AccountId;
        var message = AppendSystem(SystemTypes.Replace, FlowWriter.SystemBody(("members", new[] { aliasId }), ("alias_email", aliasEmail),
            ("email", ownerEmail), ("sysmsg_text", ReplaceText(aliasEmail, ownerEmail))));
        var owner = Member(ownerId);
        if (owner is not { IsActive: true })
        {
            if (owner is null)
            {
                owner = new ConversationMember
                {
                    ConversationId = Conversation.Id,
                    AccountId = ownerId,
                    JoinMessageNr = alias.JoinMessageNr,
                    HistoryEndMessageNr = alias.HistoryEndMessageNr,
                    JoinedTime = alias.JoinedTime,
                    DeleteMessageNr = alias.DeleteMessageNr,
                    HideMessageNr = alias.HideMessageNr,
                };
                Members.Add(owner);
                db.ConversationMembers.Add(owner);
            }
            else
            {
                // A leaver: what it saw stays visible, the alias's range is added.
                owner.HistoryEndMessageNr = owner.LeaveMessageNr ?? owner.HistoryEndMessageNr;
                owner.JoinMessageNr = Math.Min(owner.JoinMessageNr, alias.JoinMessageNr);
                owner.LeaveMessageNr = null;
                owner.IsRemoved = false;
            }

            owner.BeginMessageNr = alias.BeginMessageNr;
            owner.ReadMessageNr = alias.ReadMessageNr;
            owner.ReadInboxNr = alias.ReadInboxNr;
            owner.IsMarkUnread = alias.IsMarkUnread;
            owner.SendMessageNr = message.MessageNr;
            owner.MkAlertLevel = alias.MkAlertLevel;
            owner.InOwnRight = alias.InOwnRight;
            owner.ViaTeamIds = [.. alias.ViaTeamIds];
            owner.DiscloseMessageNr = owner.DiscloseMessageNr > 0 && alias.DiscloseMessageNr > 0
                ? Math.Min(owner.DiscloseMessageNr, alias.DiscloseMessageNr)
                : Math.Max(owner.DiscloseMessageNr, alias.DiscloseMessageNr);
            Activities.Add(ActivityRecords.Joined(Conversation.Id, owner));
            Joined.Add(ownerId);
        }

        End(alias, message);
    }
}
