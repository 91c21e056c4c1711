using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FleepServer.Domain;

/// <summary>
/// Wakes one background worker of this process (the outgoing-webhook sender, the external-upload
/// fetcher, the mail sender): at once (<see cref="Wake"/>), or right after the transaction that
/// queued its work commits (<see cref="WakeAfterCommit"/>; never before, the worker would not see
/// the rows yet, and never for a rollback). Work queued by other processes is found by each
/// worker's periodic sweep. One wake-up covers any number of queued items.
/// </summary>
public abstract class WorkerSignal
{
    private readonly ConditionalWeakTable<DbContext, object> pending = new();
    private readonly SemaphoreSlim wake = new(0, 1);

    public void WakeAfterCommit(DbContext context) => pending.AddOrUpdate(context, this);

    /// <summary>Called when a transaction of <paramref name="context"/> ended; wakes the worker when it committed queued items.</summary>
    public void Ended(DbContext? context, bool committed)
    {
        if (context is not null && pending.Remove(context) && committed)
        {
            Wake();
        }
    }

    public void Wake()
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>Waits for a wake-up or <paramref name="timeout"/>, whichever comes first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => wake.WaitAsync(timeout, ct);
}

/// <summary>Hands the end of every transaction to every <see cref="WorkerSignal"/>; it hangs on the database context, so no action can forget it.</summary>
public sealed class WorkerCommitInterceptor(IEnumerable<WorkerSignal> signals) : DbTransactionInterceptor
{
    private readonly WorkerSignal[] all = [.. signals];

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData.Context, committed: true);
        return Task.CompletedTask;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        Ended(eventData.Context, committed: true);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData.Context, committed: false);
        return Task.CompletedTask;
    }

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData.Context, committed: false);
        return Task.CompletedTask;
    }

    private void Ended(DbContext? context, bool committed)
    {
        foreach (var signal in all)
        {
            signal.Ended(context, committed);
        }
    }
}

/// <summary>
/// A background worker woken by its <see cref="WorkerSignal"/>: runs a round at start, then after
/// every wake-up or when the time the last round answered has passed (the next retry falls due, or
/// the sweep for work of other processes). A failed round is logged and tried again after
/// <see cref="SweepInterval"/>; it never stops the server.
/// </summary>
public abstract class SignalledWorker(WorkerSignal signal, ILogger logger) : BackgroundService
{
    /// <summary>Whether this process runs the worker at all.</summary>
    protected abstract bool Enabled { get; }

    protected abstract TimeSpan SweepInterval { get; }

    /// <summary>One round of work; answers how long to sleep until the next known due item.</summary>
    protected abstract Task<TimeSpan> RunOnceAsync(CancellationToken ct);

    /// <summary>Called once the loop ended (the server stops), to let work in flight end.</summary>
    protected virtual Task StoppedAsync() => Task.CompletedTask;

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        var wait = TimeSpan.Zero;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await signal.WaitAsync(wait, stoppingToken);
                try
                {
                    wait = await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "{Worker} failed a round; it tries again", GetType().Name);
                    wait = SweepInterval;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await StoppedAsync();
    }
}
