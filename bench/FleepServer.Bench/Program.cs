using System.Diagnostics;
using System.Runtime.InteropServices;
using FleepServer.Bench;

// dotnet run -c Release --project bench/FleepServer.Bench -- all [--quick] [--out DIR]
if (args.FirstOrDefault() != "all")
{
    Console.Error.WriteLine("usage: FleepServer.Bench all [--quick] [--out DIR]");
    return 2;
}

var quick = args.Contains("--quick");
var outIndex = Array.IndexOf(args, "--out");
var run = new BenchRun(quick ? Sizes.Quick : Sizes.Full, outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : null);
var watch = Stopwatch.StartNew();
// Stopped from outside (CI's timeout, Ctrl-C): take the cluster and the servers down first.
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context));
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context));
// Bounded: the whole run stops by itself.
using var limit = new CancellationTokenSource(quick ? TimeSpan.FromMinutes(2.5) : TimeSpan.FromMinutes(25));
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
