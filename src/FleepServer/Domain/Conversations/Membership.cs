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

    /// <summary>Join through the conversation's autojoin link: no membership needed, but the link must be on.</summary>
    Autojoin,

    /// <summary>
    /// A change a team makes (docs/teams.md): its members join or leave. No membership needed; the
    /// caller's row while it is a member, else a stand-in row that is not a member and is not saved.
    /// </summary>
    Team,
}

/// <summary>
/// A conversation as a change found it under its row lock: the conversation, every member row
/// (tracked, ordered by join), the viewer's row (new and untracked-yet for an autojoin by a
/// stranger), the members whose accounts are full-privacy, and the message numbers of the members'
/// first unread inbox messages, so that the change's fan-out reads nothing more, and the caller's
/// earlier request with the change's client_req_id.
/// </summary>
public sealed record ConversationLock(
    Conversation Conversation,
    List<ConversationMember> Members,
    ConversationMember Viewer,
    IReadOnlySet<Guid> FullPrivacy,
    IReadOnlyDictionary<long, long> InboxMessageNrs)
{
    /// <summary>The caller's earlier request with the change's client_req_id, when there is one.</summary>
    public ClientRequest? Original { get; init; }

    /// <summary>labels: the current members whose accounts are still <c>new</c> (the Email label), read with the privacy flags.</summary>
    public IReadOnlySet<Guid>? NewAccounts { get; init; }
}

/// <summary>
/// The one place that decides who may use a conversation. An unknown id, an account
/// that never was a member and an account removed by someone else all get the same
/// <c>not_found</c> error, so a conversation's existence is not revealed. An account that left by
/// itself may still read what it saw; changes get 431 "Member has left the conversation", as the
/// live server answered (docs/compatibility.md, "Errors").
/// </summary>
public sealed class Membership(FleepDbContext db)
{
    /// <summary>Reads the conversation and all its member rows for a call that only reads (not tracked, no lock).</summary>
    public async Task<(Conversation Conversation, List<ConversationMember> Members, ConversationMember Viewer)> RequireAsync(
        Guid conversationId, Guid accountId, Access access, CancellationToken ct)
    {
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, ct)
            ?? throw FleepErrors.ConversationNotFound();
        var members = await db.ConversationMembers.AsNoTracking().Where(m => m.ConversationId == conversationId)
            .OrderBy(m => m.JoinedTime).ThenBy(m => m.AccountId).ToListAsync(ct);
        return (conversation, members, RequireViewer(members, accountId, access));
    }

    /// <summary>The caller's member row when <paramref name="access"/> allows the call; else the error for it.</summary>
    private static ConversationMember RequireViewer(List<ConversationMember> members, Guid accountId, Access access)
    {
        var viewer = members.FirstOrDefault(m => m.AccountId == accountId);
        if (viewer is null || viewer.IsRemoved)
        {
            throw FleepErrors.ConversationNotFound();
        }

        if (access == Access.Write && !viewer.IsActive)
        {
            throw FleepErrors.MemberLeft();
        }

        return viewer;
    }

    /// <summary>
    /// Locks the conversation row for the change (the first lock after accounts, docs/writes.md),
    /// then reads, in one more command, its member rows with their accounts' privacy flags, the
    /// message each member's inbox horizon points at, and the caller's earlier request with
    /// <paramref name="clientReqId"/>. Two statements, because in PostgreSQL's read-committed mode a
    /// statement that waited for the lock would read the other tables as they were before the wait.
    /// Rows this context tracked from an earlier read are replaced by the ones read under the lock,
    /// so a change never builds on a stale copy.
    /// </summary>
    public async Task<ConversationLock> LockAsync(Guid conversationId, Guid accountId, Access access, DateTimeOffset now, CancellationToken ct,
        Guid? clientReqId = null)
    {
        foreach (var stale in db.ChangeTracker.Entries().Where(e => e.Entity is Conversation c && c.Id == conversationId
                     || e.Entity is ConversationMember m && m.ConversationId == conversationId).ToList())
        {
            stale.State = EntityState.Detached;
        }

        var conversation = (await db.Conversations.FromSql($"SELECT * FROM conversations WHERE conversation_id = {conversationId} FOR UPDATE")
            .ToListAsync(ct)).SingleOrDefault();
        if (conversation is null || (access == Access.Autojoin && !conversation.IsAutojoin))
        {
            throw FleepErrors.ConversationNotFound();
        }

        var rows = await (
            from m in db.ConversationMembers.Where(m => m.ConversationId == conversationId)
            join a in db.Accounts on m.AccountId equals a.Id
            select new
            {
                Member = m,
                a.IsFullPrivacy,
                IsNew = a.Status == AccountStatus.New,
                InboxMessageNr = db.Messages.Where(x => x.ConversationId == conversationId && x.InboxNr == m.ReadInboxNr + 1)
                    .Select(x => (long?)x.MessageNr).FirstOrDefault(),
                Original = clientReqId == null
                    ? null
                    : db.ClientRequests.FirstOrDefault(q => q.AccountId == accountId && q.ClientReqId == clientReqId),
            }).ToListAsync(ct);
        var original = rows.Select(r => r.Original).FirstOrDefault(o => o is not null);
        var members = rows.Select(r => r.Member).OrderBy(m => m.JoinedTime).ThenBy(m => m.AccountId).ToList();
        var privacy = rows.Where(r => r.IsFullPrivacy).Select(r => r.Member.AccountId).ToHashSet();
        var inbox = rows.Where(r => r.InboxMessageNr is not null)
            .GroupBy(r => r.Member.ReadInboxNr + 1).ToDictionary(g => g.Key, g => g.First().InboxMessageNr!.Value);
        var viewer = access switch
        {
            Access.Autojoin => members.FirstOrDefault(m => m.AccountId == accountId) ?? Joiner(conversationId, accountId, now, members),
            Access.Team => members.FirstOrDefault(m => m.AccountId == accountId && m.IsActive)
                ?? new ConversationMember { ConversationId = conversationId, AccountId = accountId, LeaveMessageNr = 0, JoinedTime = now },
            _ => RequireViewer(members, accountId, access),
        };
        var newAccounts = rows.Where(r => r.IsNew && r.Member.IsActive).Select(r => r.Member.AccountId).ToHashSet();
        return new ConversationLock(conversation, members, viewer, privacy, inbox) { Original = original, NewAccounts = newAccounts };
    }

    /// <summary>A stranger joining through the autojoin link: a new member row, tracked for insert.</summary>
    private ConversationMember Joiner(Guid conversationId, Guid accountId, DateTimeOffset now, List<ConversationMember> members)
    {
        var joiner = new ConversationMember { ConversationId = conversationId, AccountId = accountId, JoinedTime = now };
        members.Add(joiner);
        db.ConversationMembers.Add(joiner);
        return joiner;
    }

    /// <summary>Completes a view: finds the message <c>inbox_message_nr</c> points at (at most one query).</summary>
    public async Task<ConvView> ViewAsync(Conversation conversation, IReadOnlyList<ConversationMember> members, ConversationMember viewer, CancellationToken ct) =>
        (await ViewsAsync([(conversation, members, viewer)], ct))[0];

    /// <summary>
    /// Completes several views with at most one query: the inbox messages that are neither the
    /// create message nor the conversation's latest alerting message are looked up together.
    /// </summary>
    public async Task<List<ConvView>> ViewsAsync(
        IReadOnlyList<(Conversation Conversation, IReadOnlyList<ConversationMember> Members, ConversationMember Viewer)> items, CancellationToken ct,
        IReadOnlyDictionary<long, long>? knownInboxMessageNrs = null, IReadOnlySet<Guid>? newAccounts = null)
    {
        var targets = items.Select(i => ViewerState.InboxTarget(i.Conversation, i.Viewer)).ToList();
        var found = new Dictionary<(Guid, long), long>();
        if (knownInboxMessageNrs is not null && items.Count > 0)
        {
            // Only for views of one conversation (a change's fan-out): inbox numbers are per conversation.
            var id = items[0].Conversation.Id;
            foreach (var (inboxNr, messageNr) in knownInboxMessageNrs)
            {
                found[(id, inboxNr)] = messageNr;
            }
        }

        var lookups = items.Zip(targets).Where(x => x.Second > 0 && x.Second != x.First.Conversation.LastInboxNr
            && !found.ContainsKey((x.First.Conversation.Id, x.Second))).ToList();
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

        // labels: the names of the viewers' user labels and the teams, and the Email label's members, in one command;
        // none when a change's lock read the new accounts already and no name is needed.
        var facts = await Labels.LabelFacts.LoadAsync(db, items.Select(i => i.Conversation.Id).ToList(),
            items.SelectMany(i => i.Viewer.LabelIds).ToList(), items.SelectMany(i => i.Conversation.TeamIds).ToList(),
            newAccounts is null ? null : items.Select(i => i.Viewer.AccountId).Distinct().ToList(), ct);
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

            views.Add(new ConvView(conversation, members, viewer, inboxMessageNr)
            {
                LabelNames = facts.Names,
                HasEmailMember = newAccounts is null
                    ? facts.WithEmailMembers.Contains(conversation.Id)
                    : members.Any(m => m.IsActive && newAccounts.Contains(m.AccountId)),
            });
        }

        return views;
    }
}
