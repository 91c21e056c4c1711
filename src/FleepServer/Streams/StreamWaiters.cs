using System.Collections.Concurrent;
using FleepServer.Telemetry;

namespace FleepServer.Streams;

/// <summary>How a parked wait ended.</summary>
public enum WaitEnd
{
    /// <summary>The account's stream may have grown: read it again.</summary>
    Woken,

    /// <summary>The poll's wait ran out.</summary>
    TimedOut,

    /// <summary>The server is stopping: answer now, so the client polls again elsewhere or after the restart.</summary>
    Stopping,
}

/// <summary>
/// Parked polls of this process, by account. A waiter is a task that completes when something
/// may have been appended to its account's stream; it holds no thread and no database
/// connection. Wake-ups are hints: the poll re-reads the database to see what is there. When the
/// server begins to stop, every wait ends at once (<see cref="WaitEnd.Stopping"/>), so parked
/// polls are answered with their own horizon instead of holding up the shutdown.
/// </summary>
public sealed class StreamWaiters
{
    private readonly FleepMetrics metrics;
    private readonly CancellationToken stopping;
    private readonly ConcurrentDictionary<Guid, AccountWaiters> byAccount = new();
    private long parked;

    public StreamWaiters(IHostApplicationLifetime lifetime, FleepMetrics metrics)
    {
        stopping = lifetime.ApplicationStopping;
        this.metrics = metrics;
        metrics.ObserveParkedPolls(() => Count);
    }

    /// <summary>Parked polls right now, in this process.</summary>
    public long Count => Interlocked.Read(ref parked);

    /// <summary>
    /// Registers a waiter. Register BEFORE reading the stream: a record committed between the read
    /// and the wait then still completes the waiter, so no wake-up is lost.
    /// </summary>
    public Waiter Register(Guid accountId)
    {
        var waiter = new Waiter(this, accountId);
        while (true)
        {
            var waiters = byAccount.GetOrAdd(accountId, _ => new AccountWaiters());
            if (waiters.TryAdd(waiter))
            {
                break;
            }

            // The list emptied and retired between lookup and add; drop it and take a fresh one.
            byAccount.TryRemove(new KeyValuePair<Guid, AccountWaiters>(accountId, waiters));
        }

        Interlocked.Increment(ref parked);
        return waiter;
    }

    public void Wake(Guid accountId)
    {
        if (byAccount.TryGetValue(accountId, out var waiters))
        {
            metrics.PollsWoken(waiters.WakeAll(), "account");
        }
    }

    /// <summary>Wakes every parked poll; used when notifications from other processes may have been missed.</summary>
    public void WakeEveryone()
    {
        var woken = 0;
        foreach (var waiters in byAccount.Values)
        {
            woken += waiters.WakeAll();
        }

        metrics.PollsWoken(woken, "everyone");
    }

    public void Wake(IEnumerable<Guid> accountIds)
    {
        foreach (var accountId in accountIds)
        {
            Wake(accountId);
        }
    }

    private void Remove(Waiter waiter)
    {
        if (byAccount.TryGetValue(waiter.AccountId, out var waiters) && waiters.RemoveAndRetireIfEmpty(waiter))
        {
            byAccount.TryRemove(new KeyValuePair<Guid, AccountWaiters>(waiter.AccountId, waiters));
        }

        Interlocked.Decrement(ref parked);
    }

    /// <summary>One parked poll. Dispose it when the poll ends, however it ends.</summary>
    public sealed class Waiter(StreamWaiters owner, Guid accountId) : IDisposable
    {
        private readonly TaskCompletionSource woken = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int disposed;

        public Guid AccountId { get; } = accountId;

        /// <summary>Completes when the account's stream may have grown.</summary>
        public Task Woken => woken.Task;

        /// <summary>Waits until woken, until <paramref name="timeout"/> runs out, or until the server begins to stop.</summary>
        public async Task<WaitEnd> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
        {
            var stopping = owner.stopping;
            if (stopping.IsCancellationRequested)
            {
                return WaitEnd.Stopping;
            }

            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, stopping);
            try
            {
                await woken.Task.WaitAsync(timeout, time, either.Token);
                return WaitEnd.Woken;
            }
            catch (TimeoutException)
            {
                return WaitEnd.TimedOut;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                return WaitEnd.Stopping;
            }
        }

        internal bool Wake() => woken.TrySetResult();

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Remove(this);
            }
        }
    }

    /// <summary>
    /// The waiters of one account; small lists, guarded by their own lock. A list that empties is
    /// retired and never takes another waiter, so no waiter can land in a list that has already
    /// been dropped from the dictionary.
    /// </summary>
    private sealed class AccountWaiters
    {
        private readonly List<Waiter> waiters = [];
        private bool retired;

        public bool TryAdd(Waiter waiter)
        {
            lock (waiters)
            {
                if (retired)
                {
                    return false;
                }

                waiters.Add(waiter);
                return true;
            }
        }

        /// <summary>Removes a waiter; true when the list became empty and is now retired.</summary>
        public bool RemoveAndRetireIfEmpty(Waiter waiter)
        {
            lock (waiters)
            {
                waiters.Remove(waiter);
                retired = waiters.Count == 0;
                return retired;
            }
        }

        /// <summary>Wakes every waiter; answers how many were still asleep.</summary>
        public int WakeAll()
        {
            var woken = 0;
            lock (waiters)
            {
                foreach (var waiter in waiters)
                {
                    woken += waiter.Wake() ? 1 : 0;
                }
            }

            return woken;
        }
    }
}
