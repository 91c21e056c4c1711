using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using FleepServer.Hosting;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Operations;

/// <summary>
/// The README's run command from a checkout anywhere: the server's build output is started with
/// its working directory (so its embedded cluster's folder, <c>data/</c> by default) under a
/// <c>0700</c> folder, as a clone under <c>/root</c> is. Run as root, PostgreSQL runs as the
/// <c>postgres</c> OS user, who cannot reach that folder, so the cluster is kept in that user's
/// home instead; run as anyone else, it is where it was asked to be. Either way the server
/// serves, names the cluster's folder in its log and stops the cluster it started.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class RunFromAnyCheckoutTests
{
    private static readonly bool IsRoot = LocalPostgresCluster.RunsAsServiceUser;

    [Fact]
    public async Task Server_started_in_a_checkout_under_a_private_folder_serves_and_names_its_cluster()
    {
        var ct = TestContext.Current.CancellationToken;
        var privateFolder = MakePrivateFolder();
        var checkout = Directory.CreateDirectory(Path.Combine(privateFolder, "checkout", "src", "FleepServer")).FullName;
        var requested = Path.Combine(checkout, "data", "postgres");
        var dbPort = FreePort.Next();
        string? clusterFolder = null;
        try
        {
            var httpPort = FreePort.Next();
            await using (var server = ServerProcess.Start(checkout, "--urls", $"http://127.0.0.1:{httpPort}", "--Fleep:EmbeddedDatabase:Port", $"{dbPort}"))
            {
                var address = new Uri($"http://127.0.0.1:{httpPort}");
                await server.WaitForReadyAsync(address, ct);
                clusterFolder = ClusterFolderIn(server.Log);

                using (var client = new FleepTestClient(address))
                {
                    await client.RegisterAsync("anywhere@example.com", "correct horse", "Anywhere");
                    await client.LoginAsync("anywhere@example.com", "correct horse");
                    Assert.NotNull(client.Ticket);
                }

                await server.TerminateAsync();
                Assert.Equal(0, server.ExitCode);
            }

            if (IsRoot)
            {
                var home = await HomeOfAsync(LocalPostgresCluster.DefaultServiceUser);
                Assert.Equal(Path.Combine(home, ClusterPlacement.HomeFolder, ClusterPlacement.ShortHash(requested)), clusterFolder);
                Assert.False(Directory.Exists(requested), $"{requested} was made although the cluster is kept in {clusterFolder}");
                // The server's copy of the password stays its own; initdb's copy never touched the disk.
                var password = Path.Combine(clusterFolder, "superuser-password");
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(password));
                Assert.Equal("root", (await RunAsync("stat", ["-c", "%U", password], "/")).Output.Trim());
                Assert.Equal("postgres", (await RunAsync("stat", ["-c", "%U", clusterFolder], "/")).Output.Trim());
            }
            else
            {
                Assert.Equal(requested, clusterFolder);
            }

            Assert.False(File.Exists(Path.Combine(clusterFolder, "initdb-password")));
            Assert.False(File.Exists(Path.Combine(clusterFolder, "pgdata", "postmaster.pid")), "the server left its cluster running");

            // The account command finds the same cluster from the same folder, and stops it again.
            var account = await RunAsync("dotnet",
                [ServerDll(), "account", "add", "--email", "added@example.com", "--password", "correct horse", "--Fleep:EmbeddedDatabase:Port", $"{dbPort}"],
                checkout);
            Assert.True(account.ExitCode == 0, $"account add exited {account.ExitCode}:\n{account.Error}\n{account.Output}");
            Assert.Contains("added@example.com created", account.Output);
            Assert.Contains($"Using the embedded PostgreSQL cluster in {Path.Combine(clusterFolder, "pgdata")}", account.Output + account.Error);
            Assert.False(File.Exists(Path.Combine(clusterFolder, "pgdata", "postmaster.pid")), "the account command left its cluster running");
        }
        finally
        {
            await StopAndDeleteAsync(clusterFolder ?? requested, dbPort);
            Directory.Delete(privateFolder, recursive: true);
        }
    }

    [Fact]
    public async Task A_cluster_that_cannot_be_placed_ends_the_server_with_one_sentence_naming_the_folder_and_both_ways_out()
    {
        var ct = TestContext.Current.CancellationToken;
        var privateFolder = MakePrivateFolder();
        var checkout = Directory.CreateDirectory(Path.Combine(privateFolder, "checkout")).FullName;
        var requested = Path.Combine(checkout, "data", "postgres");
        try
        {
            if (!IsRoot)
            {
                // Not root: PostgreSQL runs as this user, the service user plays no part and the
                // folder is used as asked.
                Assert.Equal(requested, await ClusterPlacement.ChooseAsync(requested, "nobody", ct));
                return;
            }

            // "nobody" cannot pass through the 0700 folder and has no home to keep the cluster in;
            // a user that does not exist cannot run PostgreSQL at all.
            foreach (var (user, reason) in new[] { ("nobody", "has no home folder"), ("no-such-fleep-user", "does not exist") })
            {
                foreach (var command in new[] { Array.Empty<string>(), ["account", "add", "--email", "a@example.com", "--password", "correct horse"] })
                {
                    var result = await RunAsync("dotnet",
                        [ServerDll(), .. command, "--Fleep:EmbeddedDatabase:ServiceUser", user, "--Fleep:EmbeddedDatabase:Port", $"{FreePort.Next()}"],
                        checkout);

                    var label = $"{string.Join(' ', command)} as {user}";
                    Assert.True(result.ExitCode == 1, $"{label}: exit {result.ExitCode}\n{result.Error}\n{result.Output}");
                    var message = result.Error.Trim();
                    Assert.DoesNotContain("\n", message);
                    Assert.DoesNotContain(" at FleepServer", message);
                    Assert.Contains(requested, message);
                    Assert.Contains($"\"{user}\"", message);
                    Assert.Contains(reason, message);
                    Assert.Contains("Fleep:EmbeddedDatabase:DataDirectory", message);
                    Assert.Contains("ConnectionStrings__Fleep", message);
                    Assert.EndsWith(".", message);
                    Assert.DoesNotMatch(SentenceBreak(), message);
                }
            }

            Assert.False(Directory.Exists(requested));
        }
        finally
        {
            Directory.Delete(privateFolder, recursive: true);
        }
    }

    /// <summary>A new folder under /tmp only its owner may enter, as /root is.</summary>
    private static string MakePrivateFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"fleep-private-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return folder;
    }

    /// <summary>The server's build output in the repository, as <c>dotnet run --project src/FleepServer</c> runs it.</summary>
    private static string ServerDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(Repository.Root(), "src", "FleepServer", "bin", configuration, "net10.0", "FleepServer.dll");
        return File.Exists(dll) ? dll : typeof(EmbeddedDatabase).Assembly.Location;
    }

    private static string ClusterFolderIn(string log)
    {
        var match = UsingCluster().Match(log);
        Assert.True(match.Success, $"the log does not name the cluster's folder:\n{log}");
        return Path.GetDirectoryName(match.Groups[1].Value)!;
    }

    private static async Task StopAndDeleteAsync(string clusterFolder, int port)
    {
        if (LocalPostgresCluster.FindBinDirectory() is { } bin && Directory.Exists(Path.Combine(clusterFolder, "pgdata")))
        {
            await new LocalPostgresCluster(bin, clusterFolder, port).StopAsync(CancellationToken.None);
        }

        if (Directory.Exists(clusterFolder))
        {
            Directory.Delete(clusterFolder, recursive: true);
        }
    }

    private static async Task<string> HomeOfAsync(string user) =>
        (await RunAsync("getent", ["passwd", user], "/")).Output.Trim().Split(':')[5];

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string fileName, string[] arguments, string workingDirectory)
    {
        var start = ServerProcess.StartInfo(fileName, workingDirectory, arguments);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [GeneratedRegex(@"Using the embedded PostgreSQL cluster in (\S+) on 127\.0\.0\.1:\d+")]
    private static partial Regex UsingCluster();

    [GeneratedRegex(@"[.!?]\s")]
    private static partial Regex SentenceBreak();

    /// <summary>The server as its own process, its output (the log) kept, stopped with SIGTERM.</summary>
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly List<string> lines = [];

        private ServerProcess(Process process)
        {
            this.process = process;
            process.OutputDataReceived += Keep;
            process.ErrorDataReceived += Keep;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Log
        {
            get
            {
                lock (lines)
                {
                    return string.Join('\n', lines);
                }
            }
        }

        public int ExitCode => process.ExitCode;

        public static ServerProcess Start(string workingDirectory, params string[] arguments)
        {
            var process = Process.Start(StartInfo("dotnet", workingDirectory, [ServerDll(), .. arguments]))!;
            process.StandardInput.Close();
            return new ServerProcess(process);
        }

        /// <summary>A process with no database configuration from the test run's environment: the embedded cluster it is.</summary>
        public static ProcessStartInfo StartInfo(string fileName, string workingDirectory, IEnumerable<string> arguments)
        {
            var start = new ProcessStartInfo(fileName)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory,
            };
            foreach (var key in start.Environment.Keys.Where(k =>
                         k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) ||
                         k.StartsWith("Fleep__", StringComparison.OrdinalIgnoreCase) ||
                         k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                start.Environment.Remove(key);
            }

            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            return start;
        }

        public async Task WaitForReadyAsync(Uri address, CancellationToken ct)
        {
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < deadline)
            {
                Assert.False(process.HasExited, $"the server exited ({(process.HasExited ? process.ExitCode : 0)}) before it was ready:\n{Log}");
                try
                {
                    using var response = await http.GetAsync("/health/ready", ct);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                }

                await Task.Delay(250, ct);
            }

            Assert.Fail($"the server was not ready within 120 s:\n{Log}");
        }

        public async Task TerminateAsync()
        {
            if (!process.HasExited)
            {
                using var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]);
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        private void Keep(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (lines)
                {
                    lines.Add(e.Data);
                }
            }
        }
    }
}
