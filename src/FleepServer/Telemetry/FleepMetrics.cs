using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FleepServer.Telemetry;

/// <summary>
/// The server's own instruments, in one meter (<see cref="MeterName"/>). The code that knows a value
/// records it here; docs/operations.md ("Metrics and traces") lists the series. Names follow
/// OpenTelemetry's conventions (dots, units apart); Prometheus shows them with underscores and
/// unit/<c>_total</c> suffixes, e.g. <c>fleep_stream_append_duration_seconds</c>.
/// </summary>
public sealed class FleepMetrics
{
    public const string MeterName = "FleepServer";

    /// <summary>Bucket bounds (seconds) for short database work: 0.5 ms up to 10 s.</summary>
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> wakeups;
    private readonly Histogram<double> appendDuration;
    private readonly Counter<long> outgoingRetries;
    private readonly Counter<long> rateLimitRefusals;
    private Func<long>? parkedPolls;

    public FleepMetrics(IMeterFactory meters, OutboxDepth outboxDepth)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("fleep.polls.parked", ObserveParkedPolls, "{poll}",
            "Polls (account/poll, account/listen) parked in this process, waiting for their account's stream to grow.");
        wakeups = meter.CreateCounter<long>("fleep.polls.wakeups", "{poll}",
            "Parked polls woken because their account's stream may have grown (trigger: account, or everyone after a missed notification).");
        appendDuration = meter.CreateHistogram("fleep.stream.append.duration", "s",
            "Time of the statement that appends a unit of work's records to account streams.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        meter.CreateObservableGauge("fleep.hooks.outgoing.queued", outboxDepth.ObserveOutgoingHooks, "{delivery}",
            "Outgoing webhook deliveries waiting in the outbox (all processes; read at most every few seconds).");
        meter.CreateObservableGauge("fleep.files.external.queued", outboxDepth.ObserveExternalUploads, "{upload}",
            "External uploads accepted and not fetched yet (all processes; read at most every few seconds).");
        meter.CreateObservableGauge("fleep.mail.queued", outboxDepth.ObserveMail, "{mail}",
            "Mails in the outbox not accepted by the SMTP server yet, retries included (all processes; read at most every few seconds).");
        outgoingRetries = meter.CreateCounter<long>("fleep.hooks.outgoing.retries", "{delivery}",
            "Failed outgoing webhook deliveries that will be retried, by cause (http_4xx, http_5xx, timeout, refused, ...).");
        rateLimitRefusals = meter.CreateCounter<long>("fleep.rate_limit.refusals", "{request}",
            "Requests refused by a rate limiter (limiter: login, hook).");
    }

    /// <summary>Where the parked-polls gauge reads its value; the waiters register themselves.</summary>
    public void ObserveParkedPolls(Func<long> count) => parkedPolls = count;

    public void PollsWoken(int count, string trigger)
    {
        if (count > 0)
        {
            wakeups.Add(count, new KeyValuePair<string, object?>("trigger", trigger));
        }
    }

    /// <summary>Records the time since <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) as one append.</summary>
    public void StreamAppended(long startTimestamp) =>
        appendDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);

    public void OutgoingRetry(string cause) =>
        outgoingRetries.Add(1, new KeyValuePair<string, object?>("cause", cause));

    public void RateLimitRefused(string limiter) =>
        rateLimitRefusals.Add(1, new KeyValuePair<string, object?>("limiter", limiter));

    private IEnumerable<Measurement<long>> ObserveParkedPolls() =>
        parkedPolls is { } count ? [new Measurement<long>(count())] : [];
}
