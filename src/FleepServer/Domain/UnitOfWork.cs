using FleepServer.Data;
using FleepServer.Streams;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FleepServer.Domain;

/// <summary>
/// The one write path (docs/writes.md). Every change of state runs as one unit: this class opens
/// the transaction, runs the action's work, saves what the work left tracked, appends every stream
/// record the work queued in ONE statement (the stream heads are the last locks a unit takes),
/// commits, and lets the commit wake the recipients' polls. Nothing else begins or commits.
///
/// Lock order, for every unit: advisory pair locks, then <c>accounts</c> rows, then
/// <c>conversations</c> by id, then <c>messages</c>, then <c>contacts</c> entries by (owner,
/// contact), then <c>account_streams</c> heads by account id, at commit. A unit started inside
/// another (a dialog created by <c>contact:get_dialog</c>) joins the outer one.
///
/// A transient failure re-runs the whole work with the same input, at most
/// <see cref="MaxAttempts"/> times with jittered backoff: a deadlock (40P01), a serialization
/// failure (40001), the unique-key race of a <c>client_req_id</c> (23505 on
/// <c>client_requests</c>: the re-run finds the winner's result), and a lost connection before
/// the commit was sent. A lost connection while committing leaves the outcome unknown: it is
/// retried only when the work carries a <c>client_req_id</c>, which makes the re-run answer the
/// first result if the commit did happen.
/// </summary>
public sealed class UnitOfWork(FleepDbContext db, StreamAppender streams, ILogger<UnitOfWork> logger)
{
    public const int MaxAttempts = 5;

    private bool running;

    /// <summary>True while a unit runs in this scope: stream records may be queued, nested units join.</summary>
    public bool IsRunning => running;

    /// <summary>Runs <paramref name="work"/> as one unit and returns its answer, built inside the unit from rows read under its locks.</summary>
    public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct) => RunAsync(work, idempotent: false, ct);

    /// <summary>
    /// As <see cref="RunAsync{T}(Func{CancellationToken, Task{T}}, CancellationToken)"/>, for work that
    /// answers its first result when re-run (it carries a client_req_id), so a commit whose outcome
    /// is unknown may be re-run too.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, bool idempotent, CancellationToken ct)
    {
        if (running)
        {
            return await work(ct);
        }

        for (var attempt = 1; ; attempt++)
        {
            var committing = false;
            running = true;
            try
            {
                db.ChangeTracker.Clear();
                streams.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var result = await work(ct);
                await db.SaveChangesAsync(ct);
                await streams.FlushAsync(ct);
                committing = true;
                await transaction.CommitAsync(ct);
                return result;
            }
            catch (Exception e) when (attempt < MaxAttempts && !ct.IsCancellationRequested
                                      && RetryCause(e, committing, idempotent) is { } cause)
            {
                logger.LogWarning("Write retried after {Cause:l} (attempt {Attempt})", cause, attempt + 1);
                await Task.Delay(Backoff(attempt), ct);
            }
            finally
            {
                running = false;
                streams.Clear();
            }
        }
    }

    /// <summary>Runs work that answers nothing.</summary>
    public Task RunAsync(Func<CancellationToken, Task> work, CancellationToken ct) =>
        RunAsync(async token =>
        {
            await work(token);
            return true;
        }, ct);

    /// <summary>Why the failure may be retried (its SQLSTATE, or <c>connection</c>), or null when it may not.</summary>
    public static string? RetryCause(Exception e, bool committing, bool idempotent)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } p:
                    return p.SqlState;
                case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, TableName: "client_requests" } p:
                    return p.SqlState;
                case PostgresException:
                    return null;
                case NpgsqlException { IsTransient: true }:
                    return !committing || idempotent ? "connection" : null;
            }
        }

        return null;
    }

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * (1 << Math.Min(attempt, 6))));
}
