using System.Diagnostics;
using FleepServer.Hosting;

namespace FleepServer.Tests.Infrastructure;

/// <summary>
/// <c>FleepServer --ephemeral</c> as another language's test fixture runs it: a separate process,
/// started from the server's build output in a working folder of its own, its first standard
/// output line read as the ready line, its log (standard error) kept, and stopped with SIGTERM.
/// </summary>
public sealed class EphemeralProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> log = [];

    private EphemeralProcess(Process process, string workingDirectory)
    {
        this.process = process;
        WorkingDirectory = workingDirectory;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.Add(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
    }

    /// <summary>The first line the process wrote to standard output.</summary>
    public string FirstLine { get; private set; } = "";

    public Uri Url => new(FirstLine.Split(' ')[1]);
    public string WorkingDirectory { get; }
    public int ProcessId => process.Id;
    public bool HasExited => process.HasExited;
    public int ExitCode => process.ExitCode;

    /// <summary>The log lines so far.</summary>
    public string LogText
    {
        get
        {
            lock (log)
            {
                return string.Join('\n', log);
            }
        }
    }

    /// <summary>Starts the server's own build output with <c>--ephemeral</c> and waits for its first output line.</summary>
    public static async Task<EphemeralProcess> StartAsync(params string[] arguments)
    {
        var serverDll = typeof(EphemeralServer).Assembly.Location;
        var workingDirectory = Directory.CreateTempSubdirectory("fleep-ephemeral-test-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in new[] { serverDll, EphemeralServer.Flag }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        var ephemeral = new EphemeralProcess(Process.Start(start)!, workingDirectory);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        ephemeral.FirstLine = await ephemeral.process.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException($"The ephemeral server ended without a ready line:\n{ephemeral.LogText}");
        return ephemeral;
    }

    /// <summary>Sends SIGTERM, as a test framework's fixture teardown does, and waits for the process to end.</summary>
    public async Task TerminateAsync(TimeSpan? within = null)
    {
        if (!process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]);
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await TerminateAsync();
        }

        process.Dispose();
        Directory.Delete(WorkingDirectory, recursive: true);
    }
}
