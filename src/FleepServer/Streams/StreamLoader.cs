using FleepServer.Data;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Streams;

/// <summary>Records of one account's stream after a horizon, and the stream's head: one query.</summary>
public sealed record StreamBatch(long Head, IReadOnlyList<StreamRow> Records)
{
    /// <summary>
    /// True when <paramref name="asked"/> is past the stream's head: a horizon this database never
    /// handed out, as after a restore from a backup older than the client's last poll.
    /// </summary>
    public bool IsBeyondHead(long asked) => asked > Head;

    /// <summary>The horizon to hand out: the last record delivered, or the asked horizon when nothing was.</summary>
    public long HorizonAfter(long asked) => Records.Count > 0 ? Records[^1].EventNr!.Value : asked;
}

/// <summary>A row of the poll query: the head on every row, plus one record (or none when nothing is pending).</summary>
public sealed record StreamRow(long LastEventNr, long? EventNr, string? Payload);

public sealed class StreamLoader(FleepDbContext db)
{
    private const string ReadSql = """
        SELECT s.last_event_nr AS last_event_nr, e.event_nr AS event_nr, e.payload::text AS payload
        FROM account_streams s
        LEFT JOIN LATERAL (
            SELECT event_nr, payload FROM stream_events
            WHERE account_id = s.account_id AND event_nr > {1}
            ORDER BY event_nr
            LIMIT {2}) e ON true
        WHERE s.account_id = {0}
        ORDER BY e.event_nr
        """;

    // New text messages of other accounts: a revision carries flow_message_nr, a new message does not.
    private const string ReadTextsSql = """
        SELECT s.last_event_nr AS last_event_nr, e.event_nr AS event_nr, e.payload::text AS payload
        FROM account_streams s
        LEFT JOIN LATERAL (
            SELECT event_nr, payload FROM stream_events
            WHERE account_id = s.account_id AND event_nr > {1} AND mk_rec_type = 'message'
              AND payload->>'mk_message_type' = 'text' AND payload->>'flow_message_nr' IS NULL
              AND payload->>'account_id' <> {3}
            ORDER BY event_nr DESC
            LIMIT {2}) e ON true
        WHERE s.account_id = {0}
        ORDER BY e.event_nr
        """;

    /// <summary>
    /// The stream's head and the latest <paramref name="limit"/> new text messages of other accounts
    /// after <paramref name="horizon"/> (account/listen).
    /// </summary>
    public async Task<StreamBatch> ReadTextsAfterAsync(Guid accountId, long horizon, int limit, CancellationToken ct)
    {
        var rows = await db.Database.SqlQueryRaw<StreamRow>(ReadTextsSql, accountId, horizon, limit, accountId.ToString()).ToListAsync(ct);
        return Batch(accountId, rows);
    }

    /// <summary>Up to <paramref name="limit"/> records after <paramref name="horizon"/>, and the head (beyond which there are none).</summary>
    public async Task<StreamBatch> ReadAfterAsync(Guid accountId, long horizon, int limit, CancellationToken ct)
    {
        var rows = await db.Database.SqlQueryRaw<StreamRow>(ReadSql, accountId, horizon, limit).ToListAsync(ct);
        return Batch(accountId, rows);
    }

    private static StreamBatch Batch(Guid accountId, List<StreamRow> rows)
    {
        if (rows.Count == 0)
        {
            throw new InvalidOperationException($"Account {accountId} has no stream.");
        }

        return new StreamBatch(rows[0].LastEventNr, rows.Where(r => r.EventNr is not null).ToList());
    }
}
