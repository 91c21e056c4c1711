using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Streams;

/// <summary>
/// The accounts whose streams a database context appended to, waiting for its commit: one set per
/// context, kept beside the context rather than in it, so that the commit interceptor and the
/// context's options are built once for the process (the contexts are pooled) and the data layer
/// knows nothing of streams. A set lives as long as its context.
/// </summary>
public sealed class StreamOutbox
{
    private readonly ConditionalWeakTable<DbContext, HashSet<Guid>> pending = new();

    public void Add(DbContext context, IEnumerable<Guid> accountIds)
    {
        var accounts = pending.GetOrCreateValue(context);
        lock (accounts)
        {
            accounts.UnionWith(accountIds);
        }
    }

    /// <summary>The context's accounts since the last call, and forgets them.</summary>
    public Guid[] Take(DbContext? context)
    {
        if (context is null || !pending.TryGetValue(context, out var accounts))
        {
            return [];
        }

        lock (accounts)
        {
            var taken = accounts.ToArray();
            accounts.Clear();
            return taken;
        }
    }
}
