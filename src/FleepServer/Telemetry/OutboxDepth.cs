using System.Diagnostics;
using System.Diagnostics.Metrics;
using Npgsql;

namespace FleepServer.Telemetry;

/// <summary>
/// The depths of the durable queues, for the gauges <c>fleep.hooks.outgoing.queued</c> (outgoing
/// webhook deliveries), <c>fleep.files.external.queued</c> (external uploads not fetched yet) and
/// <c>fleep.mail.queued</c> (mail not accepted by the SMTP server yet).
/// A scrape reads all three in one command at most once per <see cref="MaxAge"/>; scrapes in between get
/// the remembered counts. A failed read (database away) reports nothing rather than a stale or
/// made-up number, and is not retried before <see cref="MaxAge"/> either.
/// </summary>
public sealed class OutboxDepth(IConfiguration configuration, ILogger<OutboxDepth> logger)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private long readAt = long.MinValue;
    private (long Hooks, long ExternalUploads, long Mail)? depths;

    /// <summary>The outgoing-webhook gauge's callback.</summary>
    public IEnumerable<Measurement<long>> ObserveOutgoingHooks() => Observe(d => d.Hooks);

    /// <summary>The external-upload gauge's callback.</summary>
    public IEnumerable<Measurement<long>> ObserveExternalUploads() => Observe(d => d.ExternalUploads);

    /// <summary>The mail outbox gauge's callback.</summary>
    public IEnumerable<Measurement<long>> ObserveMail() => Observe(d => d.Mail);

    private IEnumerable<Measurement<long>> Observe(Func<(long Hooks, long ExternalUploads, long Mail), long> pick)
    {
        lock (gate)
        {
            if (readAt == long.MinValue || Stopwatch.GetElapsedTime(readAt) >= MaxAge)
            {
                readAt = Stopwatch.GetTimestamp();
                depths = Read();
            }

            return depths is { } value ? [new Measurement<long>(pick(value))] : [];
        }
    }

    private (long Hooks, long ExternalUploads, long Mail)? Read()
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
            using var command = new NpgsqlCommand(
                "SELECT (SELECT count(*) FROM hook_deliveries), (SELECT count(*) FROM external_uploads), (SELECT count(*) FROM mail_outbox)", connection);
            using var reader = command.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            logger.LogDebug(e, "Reading the queue depths failed");
            return null;
        }
    }
}
