using FleepServer.Data;
using FleepServer.Records;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// Writing pens and the activity of the other members (core spec §9, <c>show_activity</c>). A pen
/// lasts <see cref="PenLifetime"/> unless renewed; posting a message or <c>is_writing: false</c>
/// ends it. Pen changes reach the other members' streams as <c>activity</c> records through the
/// conversation fan-out. A full-privacy account neither sends nor receives activity.
/// </summary>
public sealed class ConversationActivity(FleepDbContext db, Membership membership, ConversationFanOut fanOut, TimeProvider time)
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
        if (privacy.GetValueOrDefault(accountId))
        {
            return [];
        }

        return members.Where(m => m.AccountId != accountId && m.IsActive && !privacy.GetValueOrDefault(m.AccountId))
            .Select(m => ActivityRecords.Current(conversation.Id, m, now))
            .ToList();
    }
}
