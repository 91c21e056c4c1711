using System.Diagnostics;

namespace FleepServer.Bench;

public sealed record LoopResult(double PerSecond, int Errors, CpuUse Cpu);

public sealed record DeliveryResult(double P50Ms, double P99Ms, int Sent, int Delivered, int Lost, int Duplicates, int Errors, CpuUse Cpu)
{
    /// <summary>Changes answered per second, first send to last answer: below the offered rate means the writer saturated.</summary>
    public double AnsweredPerSecond { get; init; }
}

public sealed record HoldResult(int Parked, int Held, double KbEach, double IdleCpuPercent, int Errors, CpuUse Cpu)
{
    /// <summary>Seconds from the last poll sent until the process went quiet.</summary>
    public double SettleSeconds { get; init; }

    /// <summary>Failed parks by status and the start of the answer.</summary>
    public IReadOnlyDictionary<string, int> Failures { get; init; } = new Dictionary<string, int>();
}

/// <summary>The load shapes: closed loop, open-loop delivery to parked polls, and holding parked polls.</summary>
public static class Engines
{
    /// <summary><paramref name="concurrency"/> workers call back to back; counts calls completed inside the measured window.</summary>
    public static async Task<LoopResult> ClosedLoopAsync(CpuMeter meter, int concurrency, TimeSpan warmup, TimeSpan duration, Func<int, Task<bool>> call)
    {
        long completed = 0;
        var errors = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await call(w))
                {
                    Interlocked.Increment(ref completed);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToList();

        await Task.Delay(warmup);
        var window = meter.Start();
        var before = Interlocked.Read(ref completed);
        await Task.Delay(duration);
        var after = Interlocked.Read(ref completed);
        var cpu = window.Stop();
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        return new LoopResult((after - before) / cpu.WallSeconds, errors, cpu);
    }

    /// <summary>
    /// Open loop: <paramref name="pollers"/> long-polls stay parked (each re-parks as soon as it is
    /// answered) while changes go out at <paramref name="rate"/> per second, change i to poller
    /// i % pollers. Latency = the poll answer carrying i, minus the moment change i was sent, both
    /// stamped by this process.
    /// </summary>
    public static async Task<DeliveryResult> DeliveryAsync(CpuMeter meter, int pollers, double rate, TimeSpan duration, TimeSpan settle,
        Func<int, CancellationToken, Task<(bool Ok, long[] Seqs)>> pollOnce, Func<long, int, Task<bool>> change)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var sent = new long[total];
        var received = new long[total];
        var failed = new bool[total];
        var duplicates = 0;
        var errors = 0;
        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, pollers).Select(p => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                (bool Ok, long[] Seqs) answer;
                try
                {
                    answer = await pollOnce(p, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }

                var now = Stopwatch.GetTimestamp();
                if (!answer.Ok)
                {
                    if (!stop.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref errors);
                        await Task.Delay(100);
                    }

                    continue;
                }

                foreach (var seq in answer.Seqs)
                {
                    if (seq >= 0 && seq < total && Interlocked.CompareExchange(ref received[seq], now, 0) != 0)
                    {
                        Interlocked.Increment(ref duplicates);
                    }
                }
            }
        })).ToList();

        await Task.Delay(settle);
        var window = meter.Start();
        var start = Stopwatch.GetTimestamp();
        var changes = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * Stopwatch.Frequency / rate);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var seq = i;
            sent[seq] = Stopwatch.GetTimestamp();
            changes.Add(Task.Run(async () =>
            {
                if (!await change(seq, seq % pollers))
                {
                    failed[seq] = true;
                }
            }));
        }

        await Task.WhenAll(changes);
        var answeredPerSecond = total / Stopwatch.GetElapsedTime(start).TotalSeconds;
        var deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < deadline && Enumerable.Range(0, total).Any(i => !failed[i] && Volatile.Read(ref received[i]) == 0))
        {
            await Task.Delay(10);
        }

        var cpu = window.Stop();
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        var latencies = Enumerable.Range(0, total).Where(i => received[i] != 0).Select(i => FleepCalls.Ms(sent[i], received[i])).ToList();
        var failures = failed.Count(f => f);
        var lost = Enumerable.Range(0, total).Count(i => !failed[i] && received[i] == 0);
        return new DeliveryResult(Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 99), total, latencies.Count, lost,
            duplicates, errors + failures, cpu) { AnsweredPerSecond = answeredPerSecond };
    }

    /// <summary>
    /// Open loop for messages: <paramref name="pollers"/> long-polls stay parked (each re-parks as
    /// soon as it is answered) while sends go out at <paramref name="rate"/> per second. A send
    /// reports the (conversation_id, message_nr) the server gave its message; a poll answer
    /// reports the (conversation_id, message_nr) of every message record it carried. Send i is
    /// delivered when <paramref name="receivers"/>(i) different pollers have received it; its
    /// latency runs from the moment it was sent to the LAST of those receipts, both stamped by
    /// this process. Receipts are matched to sends after the fact, so a poll answer may arrive
    /// before the send's own answer.
    /// </summary>
    public static async Task<DeliveryResult> MessageDeliveryAsync(CpuMeter meter, int pollers, double rate, TimeSpan duration, TimeSpan settle,
        Func<int, CancellationToken, Task<(bool Ok, List<(Guid Conversation, long MessageNr)> Keys)>> pollOnce,
        Func<int, Task<(Guid Conversation, long MessageNr)?>> send, Func<int, int> receivers)
    {
        var total = Math.Max(1, (int)(rate * duration.TotalSeconds));
        var sent = new long[total];
        var keys = new (Guid Conversation, long MessageNr)?[total];
        var failed = new bool[total];
        var receipts = new System.Collections.Concurrent.ConcurrentDictionary<(Guid, long), List<(int Poller, long At)>>();
        var duplicates = 0;
        var errors = 0;
        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, pollers).Select(p => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                (bool Ok, List<(Guid, long)> Keys) answer;
                try
                {
                    answer = await pollOnce(p, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }

                var now = Stopwatch.GetTimestamp();
                if (!answer.Ok)
                {
                    if (!stop.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref errors);
                        await Task.Delay(100);
                    }

                    continue;
                }

                foreach (var key in answer.Keys)
                {
                    var list = receipts.GetOrAdd(key, _ => []);
                    lock (list)
                    {
                        if (list.Exists(r => r.Poller == p))
                        {
                            Interlocked.Increment(ref duplicates);
                        }
                        else
                        {
                            list.Add((p, now));
                        }
                    }
                }
            }
        })).ToList();

        int Received(int seq)
        {
            if (keys[seq] is not { } key || !receipts.TryGetValue(key, out var list))
            {
                return 0;
            }

            lock (list)
            {
                return list.Count;
            }
        }

        await Task.Delay(settle);
        var window = meter.Start();
        var start = Stopwatch.GetTimestamp();
        var sends = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * Stopwatch.Frequency / rate);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var seq = i;
            sent[seq] = Stopwatch.GetTimestamp();
            sends.Add(Task.Run(async () =>
            {
                var key = await send(seq);
                if (key is null)
                {
                    failed[seq] = true;
                }

                keys[seq] = key;
            }));
        }

        await Task.WhenAll(sends);
        var answeredPerSecond = total / Stopwatch.GetElapsedTime(start).TotalSeconds;
        var deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < deadline && Enumerable.Range(0, total).Any(i => !failed[i] && Received(i) < receivers(i)))
        {
            await Task.Delay(10);
        }

        var cpu = window.Stop();
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        var latencies = new List<double>();
        var lost = 0;
        for (var i = 0; i < total; i++)
        {
            if (failed[i])
            {
                continue;
            }

            var list = receipts.GetValueOrDefault(keys[i]!.Value) ?? [];
            if (list.Count < receivers(i))
            {
                lost++;
                continue;
            }

            latencies.Add(FleepCalls.Ms(sent[i], list.Max(r => r.At)));
        }

        return new DeliveryResult(Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 99), total, latencies.Count, lost,
            duplicates, errors + failed.Count(f => f), cpu) { AnsweredPerSecond = answeredPerSecond };
    }

    /// <summary>Latencies of back-to-back calls by one caller (closed loop, c=1) for <paramref name="duration"/>.</summary>
    public static async Task<(List<double> Ms, int Errors, CpuUse Cpu)> SerialLatencyAsync(CpuMeter meter, TimeSpan warmup, TimeSpan duration,
        Func<Task<bool>> call)
    {
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < warmup)
        {
            await call();
        }

        var latencies = new List<double>();
        var errors = 0;
        var window = meter.Start();
        var watch = Stopwatch.StartNew();
        // At least three calls, however slow each one is.
        while (watch.Elapsed < duration || latencies.Count + errors < 3)
        {
            var begin = Stopwatch.GetTimestamp();
            if (await call())
            {
                latencies.Add(FleepCalls.Ms(begin, Stopwatch.GetTimestamp()));
            }
            else
            {
                errors++;
            }
        }

        return (latencies, errors, window.Stop());
    }

    /// <summary>
    /// Parks <paramref name="count"/> requests on process <paramref name="pid"/> through fresh
    /// connections, measures its RSS growth per parked request and its CPU while they sit idle,
    /// then wakes every key and counts the requests that come back with their wake-up.
    /// </summary>
    public static async Task<HoldResult> HoldAsync(CpuMeter meter, int pid, int count, int keys, TimeSpan settle, TimeSpan quietLimit, TimeSpan idle,
        Func<LoadClient, int, CancellationToken, Task<Answer>> park, Func<int, Task<bool>> wake, Func<Answer, bool> delivered)
    {
        using var client = new LoadClient(TimeSpan.FromMinutes(15));
        var rssBefore = Machine.RssBytes(pid);
        var answered = 0;
        var held = 0;
        var errors = 0;
        var woken = 0;
        var failures = new Dictionary<string, int>();
        var parks = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var index = i;
            parks.Add(Task.Run(async () =>
            {
                var answer = await park(client, index, CancellationToken.None);
                Interlocked.Increment(ref answered);
                if (!answer.Ok)
                {
                    Interlocked.Increment(ref errors);
                    var text = System.Text.Encoding.UTF8.GetString(answer.Body);
                    lock (failures)
                    {
                        var key = $"{answer.Status}: {(text.Length > 160 ? text[..160] : text)}";
                        failures[key] = failures.GetValueOrDefault(key) + 1;
                    }
                }
                else if (Volatile.Read(ref woken) == 1 && delivered(answer))
                {
                    Interlocked.Increment(ref held);
                }
            }));
            if (i % 250 == 249)
            {
                await Task.Delay(50);
            }
        }

        // Parked means every poll has done its one read: wait until the process goes quiet (under
        // 5% of a core for a second), at least `settle`, at most `quietLimit` more.
        await Task.Delay(settle);
        var settling = Stopwatch.StartNew();
        while (settling.Elapsed < quietLimit)
        {
            var before = Machine.CpuSeconds(pid);
            await Task.Delay(TimeSpan.FromSeconds(1));
            if (Machine.CpuSeconds(pid) - before < 0.05)
            {
                break;
            }
        }

        var early = Volatile.Read(ref answered);
        var rssAfter = Machine.RssBytes(pid);
        var window = meter.Start();
        await Task.Delay(idle);
        var cpu = window.Stop();

        Volatile.Write(ref woken, 1);
        await Parallel.ForEachAsync(Enumerable.Range(0, keys), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (key, _) =>
        {
            if (!await wake(key))
            {
                Interlocked.Increment(ref errors);
            }
        });
        await Task.WhenAny(Task.WhenAll(parks), Task.Delay(TimeSpan.FromSeconds(60)));
        if (early > errors)
        {
            errors = early; // a poll answered before its wake-up did not stay parked
        }
        return new HoldResult(count, held, (rssAfter - rssBefore) / 1024.0 / count, cpu.Server / cpu.WallSeconds * 100, errors, cpu)
        {
            SettleSeconds = settle.TotalSeconds + settling.Elapsed.TotalSeconds,
            Failures = failures,
        };
    }
}
