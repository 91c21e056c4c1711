using FleepServer.Data;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Conversations;

/// <summary>What a call wants to do with a conversation, which decides who may make it.</summary>
public enum Access
{
    /// <summary>Read the flow: members, and accounts that left (up to their leave message).</summary>
    Read,

    /// <summary>Post or change anything: current members only.</summary>
    Write,
}

/// <summary>
/// The one place that decides who may use a conversation (design §3.4). An unknown id, an account
/// that never was a member and an account removed by someone else all get the same
/// <c>not_found</c> error, so a conversation's existence is not revealed. An account that left by
/// itself may still read what it saw; changes get 431 "Member has left the conversation", as the
/// live server answered (core spec §5.0, §6.5).
/// </summary>
public sealed class Membership(FleepDbContext db)
{
    /// <summary>Loads the conversation (locked for update when <paramref name="forUpdate"/>) and all its member rows.</summary>
    public async Task<(Conversation Conversation, List<ConversationMember> Members, ConversationMember Viewer)> RequireAsync(
        Guid conversationId, Guid accountId, Access access, bool forUpdate, CancellationToken ct)
    {
        var conversation = forUpdate
            ? (await db.Conversations.FromSql($"SELECT * FROM conversations WHERE conversation_id = {conversationId} FOR UPDATE").ToListAsync(ct)).SingleOrDefault()
            : await db.Conversations.FirstOrDefaultAsync(c => c.Id == conversationId, ct);
        if (conversation is null)
        {
            throw FleepErrors.ConversationNotFound();
        }

        var members = await db.ConversationMembers.Where(m => m.ConversationId == conversationId)
            .OrderBy(m => m.JoinedTime).ThenBy(m => m.AccountId).ToListAsync(ct);
        var viewer = members.FirstOrDefault(m => m.AccountId == accountId);
        if (viewer is null || viewer.IsRemoved)
        {
            throw FleepErrors.ConversationNotFound();
        }

        if (access == Access.Write && !viewer.IsActive)
        {
            throw FleepErrors.MemberLeft();
        }

        return (conversation, members, viewer);
    }

    /// <summary>Completes a view: finds the message <c>inbox_message_nr</c> points at (at most one query).</summary>
    public async Task<ConvView> ViewAsync(Conversation conversation, IReadOnlyList<ConversationMember> members, ConversationMember viewer, CancellationToken ct)
    {
        var target = ViewerState.InboxTarget(conversation, viewer);
        long inboxMessageNr;
        if (target <= 0)
        {
            inboxMessageNr = 1;
        }
        else if (target == conversation.LastInboxNr)
        {
            inboxMessageNr = conversation.LastAlertMessageNr;
        }
        else
        {
            inboxMessageNr = await db.Messages
                .Where(m => m.ConversationId == conversation.Id && m.InboxNr == target)
                .Select(m => (long?)m.MessageNr).FirstOrDefaultAsync(ct) ?? 1;
        }

        // A latest alerting message from before the viewer's membership is not the viewer's to show:
        // its list entry starts where its membership does (the add message).
        if (!ViewerState.Sees(viewer, inboxMessageNr))
        {
            inboxMessageNr = viewer.BeginMessageNr;
        }

        return new ConvView(conversation, members, viewer, inboxMessageNr);
    }
}
