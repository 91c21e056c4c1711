namespace FleepServer.TestControl;

/// <summary>
/// The clock of a server in test mode (<c>--ephemeral</c>, the test stand-in): the system clock
/// plus an offset that only grows. <see cref="Advance"/> moves "now" forward for everything that
/// compares times (session lifetimes, lockouts, writing pens); timers and waits still run on real
/// time, so a long-poll parks for its real wait and nothing freezes.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <summary>Moves the clock forward by <paramref name="by"/> (zero or more) and returns the new now.</summary>
    public DateTimeOffset Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref offsetTicks, by.Ticks);
        return GetUtcNow();
    }

    /// <summary>Back to the system time.</summary>
    public void Reset() => Interlocked.Exchange(ref offsetTicks, 0);
}
