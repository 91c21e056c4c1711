using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace FleepServer.Auth;

/// <summary>What a session check needs of a session row and its account, as last read or written.</summary>
public sealed record CachedSession(
    Guid Id,
    Guid AccountId,
    byte[] TicketHash,
    bool RememberMe,
    DateTimeOffset LastSeenTime,
    string Status,
    DateTimeOffset? ActivityTime);

/// <summary>
/// Sessions this process has checked, by token hash, so that a call on a known session costs no
/// database command. An entry is trusted for at most <see cref="LoginOptions.SessionCacheMaxAge"/>
/// after it was read; ending a session drops it at once here (<see cref="Drop"/>) and, through the
/// notifier, in the other processes. A read that raced with a drop is never stored: every drop
/// moves <see cref="Epoch"/>, and a read taken under an older epoch is discarded. Memory is bounded
/// by <see cref="LoginOptions.SessionCacheCapacity"/>; entries past their age are swept.
/// </summary>
public sealed class SessionCache(TimeProvider time, IOptions<FleepOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private long epoch;
    private long lastSweepTicks = time.GetUtcNow().UtcTicks;

    private TimeSpan MaxAge => options.Value.Login.SessionCacheMaxAge;

    /// <summary>Moves on every drop; take it BEFORE reading a session from the database.</summary>
    public long Epoch => Interlocked.Read(ref epoch);

    public int Count => entries.Count;

    /// <summary>The cached session for this token hash, or null when unknown or older than the max age.</summary>
    public CachedSession? Find(byte[] tokenHash)
    {
        var now = time.GetUtcNow();
        SweepNowAndThen(now);
        var key = Key(tokenHash);
        if (!entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (now - entry.ReadTime >= MaxAge)
        {
            entries.TryRemove(KeyValuePair.Create(key, entry));
            return null;
        }

        return entry.Session;
    }

    /// <summary>Keeps a session just read from the database, unless a drop happened since <paramref name="epochBeforeRead"/>.</summary>
    public void Store(byte[] tokenHash, CachedSession session, long epochBeforeRead)
    {
        var now = time.GetUtcNow();
        if (entries.Count >= options.Value.Login.SessionCacheCapacity)
        {
            MakeRoom(now);
        }

        var key = Key(tokenHash);
        var entry = new Entry(session, now);
        entries[key] = entry;
        // A drop that started after the read either removed this entry or moved the epoch before this check.
        if (Epoch != epochBeforeRead)
        {
            entries.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    /// <summary>Replaces a cached session by the copy this process just wrote; its read time stays.</summary>
    public void Update(byte[] tokenHash, CachedSession current, CachedSession updated)
    {
        var key = Key(tokenHash);
        if (entries.TryGetValue(key, out var entry) && ReferenceEquals(entry.Session, current))
        {
            entries.TryUpdate(key, new Entry(updated, entry.ReadTime), entry);
        }
    }

    /// <summary>Forgets these sessions and every session of these accounts.</summary>
    public void Drop(IReadOnlyCollection<Guid> sessionIds, IReadOnlyCollection<Guid> accountIds)
    {
        Interlocked.Increment(ref epoch);
        if (sessionIds.Count == 0 && accountIds.Count == 0)
        {
            return;
        }

        var sessions = sessionIds.ToHashSet();
        var accounts = accountIds.ToHashSet();
        foreach (var (key, entry) in entries)
        {
            if (sessions.Contains(entry.Session.Id) || accounts.Contains(entry.Session.AccountId))
            {
                entries.TryRemove(KeyValuePair.Create(key, entry));
            }
        }
    }

    /// <summary>Forgets everything; for when drops from other processes may have been missed.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref epoch);
        entries.Clear();
    }

    // Once per max age, on some caller's thread: entries past their age are never served again.
    private void SweepNowAndThen(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref lastSweepTicks);
        if (now.UtcTicks - last < MaxAge.Ticks || Interlocked.CompareExchange(ref lastSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }

        RemoveAged(now);
    }

    private void MakeRoom(DateTimeOffset now)
    {
        RemoveAged(now);
        var capacity = options.Value.Login.SessionCacheCapacity;
        var excess = entries.Count - capacity * 9 / 10;
        if (excess <= 0)
        {
            return;
        }

        // Still full of live entries: the oldest reads go first; they are re-read on their next use.
        foreach (var (key, entry) in entries.OrderBy(e => e.Value.ReadTime).Take(excess).ToList())
        {
            entries.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    private void RemoveAged(DateTimeOffset now)
    {
        foreach (var (key, entry) in entries)
        {
            if (now - entry.ReadTime >= MaxAge)
            {
                entries.TryRemove(KeyValuePair.Create(key, entry));
            }
        }
    }

    private static string Key(byte[] tokenHash) => Convert.ToBase64String(tokenHash);

    // A class, not a record: replacing and removing compare entries by reference.
    private sealed class Entry(CachedSession session, DateTimeOffset readTime)
    {
        public CachedSession Session { get; } = session;
        public DateTimeOffset ReadTime { get; } = readTime;
    }
}
