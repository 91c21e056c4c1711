using FleepServer.Data;
using FleepServer.Domain;
using FleepServer.Records;
using FleepServer.Streams;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace FleepServer.Events;

/// <summary>
/// The client_req_ids of a batch: which were processed before (one read for the whole batch), and,
/// once the batch ran, the record of the applied events plus every event's request record in the
/// caller's stream (one unit of work for the whole batch).
///
/// Conversation and message changes record their client_req_id themselves, inside the change's
/// transaction; repeating such an event runs the action again, and the action answers with the
/// original result. Other events are recorded here after they were applied, so a retry of an
/// account or membership event returns the first result without applying it twice.
/// </summary>
public sealed class EventLog(FleepDbContext db, UnitOfWork unit, StreamAppender stream, TimeProvider time)
{
    private const string RecordSql = """
        INSERT INTO client_requests (account_id, client_req_id, conversation_id, result_message_nr, mk_event_type, result_account_id, created_time)
        SELECT @account, t.id, t.conversation_id, t.message_nr, t.event_type, t.result_account_id, @now
        FROM unnest(@ids, @conversations, @messages, @types, @accounts) AS t(id, conversation_id, message_nr, event_type, result_account_id)
        ON CONFLICT (account_id, client_req_id) DO NOTHING
        """;

    /// <summary>The earlier results of the batch's client_req_ids, by id.</summary>
    public async Task<Dictionary<Guid, ClientRequest>> FindAsync(Guid accountId, IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        ids.Count == 0
            ? []
            : await db.ClientRequests.AsNoTracking()
                .Where(r => r.AccountId == accountId && ids.Contains(r.ClientReqId))
                .ToDictionaryAsync(r => r.ClientReqId, ct);

    public static EventIdentifier IdentifierOf(ClientRequest request) =>
        new(request.ConversationId, request.ResultMessageNr > 0 ? request.ResultMessageNr : null, request.ResultAccountId);

    /// <summary>Records the applied events and appends all request records to the caller's stream.</summary>
    public async Task FinishAsync(Guid accountId, IReadOnlyList<RequestRecord> requests, CancellationToken ct)
    {
        if (requests.Count == 0)
        {
            return;
        }

        var applied = requests.Where(r => r.StatusCode == StatusCodes.Status200OK).ToList();
        await unit.RunAsync(async token =>
        {
            if (applied.Count > 0)
            {
                await RecordAsync(accountId, applied, token);
            }

            stream.Add(requests.Select(r => new StreamAppend(accountId, r)));
        }, ct);
    }

    private Task RecordAsync(Guid accountId, List<RequestRecord> applied, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(RecordSql,
            [
                new NpgsqlParameter("account", accountId),
                new NpgsqlParameter("now", time.GetUtcNow()),
                new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = applied.Select(r => r.ClientReqId).ToArray() },
                new NpgsqlParameter("conversations", NpgsqlDbType.Array | NpgsqlDbType.Uuid)
                    { Value = applied.Select(r => (object?)r.Identifier?.ConversationId ?? DBNull.Value).ToArray() },
                new NpgsqlParameter("messages", NpgsqlDbType.Array | NpgsqlDbType.Bigint)
                    { Value = applied.Select(r => r.Identifier?.MessageNr ?? 0).ToArray() },
                new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = applied.Select(r => r.MkEventType!).ToArray() },
                new NpgsqlParameter("accounts", NpgsqlDbType.Array | NpgsqlDbType.Uuid)
                    { Value = applied.Select(r => (object?)r.Identifier?.AccountId ?? DBNull.Value).ToArray() },
            ], ct);
}
