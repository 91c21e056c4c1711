namespace FleepServer.Streams;

/// <summary>
/// The accounts whose streams the current request appended to, waiting for the commit. Kept apart
/// from <see cref="StreamAppender"/> so that the commit interceptor, which the database context
/// itself depends on, does not depend on the context.
/// </summary>
public sealed class StreamOutbox
{
    private readonly HashSet<Guid> accounts = [];

    public void Add(IEnumerable<Guid> accountIds) => accounts.UnionWith(accountIds);

    public Guid[] Take()
    {
        var taken = accounts.ToArray();
        accounts.Clear();
        return taken;
    }
}
