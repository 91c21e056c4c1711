using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Teams;

/// <summary>
/// Team rows under their locks, and the changes a team makes to its conversations (docs/teams.md).
/// Lock order: a team row is locked before any conversation row (after accounts); several teams in
/// id order; a team's conversations in id order. A call that adds a team to a conversation locks
/// the team <c>FOR SHARE</c> (the team's members are read under it), a call that changes the team
/// locks it <c>FOR UPDATE</c> and then finds its conversations, so neither misses the other.
/// </summary>
public sealed class TeamConversations(FleepDbContext db, Membership membership, ConversationFanOut fanOut, TimeProvider time)
{
    /// <summary>The team, locked for update and tracked; null when unknown.</summary>
    public async Task<Team?> LockAsync(Guid teamId, CancellationToken ct)
    {
        Detach(teamId);
        return (await db.Teams.FromSql($"SELECT * FROM teams WHERE team_id = {teamId} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
    }

    /// <summary>
    /// The teams a conversation change adds or removes, share-locked in id order and not tracked. A
    /// team to add must be live and have the caller as a member; a team to remove must exist. Else
    /// the team's not_found.
    /// </summary>
    public async Task<(List<Team> Add, List<Team> Remove)> ForConversationAsync(Guid accountId, IReadOnlyCollection<Guid>? add,
        IReadOnlyCollection<Guid>? remove, CancellationToken ct)
    {
        var ids = (add ?? []).Concat(remove ?? []).Distinct().Order().ToArray();
        if (ids.Length == 0)
        {
            return ([], []);
        }

        var rows = await db.Teams.FromSql($"SELECT * FROM teams WHERE team_id = ANY({ids}) ORDER BY team_id FOR SHARE")
            .AsNoTracking().ToListAsync(ct);
        var byId = rows.ToDictionary(t => t.Id);
        var adding = (add ?? []).Distinct().Select(id => byId.GetValueOrDefault(id) is { IsDeleted: false } t && t.Members.Contains(accountId)
            ? t
            : throw FleepErrors.TeamNotFound()).ToList();
        var removing = (remove ?? []).Distinct().Select(id => byId.GetValueOrDefault(id) ?? throw FleepErrors.TeamNotFound()).ToList();
        return (adding, removing);
    }

    /// <summary>The conversations that have the team, in id order (exact while the team is locked).</summary>
    public Task<List<Guid>> ConversationsOfAsync(Guid teamId, CancellationToken ct) =>
        db.Conversations.Where(c => c.TeamIds.Contains(teamId)).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);

    /// <summary>
    /// One team change of one conversation, inside the running unit: the conversation locked, the
    /// operation applied, every recipient's records queued by the conversation fan-out. With
    /// <see cref="Access.Team"/> the caller need not be a member (it authors the system message).
    /// </summary>
    /// <param name="headersChanged">True when something the headers show changed without a change of the flow or of reasons (the team's name, its label): the members get new headers anyway.</param>
    public async Task ChangeAsync(Guid callerId, Guid conversationId, Access access, Action<ConversationChange> apply, CancellationToken ct,
        bool headersChanged = false)
    {
        var now = time.GetUtcNow();
        var locked = await membership.LockAsync(conversationId, callerId, access, now, ct);
        var change = new ConversationChange(db, locked, now);
        apply(change);
        if (change.Changed.Count == 0 && !change.ReasonsChanged && !headersChanged)
        {
            return;
        }

        await db.SaveChangesAsync(ct);
        await fanOut.AppendAsync(change.FanOut(), ct);
    }

    private void Detach(Guid teamId)
    {
        foreach (var stale in db.ChangeTracker.Entries().Where(e => e.Entity is Team t && t.Id == teamId).ToList())
        {
            stale.State = EntityState.Detached;
        }
    }
}
