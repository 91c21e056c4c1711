using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FleepServer.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FleepServer.Hosting;

/// <summary>
/// Databases made to be thrown away: the <c>--ephemeral</c> server and the test stand-in
/// (FleepServer.Testing) each get one. The schema is migrated once into a template; every
/// database after that is a clone of it, which takes a fraction of a second. The databases live
/// on a PostgreSQL server given by an admin connection string (the role needs CREATEDB), or on a
/// private cluster started from the machine's PostgreSQL binaries in a temporary folder.
/// Disposing drops every database made here, and stops and deletes a private cluster. A cluster
/// whose owning process died without disposing is stopped and deleted by the next start.
/// </summary>
public sealed class ThrowawayDatabases : IAsyncDisposable
{
    private const string FolderPrefix = "fleep-throwaway-";
    private readonly string runId = Guid.NewGuid().ToString("N")[..8];
    private readonly SemaphoreSlim cloneLock = new(1, 1);
    private readonly HashSet<string> created = [];
    private readonly string adminConnection;
    private readonly LocalPostgresCluster? cluster;
    private int databases;
    private bool disposed;

    private ThrowawayDatabases(string adminConnection, LocalPostgresCluster? cluster, string source)
    {
        this.adminConnection = adminConnection;
        this.cluster = cluster;
        Source = source;
    }

    /// <summary>Where the databases live: "PostgreSQL at host:port" or "a private cluster in &lt;folder&gt;".</summary>
    public string Source { get; }

    /// <summary>The private cluster's folder, or null when the databases live on a given server.</summary>
    public string? ClusterDirectory => cluster?.RootDirectory;

    private string TemplateName => $"fleep_template_{runId}";

    /// <summary>
    /// Stops a private cluster (<c>pg_ctl stop -m fast</c>) without deleting it, so a test can take
    /// the database away from a running server; <see cref="StartClusterAsync"/> brings it back.
    /// </summary>
    public Task StopClusterAsync(CancellationToken ct = default) =>
        (cluster ?? throw new InvalidOperationException("The databases live on a given server, not a private cluster.")).StopAsync(ct);

    /// <summary>Starts a private cluster <see cref="StopClusterAsync"/> stopped; returns when it accepts connections.</summary>
    public Task StartClusterAsync(CancellationToken ct = default) =>
        (cluster ?? throw new InvalidOperationException("The databases live on a given server, not a private cluster.")).StartAsync(ct);

    /// <summary>Uses an existing PostgreSQL server; the role of <paramref name="adminConnection"/> must be allowed to create databases.</summary>
    public static Task<ThrowawayDatabases> OnServerAsync(string adminConnection, CancellationToken ct = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(adminConnection);
        // Connect to a maintenance database, not the one a server-style connection string names.
        builder.Database = string.IsNullOrEmpty(builder.Database) || builder.Database == "fleep" ? "postgres" : builder.Database;
        return StartAsync(new ThrowawayDatabases(builder.ConnectionString, null, $"PostgreSQL at {builder.Host}:{builder.Port}"), ct);
    }

    /// <summary>
    /// Starts a private cluster from the local PostgreSQL binaries in a new temporary folder,
    /// without durability (fsync off): nothing in it is meant to outlive the process.
    /// </summary>
    public static async Task<ThrowawayDatabases> OnPrivateClusterAsync(string? binDirectory = null, CancellationToken ct = default)
    {
        var binaries = LocalPostgresCluster.FindBinDirectory(binDirectory) ?? throw new NoDatabaseException(
            "No PostgreSQL server binaries found (initdb, pg_ctl, postgres) for a throwaway database. Either install them " +
            "(Debian: apt-get install postgresql) or give a connection string to a PostgreSQL server whose role may create databases.");
        await SweepAbandonedClustersAsync(binaries);

        var folder = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        var cluster = new LocalPostgresCluster(binaries, folder, FreePort(),
            ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300"]);
        try
        {
            var admin = await cluster.StartAsync(ct);
            return await StartAsync(new ThrowawayDatabases(admin, cluster, $"a private cluster in {cluster.RootDirectory}"), ct);
        }
        catch
        {
            await cluster.StopAsync(CancellationToken.None);
            DeleteFolder(folder);
            throw;
        }
    }

    private static async Task<ThrowawayDatabases> StartAsync(ThrowawayDatabases databases, CancellationToken ct)
    {
        await databases.ExecuteAsync($"CREATE DATABASE {databases.TemplateName}", ct);
        var options = new DbContextOptionsBuilder<FleepDbContext>();
        FleepDbContext.Configure(options, databases.WithDatabase(databases.TemplateName));
        await using (var db = new FleepDbContext(options.Options))
        {
            await db.Database.MigrateAsync(ct);
        }

        // A template must have no open connections while it is cloned.
        await databases.EndSessionsAsync(databases.TemplateName, ct);
        return databases;
    }

    /// <summary>A new, migrated database of its own; returns its connection string.</summary>
    public async Task<string> CreateAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var name = $"fleep_{runId}_{Interlocked.Increment(ref databases)}";
        await cloneLock.WaitAsync(ct);
        try
        {
            await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {TemplateName}", ct);
        }
        finally
        {
            cloneLock.Release();
        }

        lock (created)
        {
            created.Add(name);
        }

        return WithDatabase(name);
    }

    /// <summary>Drops a database <see cref="CreateAsync"/> made, ending any session still connected to it.</summary>
    public async Task DropAsync(string connectionString, CancellationToken ct = default)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        lock (created)
        {
            if (!created.Remove(name))
            {
                throw new InvalidOperationException($"Database {name} was not made by this instance.");
            }
        }

        await DropDatabaseAsync(name, ct);
    }

    /// <summary>The names of the databases made here and not yet dropped.</summary>
    public IReadOnlyList<string> Names()
    {
        lock (created)
        {
            return created.Order().ToList();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (cluster is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await cluster.StopAsync(CancellationToken.None);
            DeleteFolder(cluster.RootDirectory);
            return;
        }

        foreach (var name in Names().Append(TemplateName))
        {
            await DropDatabaseAsync(name, CancellationToken.None);
        }

        lock (created)
        {
            created.Clear();
        }
    }

    private async Task DropDatabaseAsync(string name, CancellationToken ct)
    {
        // Pooled connections of a stopped server would otherwise keep the database open.
        await using (var probe = new NpgsqlConnection(WithDatabase(name)))
        {
            NpgsqlConnection.ClearPool(probe);
        }

        await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", ct);
    }

    private async Task EndSessionsAsync(string database, CancellationToken ct)
    {
        await using (var probe = new NpgsqlConnection(WithDatabase(database)))
        {
            NpgsqlConnection.ClearPool(probe);
        }

        await using var connection = new NpgsqlConnection(adminConnection);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("name", database);
        await command.ExecuteScalarAsync(ct);
    }

    private string WithDatabase(string database) =>
        new NpgsqlConnectionStringBuilder(adminConnection) { Database = database }.ConnectionString;

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(adminConnection) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Stops and deletes the private clusters of processes that ended without disposing (killed
    /// test runs): each folder is named after the process that made it.
    /// </summary>
    private static async Task SweepAbandonedClustersAsync(string binaries)
    {
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var pidText = Path.GetFileName(folder)[FolderPrefix.Length..].Split('-')[0];
            if (!int.TryParse(pidText, out var pid) || IsRunning(pid))
            {
                continue;
            }

            try
            {
                await new LocalPostgresCluster(binaries, folder, 0).StopAsync(CancellationToken.None);
                DeleteFolder(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Someone else's leftovers that this user cannot remove: not this run's business.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
