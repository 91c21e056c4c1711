using FleepServer.Data;
using FleepServer.Domain.Conversations;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// The outbox of outgoing webhooks (docs/hooks.md): in the unit of work of a conversation change,
/// one <c>hook_deliveries</c> row per (delivering hook, new message), in one statement, and only
/// when the conversation has a hook that delivers (<see cref="Conversation.HasOutgoingHooks"/>),
/// so other conversations pay nothing. A message posted through a hook is not delivered back to
/// that hook. Revisions (edits, deletions) are not delivered. The rows commit with the messages,
/// so nothing is queued that did not happen and nothing that happened is missed.
/// </summary>
public sealed class HookOutbox(FleepDbContext db, OutgoingSignal signal)
{
    private const string EnqueueSql = """
        INSERT INTO hook_deliveries (hook_id, conversation_id, message_nr, attempts, next_attempt_time, created_time)
        SELECT h.hook_id, h.conversation_id, m.nr, 0, now(), @now
        FROM hooks h CROSS JOIN unnest(@nrs, @keys) AS m(nr, hook_key)
        WHERE h.conversation_id = @conversation AND h.is_active AND h.outgoing_url <> '' AND NOT h.outgoing_disabled
          AND m.hook_key IS DISTINCT FROM h.hook_key
        ORDER BY m.nr, h.hook_id
        """;

    /// <summary>Queues the change's new messages for the conversation's delivering hooks; called once per change, after its rows are saved.</summary>
    public async Task EnqueueAsync(ConversationChange change, CancellationToken ct)
    {
        if (!change.Conversation.HasOutgoingHooks || change.Created.Count == 0)
        {
            return;
        }

        var messages = change.Created.DistinctBy(m => m.MessageNr).OrderBy(m => m.MessageNr).ToList();
        var written = await db.Database.ExecuteSqlRawAsync(EnqueueSql,
        [
            new NpgsqlParameter("now", change.Now),
            new NpgsqlParameter("nrs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = messages.Select(m => m.MessageNr).ToArray() },
            new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = messages.Select(m => m.HookKey).ToArray() },
            new NpgsqlParameter("conversation", change.Conversation.Id),
        ], ct);
        if (written > 0)
        {
            signal.WakeAfterCommit(db);
        }
    }
}

/// <summary>Wakes this process's <see cref="OutgoingSender"/> (<see cref="WorkerSignal"/>): after a commit that queued deliveries, or when a delivery ended.</summary>
public sealed class OutgoingSignal : WorkerSignal;
