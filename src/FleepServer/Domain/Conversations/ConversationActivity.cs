using FleepServer.Data;
using FleepServer.Errors;
using FleepServer.Records;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// Writing pens, edit locks and the activity of the other members (<c>show_activity</c>; the
/// <c>lock</c> record). A pen lasts <see cref="PenLifetime"/> unless renewed; posting a message or
/// <c>is_writing: false</c> ends it, and so does running out (<see cref="PenSweeper"/> calls
/// <see cref="EndExpiredAsync"/>). Pen changes reach the other members' streams as
/// <c>activity</c> records through the conversation fan-out. A full-privacy account neither sends
/// nor receives activity.
///
/// A pen that names a message (<c>message_nr</c>, the message being edited) also takes that
/// message's edit lock (<c>lock_account_id</c>) for the same lifetime; ending the pen, or saving
/// the edit, releases it. While the lock is held, other members can neither take it nor edit the
/// message's body or subject (431 <c>message_locked</c>); tag and state changes stay open to all.
/// A lock nobody renews runs out after <see cref="PenLifetime"/>: from then on anyone may take it
/// or edit. Lock changes reach every current member (the holder's other sessions included) as
/// <c>lock</c> records; no record is sent when a lock runs out, clients time it out like a pen.
/// </summary>
public sealed class ConversationActivity(
    FleepDbContext db, UnitOfWork unit, Membership membership, ConversationFanOut fanOut, PenSchedule schedule, TimeProvider time)
{
    public static readonly TimeSpan PenLifetime = TimeSpan.FromSeconds(30);

    /// <summary>Who holds the message's edit lock now; null when nobody does or the lock ran out.</summary>
    public static Guid? LockHolder(Message message, DateTimeOffset now) =>
        message.LockAccountId is { } holder && message.LockedUntil > now ? holder : null;

    public static FleepException Locked() => FleepErrors.BusinessRule("message_locked", "Another member is editing this message.");

    /// <summary>Sets or clears the caller's pen (when <paramref name="isWriting"/> is given) and returns the others' current activity.</summary>
    public async Task<IReadOnlyList<ActivityRecord>> ShowAsync(Guid accountId, Guid conversationId, bool? isWriting, long? messageNr, CancellationToken ct) =>
        (await RunAsync(accountId, conversationId, isWriting, messageNr, strict: false, ct)).Others;

    /// <summary>
    /// message:set_editing / end_editing: the pen on that message and its edit lock. Taking a lock
    /// another member holds is refused (431 message_locked); releasing one the caller does not hold
    /// changes nothing. Answers the message's lock as it now is.
    /// </summary>
    public async Task<LockRecord> SetEditingAsync(Guid accountId, Guid conversationId, long messageNr, bool editing, CancellationToken ct)
    {
        if (messageNr <= 0)
        {
            throw FleepErrors.InvalidField("message_nr", "a positive number");
        }

        return (await RunAsync(accountId, conversationId, editing, messageNr, strict: true, ct)).Lock!;
    }

    private async Task<(IReadOnlyList<ActivityRecord> Others, LockRecord? Lock)> RunAsync(Guid accountId, Guid conversationId, bool? isWriting,
        long? messageNr, bool strict, CancellationToken ct)
    {
        var (members, privacy, current) = isWriting is { } writing
            ? await unit.RunAsync(token => ChangeAsync(accountId, conversationId, writing, messageNr, strict, token), ct)
            : await ReadAsync(accountId, conversationId, ct);
        var viewer = members.Single(m => m.AccountId == accountId);
        if (viewer.WritingUntil is { } until && isWriting == true)
        {
            schedule.Add(until);
        }

        if (privacy.Contains(accountId))
        {
            return ([], current);
        }

        var now = time.GetUtcNow();
        return (members.Where(m => m.AccountId != accountId && m.IsActive && !privacy.Contains(m.AccountId))
            .Select(m => ActivityRecords.Current(conversationId, m, now))
            .ToList(), current);
    }

    private async Task<(IReadOnlyList<ConversationMember> Members, IReadOnlySet<Guid> Privacy, LockRecord? Lock)> ReadAsync(Guid accountId,
        Guid conversationId, CancellationToken ct)
    {
        var (_, members, _) = await membership.RequireAsync(conversationId, accountId, Access.Read, ct);
        var privacy = await db.Accounts.Where(a => members.Select(m => m.AccountId).Contains(a.Id) && a.IsFullPrivacy)
            .Select(a => a.Id).ToListAsync(ct);
        return (members, privacy.ToHashSet(), null);
    }

    /// <summary>The caller's pen (and edit lock) change: one unit of work with the conversation row locked, like every conversation change.</summary>
    private async Task<(IReadOnlyList<ConversationMember> Members, IReadOnlySet<Guid> Privacy, LockRecord? Lock)> ChangeAsync(Guid accountId,
        Guid conversationId, bool writing, long? messageNr, bool strict, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (conversation, members, viewer, privacy, _) = await membership.LockAsync(conversationId, accountId, Access.Write, now, ct);
        if (messageNr is < 0 || messageNr > conversation.LastMessageNr)
        {
            throw FleepErrors.InvalidField("message_nr", $"between 0 and {conversation.LastMessageNr}");
        }

        var locks = new List<LockRecord>();
        LockRecord? current = null;
        // A pen that moves off a message, or ends, gives up that message's lock.
        if (viewer.WritingMessageNr is { } previous && previous != (messageNr ?? 0))
        {
            await ReleaseAsync(conversation.Id, previous, accountId, locks, ct);
        }

        if (messageNr is > 0 and var nr)
        {
            current = writing
                ? await TakeAsync(conversation.Id, viewer, nr, accountId, now, strict, locks, ct)
                : await ReleaseAsync(conversation.Id, nr, accountId, locks, ct);
        }

        var pen = !privacy.Contains(accountId);
        if (pen)
        {
            viewer.WritingUntil = writing ? now + PenLifetime : null;
            viewer.WritingMessageNr = writing && messageNr is > 0 ? messageNr : null;
        }

        if (pen || locks.Count > 0)
        {
            await fanOut.AppendAsync(new ConversationFanOutInput(conversation, members, accountId, [],
                pen ? [ActivityRecords.Current(conversation.Id, viewer, now)] : [], null, null)
            {
                SendsHeaders = false,
                Locks = locks,
                FullPrivacy = privacy,
            }, ct);
        }

        return (members, privacy, current);
    }

    /// <summary>The message row, locked for this transaction; null when the viewer cannot see it.</summary>
    private async Task<Message?> LockRowAsync(Guid conversationId, ConversationMember? viewer, long nr, CancellationToken ct)
    {
        var message = (await db.Messages.FromSql(
            $"SELECT * FROM messages WHERE conversation_id = {conversationId} AND message_nr = {nr} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        return message is not null && (viewer is null || ViewerState.Sees(viewer, nr)) ? message : null;
    }

    private async Task<LockRecord?> TakeAsync(Guid conversationId, ConversationMember viewer, long nr, Guid accountId, DateTimeOffset now, bool strict,
        List<LockRecord> locks, CancellationToken ct)
    {
        var message = await LockRowAsync(conversationId, viewer, nr, ct);
        if (message is null || message.MkMessageState is MessageStates.System or MessageStates.Deleted)
        {
            // show_activity keeps accepting a pen on any message number; only the event insists.
            return !strict ? null
                : message is null ? throw FleepErrors.MessageNotFound()
                : throw FleepErrors.BusinessRule("invalid_edit", "This message cannot be edited.");
        }

        var holder = LockHolder(message, now);
        if (holder is not null && holder != accountId)
        {
            return strict ? throw Locked() : new LockRecord(conversationId, nr, holder);
        }

        message.LockAccountId = accountId;
        message.LockedUntil = now + PenLifetime;
        if (holder != accountId)
        {
            locks.Add(new LockRecord(conversationId, nr, accountId));
        }

        return new LockRecord(conversationId, nr, accountId);
    }

    private async Task<LockRecord> ReleaseAsync(Guid conversationId, long nr, Guid accountId, List<LockRecord> locks, CancellationToken ct)
    {
        var message = await LockRowAsync(conversationId, null, nr, ct);
        if (message?.LockAccountId != accountId)
        {
            return new LockRecord(conversationId, nr, message is null ? null : LockHolder(message, time.GetUtcNow()));
        }

        message.LockAccountId = null;
        message.LockedUntil = null;
        var released = new LockRecord(conversationId, nr, null);
        locks.Add(released);
        return released;
    }

    /// <summary>
    /// Ends up to <paramref name="limit"/> pens that ran out by <paramref name="now"/> and sends
    /// <c>is_writing: false</c> to the other members; returns how many it ended. Rows another
    /// sweeper holds are skipped, so concurrent sweepers never end a pen twice.
    /// </summary>
    public Task<int> EndExpiredAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        unit.RunAsync(token => EndExpiredInUnitAsync(now, limit, token), ct);

    private async Task<int> EndExpiredInUnitAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        var expired = await db.Database.SqlQuery<PenKey>($"""
            SELECT conversation_id, account_id FROM conversation_members
            WHERE writing_until <= {now}
            ORDER BY writing_until
            LIMIT {limit}
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct);
        if (expired.Count == 0)
        {
            return 0;
        }

        var conversationIds = expired.Select(p => p.ConversationId).Distinct().ToList();
        var conversations = await db.Conversations.AsNoTracking().Where(c => conversationIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var members = await db.ConversationMembers.Where(m => conversationIds.Contains(m.ConversationId))
            .OrderBy(m => m.JoinedTime).ThenBy(m => m.AccountId).ToListAsync(ct);
        var ended = new List<ConversationMember>();
        foreach (var pen in expired)
        {
            var member = members.Single(m => m.ConversationId == pen.ConversationId && m.AccountId == pen.AccountId);
            member.WritingUntil = null;
            member.WritingMessageNr = null;
            ended.Add(member);
        }

        foreach (var group in ended.GroupBy(m => m.ConversationId))
        {
            var conversation = conversations[group.Key];
            await fanOut.AppendAsync(new ConversationFanOutInput(conversation, members.Where(m => m.ConversationId == group.Key).ToList(),
                group.First().AccountId, [], group.Select(m => ActivityRecords.Current(conversation.Id, m, now)).ToList(), null, null)
            {
                SendsHeaders = false,
            }, ct);
        }

        return expired.Count;
    }

    private sealed record PenKey(Guid ConversationId, Guid AccountId);
}
