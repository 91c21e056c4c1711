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
    public async Task<ConvView> ViewAsync(Conversation conversation, IReadOnlyList<ConversationMember> members, ConversationMember viewer, CancellationToken ct) =>
        (await ViewsAsync([(conversation, members, viewer)], ct))[0];

    /// <summary>
    /// Completes several views with at most one query: the inbox messages that are neither the
    /// create message nor the conversation's latest alerting message are looked up together.
    /// </summary>
    public async Task<List<ConvView>> ViewsAsync(
        IReadOnlyList<(Conversation Conversation, IReadOnlyList<ConversationMember> Members, ConversationMember Viewer)> items, CancellationToken ct)
    {
        var targets = items.Select(i => ViewerState.InboxTarget(i.Conversation, i.Viewer)).ToList();
        var lookups = items.Zip(targets).Where(x => x.Second > 0 && x.Second != x.First.Conversation.LastInboxNr).ToList();
        var found = new Dictionary<(Guid, long), long>();
        if (lookups.Count > 0)
        {
            var ids = lookups.Select(x => x.First.Conversation.Id).Distinct().ToList();
            var inboxNrs = lookups.Select(x => x.Second).Distinct().ToList();
            var rows = await db.Messages.AsNoTracking()
                .Where(m => ids.Contains(m.ConversationId) && inboxNrs.Contains(m.InboxNr))
                .Select(m => new { m.ConversationId, m.InboxNr, m.MessageNr }).ToListAsync(ct);
            foreach (var row in rows)
            {
                found[(row.ConversationId, row.InboxNr)] = row.MessageNr;
            }
        }

        var views = new List<ConvView>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var (conversation, members, viewer) = items[i];
            var target = targets[i];
            var inboxMessageNr = target <= 0 ? 1
                : target == conversation.LastInboxNr ? conversation.LastAlertMessageNr
                : found.GetValueOrDefault((conversation.Id, target), 1);

            // A latest alerting message from before the viewer's membership is not the viewer's to show:
            // its list entry starts where its membership does (the add message).
            if (!ViewerState.Sees(viewer, inboxMessageNr))
            {
                inboxMessageNr = viewer.BeginMessageNr;
            }

            views.Add(new ConvView(conversation, members, viewer, inboxMessageNr));
        }

        return views;
    }
}
