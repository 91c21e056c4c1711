using System.Diagnostics;
using System.Runtime.InteropServices;
using FleepServer.Bench;

// dotnet run -c Release --project bench/FleepServer.Bench -- all [--quick] [--seconds N] [--out DIR] [--profile]
//     [--server-arg KEY=VALUE]... [--server-connection-option "Key=Value"]...
// dotnet run -c Release --project bench/FleepServer.Bench -- only P14|P15 [--quick] [--out DIR]
if (args.FirstOrDefault() is not ("all" or "only") || (args[0] == "only" && args.Length < 2))
{
    Console.Error.WriteLine("usage: FleepServer.Bench all [--quick] [--out DIR] [--profile] | FleepServer.Bench only P14|P15 [--quick] [--out DIR]");
    return 2;
}

var only = args[0] == "only" ? args[1] : null;

// --profile: sample the server's stacks with dotnet-trace during P7, P8 and P3 (DOTNET_TRACE, PATH or ~/.dotnet/tools).
string? traceTool = null;
if (args.Contains("--profile"))
{
    var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
    traceTool = new[] { Environment.GetEnvironmentVariable("DOTNET_TRACE") }
        .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "dotnet-trace")))
        .Append(Path.Combine(home, ".dotnet/tools/dotnet-trace"))
        .FirstOrDefault(File.Exists);
    if (traceTool is null)
    {
        Console.Error.WriteLine("--profile needs dotnet-trace: dotnet tool install -g dotnet-trace (or set DOTNET_TRACE)");
        return 2;
    }
}

var quick = args.Contains("--quick");
var outIndex = Array.IndexOf(args, "--out");
// --server-arg KEY=VALUE (repeatable): extra server configuration, to try a change against the same baselines.
var serverExtra = args.Select((a, i) => (a, i)).Where(x => x.a == "--server-arg" && x.i + 1 < args.Length)
    .SelectMany(x => args[x.i + 1].Split('=', 2) is [var key, var value] ? new[] { "--" + key, value } : [])
    .ToList();
// --server-connection-option "Key=Value" (repeatable): appended to the server's connection string only.
var connectionOptions = args.Select((a, i) => (a, i)).Where(x => x.a == "--server-connection-option" && x.i + 1 < args.Length)
    .Select(x => args[x.i + 1]).ToList();
// --seconds N: closed-loop windows of N seconds (to compare a change at quick sizes with less noise).
var secondsIndex = Array.IndexOf(args, "--seconds");
var sizes = quick ? Sizes.Quick : Sizes.Full;
if (secondsIndex >= 0 && secondsIndex + 1 < args.Length)
{
    sizes = sizes with { Duration = TimeSpan.FromSeconds(double.Parse(args[secondsIndex + 1], System.Globalization.CultureInfo.InvariantCulture)) };
}

var run = new BenchRun(sizes, outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : null, traceTool, serverExtra,
    connectionOptions, only);
var watch = Stopwatch.StartNew();
// Stopped from outside (CI's timeout, Ctrl-C): take the cluster and the servers down first.
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context));
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context));
// Bounded: the whole run stops by itself.
// P15 seeds a million messages (20,000 with --quick): 35 minutes for the full run, 3 for --quick.
using var limit = new CancellationTokenSource(quick ? TimeSpan.FromMinutes(3) : TimeSpan.FromMinutes(35));
var work = run.RunAsync();
if (await Task.WhenAny(work, Task.Delay(Timeout.Infinite, limit.Token).ContinueWith(_ => { }, TaskScheduler.Default)) != work)
{
    Console.Error.WriteLine($"bench: gave up after {watch.Elapsed:mm\\:ss}");
    await run.CleanUpAsync();
    return 1;
}

return await work;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine($"bench: stopped by {context.Signal}");
    run.CleanUpAsync().GetAwaiter().GetResult();
    Environment.Exit(1);
}
