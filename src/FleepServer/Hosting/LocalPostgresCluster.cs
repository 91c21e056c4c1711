using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;

namespace FleepServer.Hosting;

/// <summary>
/// A PostgreSQL cluster run from the machine's own PostgreSQL binaries, listening on 127.0.0.1
/// only. The server uses it when no connection string is configured; the test suite uses it when
/// neither a connection string nor a Docker engine is available. PostgreSQL refuses to run as
/// root, so under root every command runs as another OS user (<paramref name="serviceUser"/>,
/// <c>postgres</c> unless told otherwise), who must be able to reach the folder
/// (<see cref="ClusterPlacement"/> chooses one it can reach).
/// </summary>
public sealed class LocalPostgresCluster(string binDirectory, string rootDirectory, int port, IReadOnlyList<string>? serverSettings = null,
    string serviceUser = LocalPostgresCluster.DefaultServiceUser)
{
    public const string SuperUser = "postgres";

    /// <summary>The OS user PostgreSQL runs as when this process runs as root.</summary>
    public const string DefaultServiceUser = "postgres";

    public string RootDirectory { get; } = Path.GetFullPath(rootDirectory);

    /// <summary>
    /// The folder that was asked for, when <see cref="ClusterPlacement"/> kept the cluster elsewhere
    /// because the service user could not reach it; null when the cluster is where it was asked to be.
    /// </summary>
    public string? PlacedInsteadOf { get; init; }

    public string ServiceUser { get; } = serviceUser;
    public string DataDirectory => Path.Combine(RootDirectory, "pgdata");
    public int Port { get; } = port;

    /// <summary>True when <see cref="StartAsync"/> started the server rather than finding it running.</summary>
    public bool StartedHere { get; private set; }
    private string PasswordFile => Path.Combine(RootDirectory, "superuser-password");
    private string LogFile => Path.Combine(RootDirectory, "postgres.log");

    /// <summary>True when PostgreSQL's commands run as the service user rather than as this process's user (this process is root).</summary>
    [System.Runtime.Versioning.SupportedOSPlatformGuard("linux")]
    public static bool RunsAsServiceUser => Environment.IsPrivilegedProcess && OperatingSystem.IsLinux();

    /// <summary>The newest PostgreSQL server binaries on this machine, or null when there are none.</summary>
    public static string? FindBinDirectory(string? configured = null)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "initdb")) ? configured : null;
        }

        const string debianRoot = "/usr/lib/postgresql";
        var candidates = Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            : Enumerable.Empty<string>();
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Where(d => d.Length > 0 && File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "postgres")));
        return candidates.Concat(onPath).FirstOrDefault();
    }

    /// <summary>Creates the cluster if needed, starts it unless it already runs, and returns a superuser connection string.</summary>
    public async Task<string> StartAsync(CancellationToken ct = default)
    {
        if (!Directory.Exists(RootDirectory))
        {
            // The parents as any folder is made; the cluster's own folder private to its owner.
            Directory.CreateDirectory(Path.GetDirectoryName(RootDirectory)!);
            CreatePrivateDirectory(RootDirectory);
        }

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(ct);
        }

        if (await RunAsync("pg_ctl", ["status", "-D", DataDirectory], ct, throwOnError: false) != 0)
        {
            var options = string.Join(' ', new[] { $"-p {Port}", "-c listen_addresses=127.0.0.1", $"-k {RootDirectory}" }
                .Concat((serverSettings ?? []).Select(s => $"-c {s}")));
            await RunAsync("pg_ctl", ["start", "-w", "-t", "60", "-D", DataDirectory, "-l", LogFile, "-o", options], ct);
            StartedHere = true;
        }

        return ConnectionString("postgres");
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Password = File.ReadAllText(PasswordFile).Trim(),
        Database = database,
    }.ConnectionString;

    public Task StopAsync(CancellationToken ct = default) =>
        RunAsync("pg_ctl", ["stop", "-m", "fast", "-w", "-D", DataDirectory], ct, throwOnError: false);

    /// <summary>Creates a database unless it exists.</summary>
    public async Task EnsureDatabaseAsync(string name, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"")}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    private async Task InitializeAsync(CancellationToken ct)
    {
        // The server's copy of the password: readable by this process's user only, wherever the
        // folder is and whoever owns it.
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var writer = new StreamWriter(PasswordFile, fileOptions))
        {
            await writer.WriteAsync(password);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        if (RunsAsServiceUser)
        {
            // The folder itself (pgdata, the socket and the log go in it), not the password file.
            await RunProcessAsync("chown", [$"{ServiceUser}:", RootDirectory], ct, throwOnError: true);
        }

        // initdb reads the password from its standard input: nothing on disk for the service user to read.
        await RunAsync("initdb",
            ["-D", DataDirectory, "-U", SuperUser, "--pwfile=/dev/stdin", "--auth-host=scram-sha-256",
             "--auth-local=peer", "-E", "UTF8", "--locale=C.UTF-8"], ct, input: password);
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private async Task<int> RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken ct, bool throwOnError = true, string? input = null)
    {
        var executable = Path.Combine(binDirectory, tool);
        if (!RunsAsServiceUser)
        {
            return (await RunProcessAsync(executable, arguments, ct, throwOnError, input)).ExitCode;
        }

        // A pipe made by this (root) process cannot be opened as /dev/stdin by the service user, so
        // standard input goes through a pipe the service user's own shell makes.
        string[] command = input is null
            ? ["-u", ServiceUser, "--", executable, .. arguments]
            : ["-u", ServiceUser, "--", "/bin/sh", "-c", "cat | exec \"$0\" \"$@\"", executable, .. arguments];
        return (await RunProcessAsync("runuser", command, ct, throwOnError, input)).ExitCode;
    }

    /// <summary>The outcome of <see cref="RunProcessAsync"/>.</summary>
    internal sealed record ProcessResult(int ExitCode, string Output, string Error);

    /// <summary>Runs a program to its end; <paramref name="input"/>, if any, is its whole standard input.</summary>
    internal static async Task<ProcessResult> RunProcessAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken ct,
        bool throwOnError, string? input = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), ct);
            process.StandardInput.Close();
        }

        await process.WaitForExitAsync(ct);
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
        }

        return new ProcessResult(process.ExitCode, await output, await error);
    }
}
