using FleepServer.Data;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Files;

/// <summary>
/// <c>storage_used_bytes</c> of the owner's own contact (docs/files.md, "Storage accounting"): the
/// sizes of the attachments (not removed) of every message the account sees in the conversations it
/// is a member of, each attachment counted once per message it is attached to (a copy counts
/// again). Computed in one SQL command from the rows themselves whenever the owner's contact is
/// built, so it cannot drift from what the account sees; no counter is kept.
/// </summary>
public sealed class StorageUsage(FleepDbContext db)
{
    /// <summary>
    /// The sum, with the visibility rule of <see cref="Conversations.ViewerState.Sees"/> written in SQL:
    /// after the delete point and inside the current membership, an earlier one or a disclosed range.
    /// Conversations the account left count nothing: leaving gives up their files.
    /// </summary>
    public Task<long> UsedBytesAsync(Guid accountId, CancellationToken ct) =>
        db.Database.SqlQuery<long>($"""
            SELECT COALESCE(SUM((f.value->'Facts'->>'FileSize')::bigint), 0)::bigint AS "Value"
            FROM conversation_members m
            JOIN messages x ON x.conversation_id = m.conversation_id AND x.files IS NOT NULL
            CROSS JOIN LATERAL jsonb_array_elements(x.files) AS f(value)
            WHERE m.account_id = {accountId} AND m.leave_message_nr IS NULL
              AND x.mk_message_state <> 'deleted'
              AND NOT COALESCE((f.value->>'IsDeleted')::boolean, false)
              AND x.message_nr > m.delete_message_nr
              AND (x.message_nr >= m.begin_message_nr
                   OR (x.message_nr >= m.join_message_nr AND x.message_nr <= m.history_end_message_nr)
                   OR (m.disclose_message_nr > 0 AND x.message_nr >= m.disclose_message_nr))
            """).SingleAsync(ct);
}
