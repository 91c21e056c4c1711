using System.Threading.Channels;
using Npgsql;

namespace FleepServer.Streams;

/// <summary>
/// Wakes the polls waiting for accounts whose streams just grew: this process's at once, other
/// processes' through PostgreSQL <c>LISTEN/NOTIFY</c>. Outgoing account ids are coalesced: one
/// <c>NOTIFY</c> carries every account touched since the previous one (up to the payload limit),
/// never one per message, so a burst of commits costs a few notifications, not one each.
/// </summary>
public sealed class StreamNotifier(StreamWaiters waiters, IConfiguration configuration, ILogger<StreamNotifier> logger)
    : BackgroundService
{
    public const string Channel = "fleep_stream";

    // PostgreSQL caps a payload below 8000 bytes; a 32-character id plus a comma each.
    private const int IdsPerNotification = 200;

    private readonly Channel<Guid> outgoing = System.Threading.Channels.Channel.CreateUnbounded<Guid>(
        new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Tags this process's notifications so it does not wake itself twice.</summary>
    private readonly string processTag = Guid.NewGuid().ToString("N")[..12];

    /// <summary>Called after a commit that appended to these accounts' streams.</summary>
    public void Publish(IEnumerable<Guid> accountIds)
    {
        foreach (var accountId in accountIds)
        {
            waiters.Wake(accountId);
            outgoing.Writer.TryWrite(accountId);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(KeepRunning(SendAsync, stoppingToken), KeepRunning(ListenAsync, stoppingToken));

    private async Task SendAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var batch = new HashSet<Guid>();
        while (await outgoing.Reader.WaitToReadAsync(ct))
        {
            while (batch.Count < IdsPerNotification && outgoing.Reader.TryRead(out var accountId))
            {
                batch.Add(accountId);
            }

            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
            notify.Parameters.AddWithValue("channel", Channel);
            notify.Parameters.AddWithValue("payload", $"{processTag}:{string.Join(',', batch.Select(id => id.ToString("N")))}");
            await notify.ExecuteNonQueryAsync(ct);
            batch.Clear();
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        connection.Notification += (_, e) => OnNotification(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }

        // Anything sent while this process was not listening is unknown: let every parked poll look.
        waiters.WakeEveryone();
        while (!ct.IsCancellationRequested)
        {
            await connection.WaitAsync(ct);
        }
    }

    private void OnNotification(string payload)
    {
        var separator = payload.IndexOf(':');
        if (separator < 0 || payload.AsSpan(0, separator).SequenceEqual(processTag))
        {
            return;
        }

        foreach (var id in payload[(separator + 1)..].Split(','))
        {
            if (Guid.TryParseExact(id, "N", out var accountId))
            {
                waiters.Wake(accountId);
            }
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Fleep"))
        {
            KeepAlive = 30,
            Pooling = false,
            ApplicationName = "fleepserver-notifier",
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private async Task KeepRunning(Func<CancellationToken, Task> loop, CancellationToken ct)
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
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
