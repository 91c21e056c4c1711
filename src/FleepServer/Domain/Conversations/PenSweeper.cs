namespace FleepServer.Domain.Conversations;

/// <summary>
/// When pens set through this process run out: a hint that lets <see cref="PenSweeper"/> look in
/// the database only when a pen may have expired. The database stays the truth; a pen set by
/// another process is found by that process's sweeper, or by the periodic full sweep.
/// </summary>
public sealed class PenSchedule
{
    private readonly Lock gate = new();
    private readonly SortedSet<DateTimeOffset> due = [];

    public void Add(DateTimeOffset until)
    {
        lock (gate)
        {
            due.Add(until);
        }
    }

    public bool IsDue(DateTimeOffset now)
    {
        lock (gate)
        {
            return due.Count > 0 && due.Min <= now;
        }
    }

    /// <summary>Forgets the expiries a sweep at <paramref name="now"/> has covered.</summary>
    public void Swept(DateTimeOffset now)
    {
        lock (gate)
        {
            due.RemoveWhere(t => t <= now);
        }
    }
}

/// <summary>
/// Ends writing pens that ran out (a pen lasts 30 s unless renewed) and tells the
/// other members, as an <c>activity</c> record with <c>is_writing: false</c>, so clients need no
/// timer of their own. It checks every <see cref="TickInterval"/> whether a pen set here is due,
/// and sweeps every <see cref="FullSweepInterval"/> regardless (pens of a process that stopped).
/// Time comes from <see cref="TimeProvider"/>, so tests drive it with a fake clock. Several server
/// processes may sweep at once: each expired pen is ended by exactly one of them.
/// </summary>
public sealed class PenSweeper(IServiceProvider services, PenSchedule schedule, TimeProvider time, ILogger<PenSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan FullSweepInterval = TimeSpan.FromMinutes(1);

    /// <summary>Pens ended per transaction.</summary>
    public const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TickInterval, time);
        var lastSweep = time.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetUtcNow();
                if (!schedule.IsDue(now) && now - lastSweep < FullSweepInterval)
                {
                    continue;
                }

                try
                {
                    await SweepAsync(now, stoppingToken);
                    schedule.Swept(now);
                    lastSweep = now;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The next tick tries again; a failed sweep must not stop the server.
                    logger.LogWarning(e, "Ending expired writing pens failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Ends every pen that ran out by <paramref name="now"/>, batch by batch.</summary>
    public async Task SweepAsync(DateTimeOffset now, CancellationToken ct)
    {
        while (true)
        {
            await using var scope = services.CreateAsyncScope();
            var ended = await scope.ServiceProvider.GetRequiredService<ConversationActivity>().EndExpiredAsync(now, Batch, ct);
            if (ended < Batch)
            {
                return;
            }
        }
    }
}
