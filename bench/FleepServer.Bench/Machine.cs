using System.Diagnostics;
using System.Globalization;

namespace FleepServer.Bench;

/// <summary>What /proc says about processes: CPU seconds (user + system) and resident memory.</summary>
public static class Machine
{
    private static readonly double TicksPerSecond = 100.0; // USER_HZ on Linux

    /// <summary>CPU seconds of a process; with <paramref name="reaped"/>, plus those of its children that have exited.</summary>
    public static double CpuSeconds(int pid, bool reaped = false)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may contain spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // utime, stime, cutime, cstime are fields 14 to 17 of the whole line: 12 to 15 after the name.
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            if (reaped)
            {
                ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            }

            return ticks / TicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    public static int ParentPid(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }

    /// <summary>
    /// CPU seconds of a process and all its children, running or exited (PostgreSQL: the postmaster,
    /// its backends, and the backends of connections already closed, which the postmaster reaped).
    /// </summary>
    public static double TreeCpuSeconds(int root)
    {
        var total = CpuSeconds(root, reaped: true);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != root && ParentPid(pid) == root)
            {
                total += CpuSeconds(pid);
            }
        }

        return total;
    }

    public static long RssBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    public static double SelfCpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();

    /// <summary>The 1-minute load average: runnable processes, averaged.</summary>
    public static double OneMinuteLoad() =>
        double.Parse(LoadAverage().Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>
    /// Why a run started now would not be comparable with others: the machine was already busy
    /// (1-minute load average at or above half the cores, i.e. other work held a core's worth of
    /// the machine on average); null when it was quiet.
    /// </summary>
    public static string? BusyReason()
    {
        var load = OneMinuteLoad();
        var limit = Environment.ProcessorCount / 2.0;
        return load >= limit
            ? $"the 1-minute load average was {load.ToString("0.00", CultureInfo.InvariantCulture)} at the start, at or above {limit.ToString("0.0", CultureInfo.InvariantCulture)} (half the {Environment.ProcessorCount} cores): the machine was busy before the bench began"
            : null;
    }

    public static long OpenFileLimit()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var value = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
                return value == "unlimited" ? long.MaxValue : long.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}

/// <summary>CPU seconds of the server(s), PostgreSQL and this load generator over one measured window.</summary>
public sealed record CpuUse(double Server, double Postgres, double LoadGenerator, double WallSeconds);

public sealed class CpuMeter(Func<IEnumerable<int>> serverPids, int postmasterPid)
{
    public CpuWindow Start() => new(this, Read(), Stopwatch.GetTimestamp());

    internal (double Server, double Postgres, double Self) Read() =>
        (serverPids().Sum(pid => Machine.CpuSeconds(pid)), Machine.TreeCpuSeconds(postmasterPid), Machine.SelfCpuSeconds());

    public sealed class CpuWindow(CpuMeter meter, (double Server, double Postgres, double Self) start, long started)
    {
        public CpuUse Stop()
        {
            var end = meter.Read();
            return new CpuUse(end.Server - start.Server, end.Postgres - start.Postgres, end.Self - start.Self,
                Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}

public static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
