using FleepServer.Data;
using FleepServer.Records;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// Writing pens and the activity of the other members (core spec §9, <c>show_activity</c>). A pen
/// lasts <see cref="PenLifetime"/> unless renewed; posting a message or <c>is_writing: false</c>
/// ends it, and so does running out (<see cref="PenSweeper"/> calls <see cref="EndExpiredAsync"/>). Pen changes reach the other members' streams as <c>activity</c> records through the
/// conversation fan-out. A full-privacy account neither sends nor receives activity.
/// </summary>
public sealed class ConversationActivity(FleepDbContext db, Membership membership, ConversationFanOut fanOut, PenSchedule schedule, TimeProvider time)
{
    public static readonly TimeSpan PenLifetime = TimeSpan.FromSeconds(30);

    /// <summary>Sets or clears the caller's pen (when <paramref name="isWriting"/> is given) and returns the others' current activity.</summary>
    public async Task<IReadOnlyList<ActivityRecord>> ShowAsync(Guid accountId, Guid conversationId, bool? isWriting, long? messageNr, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (conversation, members, viewer) = await membership.RequireAsync(
            conversationId, accountId, isWriting is null ? Access.Read : Access.Write, forUpdate: false, ct);
        var privacy = await db.Accounts.Where(a => members.Select(m => m.AccountId).Contains(a.Id))
            .ToDictionaryAsync(a => a.Id, a => a.IsFullPrivacy, ct);
        var now = time.GetUtcNow();

        if (isWriting is { } writing && !privacy.GetValueOrDefault(accountId))
        {
            if (messageNr is < 0 || messageNr > conversation.LastMessageNr)
            {
                throw Errors.FleepErrors.InvalidField("message_nr", $"between 0 and {conversation.LastMessageNr}");
            }

            viewer.WritingUntil = writing ? now + PenLifetime : null;
            viewer.WritingMessageNr = writing && messageNr is > 0 ? messageNr : null;
            await db.SaveChangesAsync(ct);
            await fanOut.AppendAsync(new ConversationFanOutInput(conversation, members, accountId, [],
                [ActivityRecords.Current(conversation.Id, viewer, now)], null, null) { SendsHeaders = false }, ct);
        }

        await transaction.CommitAsync(ct);
        if (viewer.WritingUntil is { } until && isWriting == true)
        {
            schedule.Add(until);
        }

        if (privacy.GetValueOrDefault(accountId))
        {
            return [];
        }

        return members.Where(m => m.AccountId != accountId && m.IsActive && !privacy.GetValueOrDefault(m.AccountId))
            .Select(m => ActivityRecords.Current(conversation.Id, m, now))
            .ToList();
    }

    /// <summary>
    /// Ends up to <paramref name="limit"/> pens that ran out by <paramref name="now"/> and sends
    /// <c>is_writing: false</c> to the other members; returns how many it ended. Rows another
    /// sweeper holds are skipped, so concurrent sweepers never end a pen twice.
    /// </summary>
    public async Task<int> EndExpiredAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
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

        await db.SaveChangesAsync(ct);
        foreach (var group in ended.GroupBy(m => m.ConversationId))
        {
            var conversation = conversations[group.Key];
            await fanOut.AppendAsync(new ConversationFanOutInput(conversation, members.Where(m => m.ConversationId == group.Key).ToList(),
                group.First().AccountId, [], group.Select(m => ActivityRecords.Current(conversation.Id, m, now)).ToList(), null, null)
            {
                SendsHeaders = false,
            }, ct);
        }

        await transaction.CommitAsync(ct);
        return expired.Count;
    }

    private sealed record PenKey(Guid ConversationId, Guid AccountId);
}
