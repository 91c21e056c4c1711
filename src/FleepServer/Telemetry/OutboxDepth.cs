using System.Diagnostics;
using System.Diagnostics.Metrics;
using Npgsql;

namespace FleepServer.Telemetry;

/// <summary>
/// The number of queued outgoing webhook deliveries, for the <c>fleep.hooks.outgoing.queued</c>
/// gauge. A scrape reads the database at most once per <see cref="MaxAge"/>; scrapes in between
/// get the remembered count. A failed read (database away) reports nothing rather than a stale or
/// made-up number, and is not retried before <see cref="MaxAge"/> either.
/// </summary>
public sealed class OutboxDepth(IConfiguration configuration, ILogger<OutboxDepth> logger)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private long readAt = long.MinValue;
    private long? depth;

    /// <summary>The gauge's callback.</summary>
    public IEnumerable<Measurement<long>> Observe()
    {
        lock (gate)
        {
            if (readAt == long.MinValue || Stopwatch.GetElapsedTime(readAt) >= MaxAge)
            {
                readAt = Stopwatch.GetTimestamp();
                depth = Read();
            }

            return depth is { } value ? [new Measurement<long>(value)] : [];
        }
    }

    private long? Read()
    {
        try
        {
            // Short timeouts: a scrape must not hang on a database that does not answer.
            var connectionString = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Fleep"))
            {
                Timeout = 2,
                CommandTimeout = 2,
            }.ConnectionString;
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var command = new NpgsqlCommand("SELECT count(*) FROM hook_deliveries", connection);
            return (long)command.ExecuteScalar()!;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            logger.LogDebug(e, "Reading the outgoing hook outbox depth failed");
            return null;
        }
    }
}
