using System.Text.Json;
using FleepServer.Data;
using FleepServer.Http;
using FleepServer.Telemetry;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace FleepServer.Streams;

/// <summary>
/// Appends records to account streams inside the unit of work of the change they describe
/// (outbox style: the change and its records commit together or not at all). Fan-outs queue
/// records with <see cref="Add"/>; the unit appends them all with one statement before it commits.
///
/// Positions are per account and gap-free: the append locks each recipient's
/// <c>account_streams</c> row (in account-id order, so concurrent appends cannot deadlock),
/// advances its head by the number of records and writes the records below the new head. The
/// lock is held until commit, so position n+1 cannot be handed out before position n is visible:
/// a poll that has seen a position never misses a lower one (docs/streams.md, invariant 1). See
/// docs/streams.md.
/// </summary>
public sealed class StreamAppender(FleepDbContext db, StreamOutbox outbox, TimeProvider time, FleepMetrics metrics)
{
    private const string AppendSql = """
        WITH input AS (
            SELECT account_id, mk_rec_type, payload, ord
            FROM unnest(@accounts, @types, @payloads) WITH ORDINALITY AS t(account_id, mk_rec_type, payload, ord)),
        counts AS (
            SELECT account_id, count(*) AS n FROM input GROUP BY account_id),
        locked AS (
            SELECT s.account_id FROM account_streams s
            WHERE s.account_id IN (SELECT account_id FROM counts)
            ORDER BY s.account_id
            FOR UPDATE),
        heads AS (
            UPDATE account_streams s SET last_event_nr = s.last_event_nr + c.n
            FROM counts c JOIN locked l ON l.account_id = c.account_id
            WHERE s.account_id = c.account_id
            RETURNING s.account_id, s.last_event_nr - c.n AS base)
        INSERT INTO stream_events (account_id, event_nr, mk_rec_type, payload, created_time)
        SELECT i.account_id, h.base + row_number() OVER (PARTITION BY i.account_id ORDER BY i.ord), i.mk_rec_type, i.payload, @now
        FROM input i JOIN heads h ON h.account_id = i.account_id
        """;

    private readonly List<StreamAppend> pending = [];

    /// <summary>
    /// Queues records, in order, for their recipients' streams. They are appended when the running
    /// unit of work commits (<see cref="FlushAsync"/>), so the stream heads are the last rows it locks.
    /// </summary>
    public void Add(IEnumerable<StreamAppend> records)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Stream records must be appended in the unit of work of the change they describe.");
        }

        pending.AddRange(records);
    }

    /// <summary>Forgets what a unit that did not commit queued.</summary>
    public void Clear() => pending.Clear();

    /// <summary>Appends every queued record in one statement; the unit of work calls it right before its commit.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        if (pending.Count == 0)
        {
            return;
        }

        var records = pending.ToArray();
        pending.Clear();
        var accounts = records.Select(r => r.AccountId).ToArray();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var written = await db.Database.ExecuteSqlRawAsync(AppendSql,
        [
            new NpgsqlParameter("accounts", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = accounts },
            new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = records.Select(r => r.Record.MkRecType).ToArray() },
            new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Json)
            {
                Value = records.Select(r => JsonSerializer.Serialize(r.Record, r.Record.GetType(), FleepJson.Options)).ToArray(),
            },
            new NpgsqlParameter("now", time.GetUtcNow()),
        ], ct);
        metrics.StreamAppended(started);

        if (written != records.Length)
        {
            throw new InvalidOperationException($"Appended {written} of {records.Length} stream records: a recipient has no stream.");
        }

        outbox.Add(db, accounts);
    }
}
