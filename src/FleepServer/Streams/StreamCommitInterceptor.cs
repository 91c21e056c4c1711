using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FleepServer.Streams;

/// <summary>
/// Signals the waiters of every account a transaction appended to, right after that transaction
/// commits — never before (a poll could read before the records are visible) and never for a
/// rollback. Actions cannot forget it: it hangs on the database context. One for the process:
/// the outbox of each context is found by the context of the event.
/// </summary>
public sealed class StreamCommitInterceptor(StreamOutbox outbox, StreamNotifier notifier) : DbTransactionInterceptor
{
    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        notifier.Publish(outbox.Take(eventData.Context));
        return Task.CompletedTask;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        notifier.Publish(outbox.Take(eventData.Context));

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        outbox.Take(eventData.Context);
        return Task.CompletedTask;
    }

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        outbox.Take(eventData.Context);
        return Task.CompletedTask;
    }
}
