using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FleepServer.Bench;

/// <summary>A .NET app (the server or the Kestrel baseline) run as its own process on 127.0.0.1, output to a log file.</summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly Task pumps;

    private AppProcess(Process process, StreamWriter log, int port, long startedAt)
    {
        this.process = process;
        this.log = log;
        Port = port;
        StartedAt = startedAt;
        pumps = Task.WhenAll(Pump(process.StandardOutput), Pump(process.StandardError));
    }

    public int Pid => process.Id;
    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Stopwatch timestamp taken just before the process was started.</summary>
    public long StartedAt { get; }

    public bool HasExited => process.HasExited;

    public static AppProcess Start(string dll, IEnumerable<string> arguments, int port, string logPath)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var startedAt = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {dll}");
        return new AppProcess(process, log, port, startedAt);
    }

    /// <summary>Waits until GET <paramref name="path"/> answers 200; throws if the process dies or time runs out.</summary>
    public async Task WaitReadyAsync(string path, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"process {Pid} exited with {process.ExitCode} before it was ready");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, path));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"process {Pid} did not answer {path} within {timeout}");
    }

    private async Task Pump(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync();
        await pumps;
        await log.DisposeAsync();
        process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
