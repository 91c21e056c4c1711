using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FleepServer.Hosting;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace FleepServer.Bench;

/// <summary>
/// One bench run: a throwaway PostgreSQL cluster, the baselines, then FleepServer (Release, its
/// own process) against the same cluster, every scenario repeated and reported as its median
/// beside the baseline measured in this run (README.md, "Benchmarks").
/// </summary>
public sealed partial class BenchRun(Sizes sizes, string? outDirectory, string? traceTool = null, IReadOnlyList<string>? serverExtra = null,
    IReadOnlyList<string>? connectionOptions = null, string? only = null)
{
    private readonly List<AppProcess> processes = [];
    private readonly string repo = FindRepository();
    // Not CreateTempSubdirectory: its 0700 folder would keep the cluster's postgres OS user out
    // (ClusterPlacement would then move the cluster out of it).
    private readonly string work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"fleep-bench-{Guid.NewGuid():N}")).FullName;
    private LocalPostgresCluster? cluster;
    private Report report = null!;
    private string connectionString = "";
    private int postmasterPid;
    private readonly List<Account> accounts = [];
    private bool quick => sizes.Repetitions == Sizes.Quick.Repetitions && sizes.Accounts == Sizes.Quick.Accounts;
    private int failures;

    private sealed record Account(string Email, Session Poller, Session Changer);

    public async Task<int> RunAsync()
    {
        var total = Stopwatch.StartNew();
        try
        {
            report = new Report { Quick = quick, Commit = await GitAsync("rev-parse --short HEAD"), Only = only };
            report.ServerChanges.AddRange(serverExtra ?? []);
            report.ServerChanges.AddRange((connectionOptions ?? []).Select(o => $"connection string: {o}"));
            Describe();
            var serverDll = Path.Combine(repo, "src/FleepServer/bin/Release/net10.0/FleepServer.dll");
            var baselineDll = Path.Combine(repo, "bench/Baseline/bin/Release/net10.0/Baseline.dll");
            foreach (var dll in new[] { serverDll, baselineDll })
            {
                if (!File.Exists(dll))
                {
                    throw new InvalidOperationException($"{dll} is missing: run with -c Release so the server and the baseline are built");
                }
            }

            await StartClusterAsync();
            if (only is not null)
            {
                await OnlyAsync(only, serverDll, baselineDll);
            }
            else
            {
                await AllAsync(serverDll, baselineDll);
            }

            total.Stop();
            report.TotalSeconds = total.Elapsed.TotalSeconds;
            report.LoadAverages.Add($"end {Machine.LoadAverage()}");
            var directory = outDirectory ?? (quick || only is not null ? Path.Combine(work, "results") : Path.Combine(repo, "bench/results"));
            var (json, md) = report.Write(directory);
            Console.WriteLine($"results: {json} and {md} ({total.Elapsed.TotalSeconds:0} s, load average {Machine.LoadAverage()})"
                + (report.Comparable ? "" : $"; NOT COMPARABLE: {report.NotComparable}"));
            if (only is not null)
            {
                Console.WriteLine(File.ReadAllText(md));
            }

            var errors = report.Metrics.Sum(m => m.Errors) + failures;
            var lost = report.Metrics.Sum(m => m.Lost);
            Console.WriteLine($"bench: {report.Metrics.Count(m => m.NotMeasured is null)} figures, {errors} errors, {lost} lost records");
            return errors == 0 && lost == 0 ? 0 : 1;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"bench failed: {e}");
            return 1;
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    /// <summary>Every scenario, after every baseline.</summary>
    private async Task AllAsync(string serverDll, string baselineDll)
    {
        await KestrelBaselinesAsync(baselineDll);

        var server = await StartServerAsync(serverDll, "server-a");
        var meter = new CpuMeter(() => processes.Where(p => !p.HasExited && p != baselineProcess).Select(p => p.Pid), postmasterPid);
        await CreateAccountsAsync(server.BaseAddress);
        await SetUpConversationsAsync(server.BaseAddress);
        await PgbenchBaselinesAsync(server.BaseAddress);

        await PollsAsync(server, meter);
        await SendsAsync(server, meter);
        await DeliveryAsync(server, meter, serverDll);
        await HooksAsync(server, meter);
        await SyncsAsync(server, meter);
        await HoldAsync(server, meter);
        await LoginsAsync(server, meter);
        await FilesAsync(server);
        await ColdStartAsync(serverDll);
        // Last: its million messages would make every other scenario's database a different one.
        await SearchAsync(server, meter);
    }

    /// <summary>
    /// <c>only P14</c>, <c>only P15</c>: one scenario with only what it needs (the cluster, one
    /// server, and for P14 one Kestrel baseline process), for trying a change to it; its results go
    /// to the run's temporary folder unless <c>--out</c> names one.
    /// </summary>
    private async Task OnlyAsync(string scenario, string serverDll, string baselineDll)
    {
        switch (scenario)
        {
            case "P14":
            {
                var (kestrel, _) = await StartBaselineAsync(baselineDll);
                baselineProcess = kestrel;
                await FilesAsync(await StartServerAsync(serverDll, "server-a"));
                break;
            }

            case "P15":
            {
                var server = await StartServerAsync(serverDll, "server-a");
                await SearchAsync(server, new CpuMeter(() => processes.Where(p => !p.HasExited).Select(p => p.Pid), postmasterPid));
                break;
            }

            default:
                throw new InvalidOperationException($"only supports P14 and P15, not {scenario}");
        }
    }

    private readonly SemaphoreSlim cleaning = new(1, 1);

    public async Task CleanUpAsync()
    {
        await cleaning.WaitAsync();
        try
        {
            await CleanUpOnceAsync();
        }
        finally
        {
            cleaning.Release();
        }
    }

    private async Task CleanUpOnceAsync()
    {
        foreach (var process in processes.ToList())
        {
            await process.DisposeAsync();
        }

        processes.Clear();
        if (cluster is not null)
        {
            await cluster.StopAsync();
            if (!cluster.RootDirectory.StartsWith(work + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && Directory.Exists(cluster.RootDirectory) && Environment.GetEnvironmentVariable("FLEEP_BENCH_KEEP") != "1")
            {
                Directory.Delete(cluster.RootDirectory, recursive: true);
            }

            cluster = null;
        }

        if (!Directory.Exists(work))
        {
            return;
        }

        try
        {
            if (Environment.GetEnvironmentVariable("FLEEP_BENCH_KEEP") == "1")
            {
                Console.WriteLine($"kept {work}");
                return;
            }

            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Describe()
    {
        report.Machine["cores"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        report.Machine["memory_gib"] = (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);
        report.Machine["cpu"] = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        report.Machine["dotnet"] = Environment.Version.ToString();
        report.Machine["open_files_limit"] = Machine.OpenFileLimit().ToString(CultureInfo.InvariantCulture);
        report.LoadAverages.Add($"start {Machine.LoadAverage()}");
        report.NotComparable = Machine.BusyReason();
        if (report.NotComparable is not null)
        {
            Console.WriteLine($"warning: this run is NOT COMPARABLE: {report.NotComparable}; its figures are marked so and are not to be committed as figures");
        }

        Console.WriteLine($"bench {(quick ? "--quick " : "")}commit {report.Commit}: {string.Join(", ", report.Machine.Select(kv => $"{kv.Key} {kv.Value}"))}; load average {Machine.LoadAverage()}");
        // The bench holds one socket per parked poll, and so does the server (which inherits the limit).
        var needed = sizes.Parked + 1000L;
        if (Machine.OpenFileLimit() < needed)
        {
            Console.WriteLine($"warning: open files limit {Machine.OpenFileLimit()} is below {needed}; raise it (ulimit -n) for {sizes.Parked} parked polls");
        }
    }

    // --- PostgreSQL ----------------------------------------------------------------------------

    private async Task StartClusterAsync()
    {
        var bin = LocalPostgresCluster.FindBinDirectory()
            ?? throw new InvalidOperationException("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin); apt-get install postgresql");
        report.Postgres["bin"] = bin;
        // Under root PostgreSQL runs as the postgres OS user: a temporary folder it cannot reach
        // (TMPDIR under /root, say) gives way to a folder in that user's home, deleted at the end too.
        var folder = await ClusterPlacement.ChooseAsync(Path.Combine(work, "pg"), LocalPostgresCluster.DefaultServiceUser);
        cluster = new LocalPostgresCluster(bin, folder, AppProcess.FreePort(), ["max_connections=300"]);
        await cluster.StartAsync();
        await cluster.EnsureDatabaseAsync("fleep_bench");
        connectionString = cluster.ConnectionString("fleep_bench");
        postmasterPid = int.Parse(File.ReadLines(Path.Combine(cluster.DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var setting in new[] { "server_version", "fsync", "synchronous_commit", "shared_buffers", "wal_sync_method", "max_connections", "work_mem" })
        {
            await using var show = new NpgsqlCommand($"SHOW {setting}", connection);
            report.Postgres[setting] = (string)(await show.ExecuteScalarAsync())!;
        }

        Console.WriteLine($"cluster 127.0.0.1:{cluster.Port} in {cluster.RootDirectory}: {string.Join(", ", report.Postgres.Where(kv => kv.Key != "bin").Select(kv => $"{kv.Key} {kv.Value}"))}");
    }

    // --- Raw Kestrel and the password hash ------------------------------------------------------

    private AppProcess? baselineProcess;

    private async Task<(AppProcess Process, double Ms)> StartBaselineAsync(string dll)
    {
        var port = AppProcess.FreePort();
        var process = AppProcess.Start(dll, ["--urls", $"http://127.0.0.1:{port}", "--files", Path.Combine(work, "kestrel-files")], port,
            Path.Combine(work, "baseline.log"));
        processes.Add(process);
        using var client = new LoadClient();
        var deadline = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
        while (true)
        {
            if ((await client.GetAsync(new Uri(process.BaseAddress, "/plaintext"))).Ok)
            {
                return (process, FleepCalls.Ms(process.StartedAt, Stopwatch.GetTimestamp()));
            }

            if (process.HasExited || Stopwatch.GetTimestamp() > deadline)
            {
                throw new InvalidOperationException("the Kestrel baseline did not start");
            }

            await Task.Delay(5);
        }
    }

    private async Task KestrelBaselinesAsync(string dll)
    {
        var starts = new List<double>();
        for (var r = 0; r < sizes.Repetitions; r++)
        {
            var (process, ms) = await StartBaselineAsync(dll);
            starts.Add(ms);
            if (r < sizes.Repetitions - 1)
            {
                processes.Remove(process);
                await process.DisposeAsync();
            }
            else
            {
                baselineProcess = process;
            }
        }

        report.Add(new BaselineFigure("kestrel cold start", Stats.Median(starts), starts, "ms to first GET /plaintext", null));
        var kestrel = baselineProcess!;
        var meter = new CpuMeter(() => [kestrel.Pid], postmasterPid);
        using var client = new LoadClient();
        var plaintext = new Uri(kestrel.BaseAddress, "/plaintext");
        await Repeat("kestrel plaintext", "req/s c=" + sizes.Concurrency, () => Engines.ClosedLoopAsync(meter, sizes.Concurrency, sizes.Warmup, sizes.Duration,
            async _ => (await client.GetAsync(plaintext)).Ok));
        var json = new Uri(kestrel.BaseAddress, "/json");
        const string body = "{\"ticket\":\"00000000-0000-0000-0000-000000000000\",\"event_horizon\":12345,\"wait\":false}";
        await Repeat("kestrel POST-JSON", "req/s c=" + sizes.Concurrency, () => Engines.ClosedLoopAsync(meter, sizes.Concurrency, sizes.Warmup, sizes.Duration,
            async _ => (await client.PostAsync(json, body)).Ok));

        var holds = new List<HoldResult>();
        for (var r = 0; r < sizes.Repetitions; r++)
        {
            var round = r;
            holds.Add(await Engines.HoldAsync(meter, kestrel.Pid, sizes.Parked, sizes.Accounts, sizes.Settle, sizes.QuietLimit, sizes.Idle,
                (c, i, ct) => c.PostAsync(new Uri(kestrel.BaseAddress, $"/park/h{round}-{i % sizes.Accounts}"), "{}", ct: ct),
                async key => (await client.PostAsync(new Uri(kestrel.BaseAddress, $"/signal/h{round}-{key}?seq=1"), "{}")).Ok,
                answer => answer.Ok));
        }

        ReportHold("kestrel", holds);
        var wakes = new List<DeliveryResult>();
        for (var r = 0; r < sizes.Repetitions; r++)
        {
            var round = r;
            wakes.Add(await Engines.DeliveryAsync(meter, sizes.Pollers, sizes.Rate, sizes.DeliveryDuration, sizes.Settle,
                async (p, ct) =>
                {
                    var answer = await client.PostAsync(new Uri(kestrel.BaseAddress, $"/park/w{round}-{p}"), "{}", ct: ct);
                    return (answer.Ok, answer.Ok ? Seqs(answer) : []);
                },
                async (seq, p) => (await client.PostAsync(new Uri(kestrel.BaseAddress, $"/signal/w{round}-{p}?seq={seq}"), "{}")).Ok));
        }

        failures += wakes.Sum(w => w.Errors + w.Lost);
        report.Add(new BaselineFigure("kestrel park-and-signal wake p50", Stats.Median(wakes.Select(w => w.P50Ms)), [.. wakes.Select(w => w.P50Ms)],
            $"ms ({sizes.Pollers} parked, {sizes.Rate}/s)", wakes[^1].Cpu));
        report.Add(new BaselineFigure("kestrel park-and-signal wake p99", Stats.Median(wakes.Select(w => w.P99Ms)), [.. wakes.Select(w => w.P99Ms)], "ms", null));

        static long[] Seqs(Answer answer)
        {
            using var document = answer.Json();
            return [.. document.RootElement.GetProperty("seqs").EnumerateArray().Select(s => s.GetInt64())];
        }
    }

    private void ReportHold(string name, List<HoldResult> holds)
    {
        failures += name == "kestrel" ? holds.Sum(h => h.Errors + (h.Parked - h.Held)) : 0;
        report.Add(new BaselineFigure($"{name} parked held", Stats.Median(holds.Select(h => (double)h.Held)), [.. holds.Select(h => (double)h.Held)], $"of {sizes.Parked}", null));
        report.Add(new BaselineFigure($"{name} KB per parked", Stats.Median(holds.Select(h => h.KbEach)), [.. holds.Select(h => h.KbEach)], "KB (RSS delta / N)", null));
        report.Add(new BaselineFigure($"{name} idle CPU parked", Stats.Median(holds.Select(h => h.IdleCpuPercent)), [.. holds.Select(h => h.IdleCpuPercent)],
            $"% of one core with {sizes.Parked} parked", holds[^1].Cpu));
    }

    /// <summary>PasswordHasher.VerifyHashedPassword alone, on every core, for a hash made like the server's: verifies per second.</summary>
    private double HasherRate()
    {
        var hasher = new PasswordHasher<object>();
        var user = new object();
        var hash = hasher.HashPassword(user, FleepCalls.Password);
        var seconds = sizes.Duration.TotalSeconds;
        long count = 0;
        var watch = Stopwatch.StartNew();
        Parallel.For(0, Environment.ProcessorCount, _ =>
        {
            while (watch.Elapsed.TotalSeconds < seconds)
            {
                if (hasher.VerifyHashedPassword(user, hash, FleepCalls.Password) != PasswordVerificationResult.Failed)
                {
                    Interlocked.Increment(ref count);
                }
            }
        });
        return count / watch.Elapsed.TotalSeconds;
    }

    private async Task Repeat(string name, string unit, Func<Task<LoopResult>> measure)
    {
        var results = new List<LoopResult>();
        for (var r = 0; r < sizes.Repetitions; r++)
        {
            results.Add(await measure());
        }

        failures += results.Sum(x => x.Errors);
        report.Add(new BaselineFigure(name, Stats.Median(results.Select(x => x.PerSecond)), [.. results.Select(x => x.PerSecond)], unit, results[^1].Cpu));
    }

    // --- FleepServer -----------------------------------------------------------------------------

    private async Task<AppProcess> StartServerAsync(string dll, string name)
    {
        var port = AppProcess.FreePort();
        var process = AppProcess.Start(dll, ServerArguments(port), port, Path.Combine(work, name + ".log"));
        processes.Add(process);
        await process.WaitReadyAsync("/health/ready", TimeSpan.FromSeconds(90));
        return process;
    }

    private string[] ServerArguments(int port) =>
    [
        "--urls", $"http://127.0.0.1:{port}",
        "--ConnectionStrings:Fleep", string.Join(';', [connectionString, .. connectionOptions ?? []]),
        "--Fleep:Login:PermitsPerIp", "1000000",
        "--Fleep:Login:PermitsPerAccount", "1000000",
        "--Fleep:Hooks:PostsPerWindow", "1000000",
        // Parked polls stay parked for the whole measurement instead of cycling every 55 s.
        "--Fleep:Poll:Wait", "00:10:00",
        // P14's uploads on the run's own disk, beside the baselines' copies.
        "--Fleep:Files:Directory", Path.Combine(work, "server-files"),
        .. serverExtra ?? [],
    ];

    private async Task CreateAccountsAsync(Uri server)
    {
        using var client = new LoadClient();
        var calls = new FleepCalls(client);
        var made = new Account?[sizes.Accounts];
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, sizes.Accounts), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var email = $"bench{i}@example.org";
            var registered = await calls.RegisterAsync(server, email, ct);
            var (_, poller) = await calls.LoginAsync(server, email, ct);
            var (_, changer) = await calls.LoginAsync(server, email, ct);
            if (!registered.Ok || poller is null || changer is null)
            {
                throw new InvalidOperationException($"could not set up {email}: {registered.Status} {System.Text.Encoding.UTF8.GetString(registered.Body)}");
            }

            made[i] = new Account(email, poller, changer);
        });
        accounts.AddRange(made.Select(a => a!));
        Console.WriteLine($"setup: {sizes.Accounts} accounts, 2 sessions each, in {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>Each account's current horizon, from account/sync.</summary>
    private Task<long[]> HorizonsAsync(Uri server, IReadOnlyList<Account> which) => HorizonsAsync(server, which.Select(a => a.Poller).ToList());

    private async Task<long[]> HorizonsAsync(Uri server, IReadOnlyList<Session> which)
    {
        using var client = new LoadClient();
        var calls = new FleepCalls(client);
        var horizons = new long[which.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, which.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var answer = await calls.SyncAsync(server, which[i], ct);
            horizons[i] = answer.Ok ? FleepCalls.Horizon(answer) : throw new InvalidOperationException($"account/sync failed: {answer.Status}");
        });
        return horizons;
    }

    private IReadOnlyList<Account> PendingAccounts => accounts.TakeLast(Math.Min(sizes.PendingAccounts, accounts.Count / 2)).ToList();
    private long[] pendingHorizons = [];

    private async Task PgbenchBaselinesAsync(Uri server)
    {
        using var client = new LoadClient();
        var calls = new FleepCalls(client);

        // Ten pending records for each account P7 polls: ten account changes.
        var pending = PendingAccounts;
        pendingHorizons = await HorizonsAsync(server, pending);
        await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (account, ct) =>
        {
            for (var k = 0; k < 10; k++)
            {
                var answer = await calls.ConfigureAsync(server, account.Changer, $"pending-{k}", ct);
                if (!answer.Ok)
                {
                    throw new InvalidOperationException($"account/configure failed: {answer.Status}");
                }
            }
        });

        var capture = new StatementCapture(connectionString, Path.Combine(cluster!.RootDirectory, "postgres.log"));
        var changers = accounts.Take(sizes.CaptureAccounts).ToList();
        // A session's last-seen time is written at most once a minute: use every captured session
        // just before the capture, so the capture shows the steady state and not that write.
        foreach (var session in changers.Select(a => a.Changer).Concat(pending.Take(sizes.CaptureAccounts).Select(a => a.Poller)))
        {
            Check(await calls.SyncAsync(server, session));
        }

        var messageCalls = await MessageCallsToCaptureAsync(server, calls);
        var captured = await capture.CaptureAsync(
        [
            .. changers.Select((a, i) => ($"configure {i}", (Func<Task>)(async () =>
                Check(await calls.ConfigureAsync(server, a.Changer, $"captured-{i}"))))),
            .. pending.Take(sizes.CaptureAccounts).Select((a, i) => ($"poll {i}", (Func<Task>)(async () =>
                Check(await calls.PollAsync(server, a.Poller, pendingHorizons[i], wait: false))))),
            .. messageCalls,
        ]);

        foreach (var (kind, name) in new[] { ("configure", "configure-txn"), ("poll", "poll-read") })
        {
            var script = await ReplayAsync(name, captured.Where(c => c.Label.StartsWith(kind + " ", StringComparison.Ordinal)).ToList());
            foreach (var clients in ReplayClients)
            {
                await PgbenchAsync(name, script, clients);
            }
        }

        await MessageBaselinesAsync(captured);

        static void Check(Answer answer)
        {
            if (!answer.Ok)
            {
                throw new InvalidOperationException($"captured call failed: {answer.Status}");
            }
        }
    }

    /// <summary>pgbench clients for the replays; --quick leaves out the middle one.</summary>
    private int[] ReplayClients => quick ? [1, 32] : [1, 8, 32];

    /// <summary>--quick: a few transactions per pgbench client (about 32 in all), not a timed run.</summary>
    private int? QuickTransactions(int clients) => quick ? Math.Max(1, 32 / clients) : null;

    /// <summary>The pgbench script replaying these captured calls; prints what was captured.</summary>
    private async Task<string> ReplayAsync(string name, IReadOnlyList<CapturedCall> captured, IReadOnlyCollection<(string, string)>? freshKeys = null)
    {
        var script = await ReplayScript.BuildAsync(connectionString, name, captured, work, freshKeys);
        report.Captured[name] = await File.ReadAllTextAsync(script);
        var shape = captured[0].Statements.Select(x => x.Sql).ToList();
        var same = captured.Count(c => c.Statements.Select(x => x.Sql).SequenceEqual(shape));
        Console.WriteLine($"captured {name}: {captured.Count} calls ({same} of the first one's shape, replayed), {shape.Count} statements each"
            + $" (plus {captured[0].Resets} DISCARD ALL connection resets, not replayed):");
        foreach (var statement in shape)
        {
            Console.WriteLine("  " + Regex.Replace(statement, @"\s+", " ") is var s && s.Length > 160 ? s[..160] + "..." : s);
        }

        return script;
    }

    /// <summary>
    /// pgbench on a replay script, once per repetition; reports the median tps (with PostgreSQL's
    /// CPU: pgbench's own is not counted, it is not this process) and the median latency.
    /// </summary>
    private async Task<List<PgbenchResult>> PgbenchAsync(string name, string script, int clients, string label = "", string? unit = null)
    {
        var bin = LocalPostgresCluster.FindBinDirectory()!;
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var results = new List<PgbenchResult>();
        CpuUse? cpu = null;
        for (var r = 0; r < sizes.Repetitions; r++)
        {
            var pgBefore = Machine.TreeCpuSeconds(postmasterPid);
            var watch = Stopwatch.StartNew();
            var result = await Pgbench.RunAsync(bin, target, script, clients, sizes.PgbenchSeconds, QuickTransactions(clients));
            cpu = new CpuUse(0, Machine.TreeCpuSeconds(postmasterPid) - pgBefore, 0, watch.Elapsed.TotalSeconds);
            if (!result.Ok)
            {
                failures++;
                Console.WriteLine($"pgbench {name} c={clients} failed:\n{result.Output}");
            }

            results.Add(result);
        }

        report.Add(new BaselineFigure($"pgbench {name} c={clients}{label}", Stats.Median(results.Select(x => x.Tps)), [.. results.Select(x => x.Tps)],
            unit ?? "tps", cpu));
        report.Add(new BaselineFigure($"pgbench {name} c={clients}{label} latency", Stats.Median(results.Select(x => x.LatencyMs)),
            [.. results.Select(x => x.LatencyMs)], "ms", null));
        return results;
    }

    // --- scenarios ------------------------------------------------------------------------------

    private async Task PollsAsync(AppProcess server, CpuMeter meter)
    {
        using var client = new LoadClient();
        var calls = new FleepCalls(client);
        var pending = PendingAccounts;
        // Raw Kestrel again, just before each repetition, so both sides see the same machine load.
        var kestrel = baselineProcess!;
        var kestrelMeter = new CpuMeter(() => [kestrel.Pid], postmasterPid);
        var json = new Uri(kestrel.BaseAddress, "/json");
        const string body = "{\"ticket\":\"00000000-0000-0000-0000-000000000000\",\"event_horizon\":12345,\"wait\":false}";
        var beside = new List<LoopResult>();
        async Task KestrelJson() => beside.Add(await Engines.ClosedLoopAsync(kestrelMeter, sizes.Concurrency, sizes.Warmup, sizes.Duration,
            async _ => (await client.PostAsync(json, body)).Ok));
        var p7 = await RepeatMetric(KestrelJson, async () =>
        {
            var r = await Engines.ClosedLoopAsync(meter, sizes.Concurrency, sizes.Warmup, sizes.Duration, async w =>
            {
                var i = w % pending.Count;
                var answer = await calls.PollAsync(server.BaseAddress, pending[i].Poller, pendingHorizons[i], wait: false);
                return answer.Ok && RecordCount(answer) == 10;
            });
            return (r.PerSecond, r.Errors, 0, r.Cpu);
        });
        string Beside(string id)
        {
            var name = $"kestrel POST-JSON beside {id}";
            var runs = beside.TakeLast(sizes.Repetitions).ToList();
            failures += runs.Sum(b => b.Errors);
            report.Add(new BaselineFigure(name, Stats.Median(runs.Select(b => b.PerSecond)), [.. runs.Select(b => b.PerSecond)],
                $"req/s c={sizes.Concurrency}, one run just before each {id} repetition", runs[^1].Cpu));
            return name;
        }

        var rawJson = Beside("P7");
        Add(new Metric
        {
            Id = "P7", What = $"polls/s returning 10 pending records, c={sizes.Concurrency}", Baseline = "raw Kestrel POST-JSON",
            BaselineValue = report.BaselineValue(rawJson), Target = "≥ 15% of raw Kestrel POST-JSON",
        }, p7);
        Add(new Metric
        {
            Id = "P7", What = $"polls/s returning 10 pending records, c={sizes.Concurrency}", Baseline = "pgbench poll-read c=32",
            BaselineValue = report.BaselineValue("pgbench poll-read c=32"), Target = "none (shows the database share)",
        }, p7);

        // P8: the cheapest authenticated call: account/poll with wait=false and nothing pending
        // (session check plus one stream read, no write).
        var heads = await HorizonsAsync(server.BaseAddress, pending);
        var p8 = await RepeatMetric(KestrelJson, async () =>
        {
            var r = await Engines.ClosedLoopAsync(meter, sizes.Concurrency, sizes.Warmup, sizes.Duration, async w =>
            {
                var i = w % pending.Count;
                var answer = await calls.PollAsync(server.BaseAddress, pending[i].Poller, heads[i], wait: false);
                return answer.Ok && RecordCount(answer) == 0;
            });
            return (r.PerSecond, r.Errors, 0, r.Cpu);
        });
        Add(new Metric
        {
            Id = "P8", What = $"calls/s account/poll wait=false nothing pending, c={sizes.Concurrency}", Baseline = "raw Kestrel POST-JSON",
            BaselineValue = report.BaselineValue(Beside("P8")),
        }, p8);

        if (traceTool is not null)
        {
            await ProfileAsync(server, meter, "P7", async w =>
            {
                var i = w % pending.Count;
                return (await calls.PollAsync(server.BaseAddress, pending[i].Poller, pendingHorizons[i], wait: false)).Ok;
            });
            await ProfileAsync(server, meter, "P8", async w =>
            {
                var i = w % pending.Count;
                return (await calls.PollAsync(server.BaseAddress, pending[i].Poller, heads[i], wait: false)).Ok;
            });
        }
    }

    /// <summary>
    /// --profile: the scenario's load again while dotnet-trace samples the server's stacks; the
    /// methods longest on the stack (inclusive) go to the results folder beside the figures.
    /// </summary>
    private async Task ProfileAsync(AppProcess server, CpuMeter meter, string id, Func<int, Task<bool>> call, int? concurrency = null)
    {
        var trace = Path.Combine(work, $"{id}.nettrace");
        var load = Engines.ClosedLoopAsync(meter, concurrency ?? sizes.Concurrency, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), call);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await ToolAsync(traceTool!, ["collect", "-p", server.Pid.ToString(CultureInfo.InvariantCulture),
            "--profile", "dotnet-common,dotnet-sampled-thread-time", "--duration", "00:00:00:06", "-o", trace]);
        await load;
        var top = await ToolAsync(traceTool!, ["report", trace, "topN", "-n", "40", "--inclusive"]);
        var directory = outDirectory ?? (quick ? Path.Combine(work, "results") : Path.Combine(repo, "bench/results"));
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"{report.Started:yyyy-MM-dd}-{report.Commit}-{id}-profile.txt");
        await File.WriteAllTextAsync(file, top);
        Console.WriteLine($"{id} profile (dotnet-trace, sampled stacks, top 40 inclusive): {file}");
    }

    private static async Task<string> ToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return await output + await error;
    }

    private async Task DeliveryAsync(AppProcess server, CpuMeter meter, string serverDll)
    {
        var rawCommit = report.BaselineValue("pgbench configure-txn c=1 latency");
        var wakeP50 = report.BaselineValue("kestrel park-and-signal wake p50");
        var wakeP99 = report.BaselineValue("kestrel park-and-signal wake p99");
        await DeliveryScenarioAsync("P1a", server, server, meter, rawCommit, wakeP50, wakeP99);
        await MessageDeliveryAsync("P1", server, server, meter, group: false);
        await MessageDeliveryAsync("P2", server, server, meter, group: true);

        var second = await StartServerAsync(serverDll, "server-b");
        try
        {
            await DeliveryScenarioAsync("P1x-a", server, second, meter, rawCommit, wakeP50, wakeP99);
            await MessageDeliveryAsync("P1x", server, second, meter, group: false);
        }
        finally
        {
            processes.Remove(second);
            await second.DisposeAsync();
        }
    }

    /// <summary>
    /// P1a: an account change (account/configure by one session) delivered to the parked poll of
    /// another session of the same account: the same path as P1 with an account record instead of
    /// a message. P1x-a makes the change on <paramref name="writer"/> and parks on <paramref name="reader"/>.
    /// </summary>
    private async Task DeliveryScenarioAsync(string id, AppProcess writer, AppProcess reader, CpuMeter meter, double rawCommit, double wakeP50, double wakeP99)
    {
        using var client = new LoadClient();
        var calls = new FleepCalls(client);
        var pollers = accounts.Take(sizes.Pollers).ToList();
        var results = new List<DeliveryResult>();
        for (var r = 0; r < sizes.Repetitions; r++)
        {
            var prefix = $"{id}-{r}-";
            var horizons = await HorizonsAsync(reader.BaseAddress, pollers);
            results.Add(await Engines.DeliveryAsync(meter, pollers.Count, sizes.Rate, sizes.DeliveryDuration, sizes.Settle,
                async (p, ct) =>
                {
                    var answer = await calls.PollAsync(reader.BaseAddress, pollers[p].Poller, horizons[p], wait: true, ct);
                    if (!answer.Ok)
                    {
                        return (false, []);
                    }

                    using var document = answer.Json();
                    horizons[p] = document.RootElement.GetProperty("event_horizon").GetInt64();
                    var seqs = new List<long>();
                    foreach (var record in document.RootElement.GetProperty("stream").EnumerateArray())
                    {
                        // The poller's own contact record: accounts that share a conversation get each other's too.
                        if (record.TryGetProperty("display_name", out var name) && name.GetString() is { } text
                            && text.StartsWith(prefix, StringComparison.Ordinal)
                            && record.TryGetProperty("account_id", out var owner) && owner.GetGuid() == pollers[p].Poller.AccountId)
                        {
                            seqs.Add(long.Parse(text[prefix.Length..], CultureInfo.InvariantCulture));
                        }
                    }

                    return (true, [.. seqs]);
                },
                async (seq, p) => (await calls.ConfigureAsync(writer.BaseAddress, pollers[p].Changer, prefix + seq)).Ok));
        }

        var two = writer == reader ? "" : " (change on process A, parked on process B)";
        AddLatencies(id, $"account change → parked poll of another session{two}, {sizes.Pollers} parked, {sizes.Rate}/s", results,
            ("pgbench configure-txn c=1 latency", rawCommit), (wakeP50, wakeP99),
            writer == reader ? ("p50 ≤ 5 ms (P1's target)", "p99 ≤ 30 ms (P1's target)") : ("p50 ≤ 8 ms (P1x's target)", "p99 ≤ 50 ms (P1x's target)"),
            "changes", sizes.Rate);
    }

    /// <summary>
    /// The two figures of a delivery scenario: p50 and p99 from the change to the parked poll, each
    /// against the commit latency of the same change in pgbench plus Kestrel's wake at that percentile.
    /// </summary>
    private void AddLatencies(string id, string what, IReadOnlyList<DeliveryResult> results, (string Name, double Ms) commit,
        (double P50, double P99) wake, (string P50, string P99) targets, string calls, double rate, string deliveredTo = "")
    {
        var p50 = new Metric
        {
            Id = id, What = what + ", p50 ms", Baseline = $"{commit.Name} + Kestrel wake p50", Ratio = "x",
            BaselineValue = commit.Ms + wake.P50, Target = targets.P50,
            Errors = results.Sum(x => x.Errors + x.Duplicates), Lost = results.Sum(x => x.Lost), Cpu = results[^1].Cpu,
            Note = $"{results.Sum(x => x.Delivered)} of {results.Sum(x => x.Sent)} delivered{deliveredTo}, {results.Sum(x => x.Duplicates)} duplicates, "
                + $"{calls} answered at {Stats.Median(results.Select(x => x.AnsweredPerSecond)):0}/s of {rate}/s offered",
        };
        p50.Repetitions.AddRange(results.Select(x => x.P50Ms));
        p50.Value = Stats.Median(p50.Repetitions);
        report.Add(p50);
        var p99 = new Metric
        {
            Id = id, What = what + ", p99 ms", Baseline = $"{commit.Name} + Kestrel wake p99", Ratio = "x",
            BaselineValue = commit.Ms + wake.P99, Target = targets.P99,
        };
        p99.Repetitions.AddRange(results.Select(x => x.P99Ms));
        p99.Value = Stats.Median(p99.Repetitions);
        report.Add(p99);
    }

    private async Task HoldAsync(AppProcess server, CpuMeter meter)
    {
        using var client = new LoadClient();
        var calls = new FleepCalls(client);
        var holds = new List<HoldResult>();
        for (var r = 0; r < sizes.Repetitions; r++)
        {
            var horizons = await HorizonsAsync(server.BaseAddress, accounts);
            holds.Add(await Engines.HoldAsync(meter, server.Pid, sizes.Parked, accounts.Count, sizes.Settle, sizes.QuietLimit, sizes.Idle,
                (c, i, ct) =>
                {
                    var a = i % accounts.Count;
                    return new FleepCalls(c).PollAsync(server.BaseAddress, accounts[a].Poller, horizons[a], wait: true, ct);
                },
                async key => (await calls.ConfigureAsync(server.BaseAddress, accounts[key].Changer, $"wake-{r}")).Ok,
                answer => answer.Ok && RecordCount(answer) > 0));
        }

        var errors = holds.Sum(h => h.Errors);
        var lost = holds.Sum(h => h.Parked - h.Held - h.Errors);
        var note = $"{sizes.Parked} polls over {accounts.Count} accounts; quiet {Stats.Median(holds.Select(h => h.SettleSeconds)):0.0} s after the last was sent";
        foreach (var failure in holds.SelectMany(h => h.Failures).GroupBy(f => f.Key))
        {
            note += $"; {failure.Sum(f => f.Value)} answered {failure.Key}";
        }
        Add(new Metric
        {
            Id = "P4", What = "parked polls held by one process (each answered by its wake-up)", Baseline = "raw Kestrel parked",
            BaselineValue = report.BaselineValue("kestrel parked held"), Target = "≥ 10,000", Note = note,
        }, holds.Select(h => ((double)h.Held, 0, 0, (CpuUse?)h.Cpu)).ToList(), errors, Math.Max(lost, 0));
        Add(new Metric
        {
            Id = "P5", What = $"KB per parked poll (RSS delta / {sizes.Parked})", Baseline = "raw Kestrel", Ratio = "x",
            BaselineValue = report.BaselineValue("kestrel KB per parked"), Target = "≤ 25 KB each",
        }, holds.Select(h => (h.KbEach, 0, 0, (CpuUse?)h.Cpu)).ToList());
        Add(new Metric
        {
            Id = "P6", What = $"idle CPU % of one core with {sizes.Parked} parked", Baseline = "raw Kestrel", Ratio = "x",
            BaselineValue = report.BaselineValue("kestrel idle CPU parked"),
        }, holds.Select(h => (h.IdleCpuPercent, 0, 0, (CpuUse?)h.Cpu)).ToList());
    }

    private async Task LoginsAsync(AppProcess server, CpuMeter meter)
    {
        using var client = new LoadClient();
        var calls = new FleepCalls(client);
        var hashes = new List<double>();
        var p11 = await RepeatMetric(() =>
        {
            hashes.Add(HasherRate());
            return Task.CompletedTask;
        }, async () =>
        {
            var r = await Engines.ClosedLoopAsync(meter, sizes.LoginConcurrency, sizes.Warmup, sizes.Duration, async w =>
            {
                var (answer, session) = await calls.LoginAsync(server.BaseAddress, accounts[w % accounts.Count].Email);
                return answer.Ok && session is not null;
            });
            return (r.PerSecond, r.Errors, 0, r.Cpu);
        });
        report.Add(new BaselineFigure("PasswordHasher verify", Stats.Median(hashes), hashes,
            $"verifies/s on {Environment.ProcessorCount} cores ({Stats.Median(hashes) / Environment.ProcessorCount:0.0} per core), one run before each P11 repetition", null));
        Add(new Metric
        {
            Id = "P11", What = $"logins/s, c={sizes.LoginConcurrency}", Baseline = $"PasswordHasher verify alone on {Environment.ProcessorCount} cores",
            BaselineValue = report.BaselineValue("PasswordHasher verify"), Target = "≥ 80% of the password-hash-bound ceiling",
        }, p11);
    }

    private async Task ColdStartAsync(string serverDll)
    {
        using var client = new LoadClient();
        var calls = new FleepCalls(client);
        var session = accounts[0].Poller;
        var results = new List<(double, int, int, CpuUse?)>();
        for (var r = 0; r < sizes.Repetitions; r++)
        {
            var port = AppProcess.FreePort();
            var process = AppProcess.Start(serverDll, ServerArguments(port), port, Path.Combine(work, $"cold-{r}.log"));
            processes.Add(process);
            try
            {
                var deadline = Stopwatch.GetTimestamp() + 90 * Stopwatch.Frequency;
                var ms = double.NaN;
                var errors = 0;
                while (Stopwatch.GetTimestamp() < deadline && !process.HasExited)
                {
                    var answer = await calls.PollAsync(process.BaseAddress, session, 1, wait: false);
                    if (answer.Ok)
                    {
                        ms = FleepCalls.Ms(process.StartedAt, Stopwatch.GetTimestamp());
                        break;
                    }

                    if (answer.Status != 0)
                    {
                        errors++; // listening, but the call did not succeed
                    }

                    await Task.Delay(5);
                }

                results.Add((ms, double.IsNaN(ms) ? 1 : 0, 0, null));
                if (errors > 0)
                {
                    Console.WriteLine($"cold start {r}: {errors} calls answered with an error before the first success");
                }
            }
            finally
            {
                processes.Remove(process);
                await process.DisposeAsync();
            }
        }

        Add(new Metric
        {
            Id = "P12", What = "cold start ms: process start → first successful account/poll", Baseline = "raw Kestrel cold start", Ratio = "x",
            BaselineValue = report.BaselineValue("kestrel cold start"),
        }, results);
    }

    // --- helpers --------------------------------------------------------------------------------

    private Task<List<(double Value, int Errors, int Lost, CpuUse? Cpu)>> RepeatMetric(Func<Task<(double, int, int, CpuUse?)>> measure) =>
        RepeatMetric(() => Task.CompletedTask, measure);

    /// <summary>Repeats a measurement, running its baseline just before each repetition.</summary>
    private async Task<List<(double Value, int Errors, int Lost, CpuUse? Cpu)>> RepeatMetric(Func<Task> baseline, Func<Task<(double, int, int, CpuUse?)>> measure)
    {
        var results = new List<(double, int, int, CpuUse?)>();
        for (var r = 0; r < sizes.Repetitions; r++)
        {
            await baseline();
            results.Add(await measure());
        }

        return results;
    }

    private void Add(Metric metric, List<(double Value, int Errors, int Lost, CpuUse? Cpu)> results, int? errors = null, int? lost = null)
    {
        metric.Repetitions.AddRange(results.Select(r => r.Value));
        metric.Value = Stats.Median(metric.Repetitions);
        metric.Errors = errors ?? results.Sum(r => r.Errors);
        metric.Lost = lost ?? results.Sum(r => r.Lost);
        metric.Cpu = results[^1].Cpu;
        report.Add(metric);
    }

    private static int RecordCount(Answer answer)
    {
        using var document = answer.Json();
        return document.RootElement.GetProperty("stream").GetArrayLength();
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FleepServer.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("run from inside the repository (FleepServer.sln not found above the bench binaries)");
    }

    private async Task<string> GitAsync(string arguments)
    {
        var start = new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = repo };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output.Trim() : "nogit";
    }
}
