using FleepServer.Errors;
using FleepServer.Http;
using Microsoft.Extensions.Options;

namespace FleepServer.Streams;

public static class PollFlags
{
    /// <summary>Leave hidden conversations out of the initial sync.</summary>
    public const string SkipHidden = "skip_hidden";
}

/// <summary>What a poll hands back: the new horizon and the records as their stored JSON.</summary>
public sealed record PollAnswer(long EventHorizon, IReadOnlyList<string> Records);

/// <summary>
/// <c>api/account/poll</c>: the records after the client's horizon, or a parked wait for them.
/// Horizon 0 is an initial sync (a snapshot), and so is a horizon beyond the stream's head, which
/// this database never handed out (after a restore from a backup). A parked poll costs no thread
/// and no database work: it registers its waiter, reads once, and only reads again when woken
/// (docs/streams.md). A poll whose first read fails because the database is unreachable is a 503
/// like any call; one that was parked and finds the database gone when woken answers with its own
/// horizon and an empty stream. A stopping server answers parked polls at once the same way.
/// </summary>
public sealed class AccountPoll(
    StreamLoader reader,
    AccountSnapshot snapshots,
    StreamWaiters waiters,
    TimeProvider time,
    IOptions<FleepOptions> options)
{
    public async Task<PollAnswer> PollAsync(Guid accountId, long horizon, bool wait, IReadOnlyCollection<string> flags, CancellationToken ct)
    {
        if (horizon == 0)
        {
            return await SnapshotAsync(accountId, flags, ct);
        }

        if (horizon < 0)
        {
            // This server sends each snapshot in one batch and so never hands out negative cursors.
            throw FleepErrors.InvalidHorizon();
        }

        var poll = options.Value.Poll;
        var deadline = time.GetUtcNow() + poll.Wait;
        for (var read = 0; ; read++)
        {
            // Register before reading: a commit between the read and the wait still wakes us.
            using var waiter = wait ? waiters.Register(accountId) : null;
            StreamBatch batch;
            try
            {
                batch = await reader.ReadAfterAsync(accountId, horizon, poll.BatchSize, ct);
            }
            catch (Exception e) when (read > 0 && DatabaseFailures.IsUnreachable(e))
            {
                // A parked poll was woken but the database is gone (or not yet back): it was only
                // waiting, so it ends as a timed-out wait would, with its own horizon; the client
                // polls again from there and misses nothing (docs/operations.md, "Database outages").
                return new PollAnswer(horizon, []);
            }

            if (batch.IsBeyondHead(horizon))
            {
                // A horizon this database never handed out (it was restored from an older backup, or
                // the client polled another server): start the client over, as at its first poll.
                return await SnapshotAsync(accountId, flags, ct);
            }

            if (batch.Records.Count > 0 || waiter is null)
            {
                return new PollAnswer(batch.HorizonAfter(horizon), batch.Records.Select(r => r.Payload!).ToList());
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return new PollAnswer(horizon, []);
            }

            if (await waiter.WaitAsync(remaining, time, ct) != WaitEnd.Woken)
            {
                // Nothing arrived, or the server is stopping: an empty stream and the SAME horizon;
                // the client parks again (here, on another process, or after the restart).
                return new PollAnswer(horizon, []);
            }
        }
    }

    /// <summary>The initial sync: the account's snapshot and the horizon to continue from.</summary>
    private async Task<PollAnswer> SnapshotAsync(Guid accountId, IReadOnlyCollection<string> flags, CancellationToken ct)
    {
        var snapshot = await snapshots.TakeAsync(accountId, skipHidden: flags.Contains(PollFlags.SkipHidden), ct);
        return new PollAnswer(snapshot.Horizon, snapshot.Records.Select(Serialize).ToList());
    }

    private static string Serialize(IStreamRecord record) =>
        System.Text.Json.JsonSerializer.Serialize(record, record.GetType(), FleepJson.Options);
}
