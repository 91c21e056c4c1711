using FleepServer.Data;
using FleepServer.Records;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace FleepServer.Domain.Labels;

/// <summary>
/// The conversations of an account that carry a label, in SQL: the same rules as
/// <see cref="ConvLabels"/> applies to one view, over the account's listed conversations
/// (member or left by itself, not removed, not deleted from its list).
/// </summary>
public static class LabelQueries
{
    private const string Archived =
        "(m.hide_message_nr > 0 AND coalesce(m.leave_message_nr, c.last_message_nr) <= m.hide_message_nr)";

    /// <summary>The SQL condition for a label (over member row <c>m</c> and conversation <c>c</c>; <c>@label</c> is the label id).</summary>
    public static string Condition(LabelRecord label) => label.MkLabelSubtype switch
    {
        LabelRecords.TeamSubtype => "(@label = ANY(c.team_ids) AND @label = ANY(m.via_team_ids))",
        SystemLabels.Muted => "m.mk_alert_level = 'never'",
        SystemLabels.Archived => Archived,
        SystemLabels.Recent => $"NOT {Archived}",
        SystemLabels.Unread =>
            "((CASE WHEN m.leave_message_nr IS NULL THEN c.last_inbox_nr ELSE m.read_inbox_nr END) > m.read_inbox_nr OR m.is_mark_unread)",
        SystemLabels.OneToOne =>
            "(cardinality(c.team_ids) = 0 AND c.topic = '' AND (SELECT count(*) FROM conversation_members x WHERE x.conversation_id = c.conversation_id) = 2)",
        SystemLabels.Email =>
            """
            EXISTS (SELECT 1 FROM conversation_members x JOIN accounts a ON a.account_id = x.account_id
                    WHERE x.conversation_id = c.conversation_id AND x.leave_message_nr IS NULL AND a.mk_account_status = 'new')
            """,
        // user labels, starred and Spam: kept on the member row
        _ => "@label = ANY(m.label_ids)",
    };

    /// <summary>One page, newest inbox time first (then by id), after the cursor.</summary>
    public static Task<List<Conversation>> PageAsync(FleepDbContext db, Guid accountId, LabelRecord label, LabelSyncCursor? cursor, int take,
        CancellationToken ct)
    {
        var after = cursor?.Time();
        var afterId = cursor?.AcvConvId ?? Guid.Empty;
        var sql = $$"""
            SELECT c.* FROM conversation_members m JOIN conversations c ON c.conversation_id = m.conversation_id
            WHERE m.account_id = @account AND NOT m.is_removed
              AND NOT (m.delete_message_nr > 0 AND coalesce(m.leave_message_nr, c.last_message_nr) <= m.delete_message_nr)
              AND {{Condition(label)}}
              AND (@after::timestamptz IS NULL OR c.last_message_time < @after OR (c.last_message_time = @after AND c.conversation_id > @after_id))
            ORDER BY c.last_message_time DESC, c.conversation_id
            LIMIT @take
            """;
        return db.Conversations.FromSqlRaw(sql,
                new NpgsqlParameter("label", NpgsqlDbType.Uuid) { Value = label.LabelId },
                new NpgsqlParameter("account", NpgsqlDbType.Uuid) { Value = accountId },
                new NpgsqlParameter("after", NpgsqlDbType.TimestampTz) { Value = (object?)after ?? DBNull.Value },
                new NpgsqlParameter("after_id", NpgsqlDbType.Uuid) { Value = afterId },
                new NpgsqlParameter("take", NpgsqlDbType.Integer) { Value = take })
            .AsNoTracking().ToListAsync(ct);
    }
}
