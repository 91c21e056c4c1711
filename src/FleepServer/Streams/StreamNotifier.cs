using System.Threading.Channels;
using FleepServer.Auth;
using Npgsql;

namespace FleepServer.Streams;

/// <summary>
/// Tells every server process on the database what changed, through PostgreSQL
/// <c>LISTEN/NOTIFY</c>. On <see cref="Channel"/>: accounts whose streams just grew, whose parked
/// polls wake (this process's at once). On <see cref="SessionChannel"/>: ended sessions
/// (<c>s</c> + id) and accounts whose sessions all need checking again (<c>a</c> + id), which
/// every process drops from its <see cref="SessionCache"/>. Outgoing ids are coalesced: one
/// <c>NOTIFY</c> carries every id queued since the previous one (up to the payload limit), never
/// one per change, so a burst of commits costs a few notifications, not one each.
/// <para>
/// Database outages (docs/operations.md, "Database outages"): both connections reconnect on their
/// own, one attempt a second, for as long as the process runs. Whenever the listening connection
/// (re)connects, anything may have been missed: after its <c>LISTEN</c> is in place every parked
/// poll of this process is woken once and re-reads its stream, so a record that committed while
/// the listener was down (here or in another process) still reaches it, and the whole session
/// cache is dropped. When the listening connection breaks, and again when it is back after a
/// break, the server's connection pool is cleared, so requests after the database returns get
/// fresh connections instead of ones the outage broke.
/// </para>
/// </summary>
public sealed class StreamNotifier(
    StreamWaiters waiters,
    SessionCache sessions,
    IConfiguration configuration,
    ILogger<StreamNotifier> logger)
    : BackgroundService
{
    public const string Channel = "fleep_stream";

    /// <summary>Payload <c>tag:s{session id},a{account id},...</c>; an empty tag (an administrator's own NOTIFY) is obeyed too.</summary>
    public const string SessionChannel = "fleep_session";

    // PostgreSQL caps a payload below 8000 bytes; a 33-character id plus a comma each.
    private const int IdsPerNotification = 200;

    private readonly Channel<Outgoing> outgoing = System.Threading.Channels.Channel.CreateUnbounded<Outgoing>(
        new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Tags this process's notifications so it does not wake itself twice.</summary>
    private readonly string processTag = Guid.NewGuid().ToString("N")[..12];

    /// <summary>Called after a commit that appended to these accounts' streams.</summary>
    public void Publish(IEnumerable<Guid> accountIds)
    {
        foreach (var accountId in accountIds)
        {
            waiters.Wake(accountId);
            outgoing.Writer.TryWrite(new Outgoing(Channel, accountId.ToString("N")));
        }
    }

    /// <summary>
    /// Called after a commit that ended these sessions, or all sessions of these accounts (or closed
    /// them): this process's cache forgets them at once, the other processes' when the notification arrives.
    /// </summary>
    public void PublishSessionsEnded(IReadOnlyCollection<Guid> sessionIds, IReadOnlyCollection<Guid> accountIds)
    {
        sessions.Drop(sessionIds, accountIds);
        foreach (var sessionId in sessionIds)
        {
            outgoing.Writer.TryWrite(new Outgoing(SessionChannel, "s" + sessionId.ToString("N")));
        }

        foreach (var accountId in accountIds)
        {
            outgoing.Writer.TryWrite(new Outgoing(SessionChannel, "a" + accountId.ToString("N")));
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(KeepRunning(SendAsync, stoppingToken), KeepRunning(ListenAsync, stoppingToken, onFailure: () =>
        {
            listenerBroke = true;
            ClearServerPool();
        }));

    /// <summary>Set when the listening connection broke; cleared once it is back and the pool was cleared again.</summary>
    private bool listenerBroke;

    private async Task SendAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var batches = new Dictionary<string, HashSet<string>> { [Channel] = [], [SessionChannel] = [] };
        while (await outgoing.Reader.WaitToReadAsync(ct))
        {
            var taken = 0;
            while (taken++ < IdsPerNotification && outgoing.Reader.TryRead(out var item))
            {
                batches[item.Channel].Add(item.Id);
            }

            foreach (var (channel, batch) in batches.Where(b => b.Value.Count > 0))
            {
                await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                notify.Parameters.AddWithValue("channel", channel);
                notify.Parameters.AddWithValue("payload", $"{processTag}:{string.Join(',', batch)}");
                await notify.ExecuteNonQueryAsync(ct);
                batch.Clear();
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        connection.Notification += (_, e) => OnNotification(e.Channel, e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}; LISTEN {SessionChannel}", connection))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }

        if (listenerBroke)
        {
            // The database is back: connections pooled before the outage are dead or about to be.
            ClearServerPool();
            listenerBroke = false;
            logger.LogInformation("Stream notifier reconnected; waking {Count} parked polls", waiters.Count);
        }

        // Anything sent while this process was not listening is unknown: let every parked poll
        // look, and check every session against the database again.
        sessions.Clear();
        waiters.WakeEveryone();
        while (!ct.IsCancellationRequested)
        {
            await connection.WaitAsync(ct);
        }
    }

    private void OnNotification(string channel, string payload)
    {
        var separator = payload.IndexOf(':');
        if (separator < 0 || payload.AsSpan(0, separator).SequenceEqual(processTag))
        {
            return;
        }

        var ids = payload[(separator + 1)..].Split(',');
        if (channel == SessionChannel)
        {
            OnSessionsEnded(ids);
            return;
        }

        foreach (var id in ids)
        {
            if (Guid.TryParseExact(id, "N", out var accountId))
            {
                waiters.Wake(accountId);
            }
        }
    }

    private void OnSessionsEnded(string[] ids)
    {
        var sessionIds = new List<Guid>();
        var accountIds = new List<Guid>();
        foreach (var id in ids)
        {
            if (id.Length == 33 && Guid.TryParseExact(id.AsSpan(1), "N", out var parsed))
            {
                if (id[0] == 's')
                {
                    sessionIds.Add(parsed);
                }
                else if (id[0] == 'a')
                {
                    accountIds.Add(parsed);
                }
            }
        }

        sessions.Drop(sessionIds, accountIds);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        // The server's connect timeout, so a reconnect attempt to a database that does not answer
        // gives up as quickly as a request does. Its command timeout stays the connection string's
        // (Npgsql's 30 s unless set): it runs only LISTEN and pg_notify, not requests.
        var given = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Fleep"));
        var builder = new NpgsqlConnectionStringBuilder(Data.FleepDbContext.ServerConnectionString(given.ConnectionString))
        {
            CommandTimeout = given.CommandTimeout,
            KeepAlive = 30,
            Pooling = false,
            ApplicationName = "fleepserver-notifier",
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>Closes the idle connections of the server's own pool (the one its database contexts use).</summary>
    private void ClearServerPool()
    {
        var connectionString = configuration.GetConnectionString("Fleep");
        if (!string.IsNullOrEmpty(connectionString))
        {
            using var connection = new NpgsqlConnection(Data.FleepDbContext.ServerConnectionString(connectionString));
            NpgsqlConnection.ClearPool(connection);
        }
    }

    private async Task KeepRunning(Func<CancellationToken, Task> loop, CancellationToken ct, Action? onFailure = null)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await loop(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Stream notifier connection failed; reconnecting");
                onFailure?.Invoke();
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private readonly record struct Outgoing(string Channel, string Id);
}
