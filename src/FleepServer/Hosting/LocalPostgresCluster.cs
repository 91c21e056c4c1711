using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;

namespace FleepServer.Hosting;

/// <summary>
/// A PostgreSQL cluster run from the machine's own PostgreSQL binaries, listening on 127.0.0.1
/// only. The server uses it when no connection string is configured; the test suite uses it when
/// neither a connection string nor a Docker engine is available. PostgreSQL refuses to run as
/// root, so under root every command runs as the <c>postgres</c> OS user.
/// </summary>
public sealed class LocalPostgresCluster(string binDirectory, string rootDirectory, int port, IReadOnlyList<string>? serverSettings = null)
{
    public const string SuperUser = "postgres";
    private const string ServiceUser = "postgres";

    public string RootDirectory { get; } = Path.GetFullPath(rootDirectory);
    public string DataDirectory => Path.Combine(RootDirectory, "pgdata");
    public int Port { get; } = port;

    /// <summary>True when <see cref="StartAsync"/> started the server rather than finding it running.</summary>
    public bool StartedHere { get; private set; }
    private string PasswordFile => Path.Combine(RootDirectory, "superuser-password");
    private string LogFile => Path.Combine(RootDirectory, "postgres.log");
    private static bool RunAsServiceUser => Environment.IsPrivilegedProcess && OperatingSystem.IsLinux();

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
        Directory.CreateDirectory(RootDirectory);
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
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await File.WriteAllTextAsync(PasswordFile, password, ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // initdb reads the password from a file; it must be readable by the user initdb runs as.
        var initPasswordFile = Path.Combine(RootDirectory, "initdb-password");
        await File.WriteAllTextAsync(initPasswordFile, password, ct);
        if (RunAsServiceUser)
        {
            await ChownAsync(RootDirectory, ct);
        }

        try
        {
            await RunAsync("initdb",
                ["-D", DataDirectory, "-U", SuperUser, "--pwfile", initPasswordFile, "--auth-host=scram-sha-256",
                 "--auth-local=peer", "-E", "UTF8", "--locale=C.UTF-8"], ct);
        }
        finally
        {
            File.Delete(initPasswordFile);
        }
    }

    private static Task ChownAsync(string path, CancellationToken ct) =>
        RunProcessAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", path], ct, throwOnError: true);

    private Task<int> RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken ct, bool throwOnError = true)
    {
        var executable = Path.Combine(binDirectory, tool);
        return RunAsServiceUser
            ? RunProcessAsync("runuser", ["-u", ServiceUser, "--", executable, .. arguments], ct, throwOnError)
            : RunProcessAsync(executable, arguments, ct, throwOnError);
    }

    private static async Task<int> RunProcessAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken ct, bool throwOnError)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
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
        await process.WaitForExitAsync(ct);
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
        }

        return process.ExitCode;
    }
}
