using FleepServer.Data;
using FleepServer.Hosting;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Testcontainers.PostgreSql;

[assembly: AssemblyFixture(typeof(FleepServer.Tests.Infrastructure.PostgresServer))]

namespace FleepServer.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server for the whole test run, found the way the server finds its own:
/// <c>FLEEP_TEST_CONNECTION</c> if set (a role that may create databases), else a Testcontainers
/// container where a Docker engine answers, else a throwaway cluster from the local binaries.
/// The schema is migrated once into a template database; every test class gets a clone.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string runId = Guid.NewGuid().ToString("N")[..8];
    private readonly SemaphoreSlim cloneLock = new(1, 1);
    private LocalPostgresCluster? cluster;
    private PostgreSqlContainer? container;
    private string adminConnection = "";
    private int databases;

    public string Source { get; private set; } = "";
    private string TemplateName => $"fleep_template_{runId}";

    public async ValueTask InitializeAsync()
    {
        adminConnection = Environment.GetEnvironmentVariable("FLEEP_TEST_CONNECTION") is { Length: > 0 } configured
            ? UseConfigured(configured)
            : DockerAnswers() ? await StartContainerAsync() : await StartLocalClusterAsync();

        await ExecuteAsync($"CREATE DATABASE {TemplateName}");
        var options = new DbContextOptionsBuilder<FleepDbContext>();
        FleepDbContext.Configure(options, WithDatabase(TemplateName));
        await using (var db = new FleepDbContext(options.Options))
        {
            await db.Database.MigrateAsync();
        }

        // A template must have no open connections while it is cloned.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>A fresh, migrated database of its own.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"fleep_test_{runId}_{Interlocked.Increment(ref databases)}";
        await cloneLock.WaitAsync();
        try
        {
            await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {TemplateName}");
        }
        finally
        {
            cloneLock.Release();
        }

        return WithDatabase(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (cluster is not null)
        {
            await cluster.StopAsync();
            Directory.Delete(cluster.RootDirectory, recursive: true);
        }
        else if (container is not null)
        {
            await container.DisposeAsync();
        }
        else
        {
            await DropRunDatabasesAsync();
        }
    }

    private string UseConfigured(string connection)
    {
        Source = "FLEEP_TEST_CONNECTION";
        return connection;
    }

    private static bool DockerAnswers() =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } || File.Exists("/var/run/docker.sock");

    private async Task<string> StartContainerAsync()
    {
        try
        {
            container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await container.StartAsync();
            Source = "Testcontainers";
            return container.GetConnectionString();
        }
        catch (Exception)
        {
            // A socket file without a working engine behind it: fall back to local binaries.
            container = null;
            return await StartLocalClusterAsync();
        }
    }

    private async Task<string> StartLocalClusterAsync()
    {
        var binaries = LocalPostgresCluster.FindBinDirectory() ?? throw new InvalidOperationException(
            "Tests need PostgreSQL: set FLEEP_TEST_CONNECTION, run a Docker engine, or install PostgreSQL server binaries.");
        // Durability is not what these tests are about; skipping fsync keeps the suite fast.
        cluster = new LocalPostgresCluster(binaries, Path.Combine(Path.GetTempPath(), $"fleep-tests-{runId}"), FreePort.Next(),
            ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300"]);
        Source = "local PostgreSQL binaries";
        return await cluster.StartAsync();
    }

    private async Task DropRunDatabasesAsync()
    {
        await using var connection = new NpgsqlConnection(adminConnection);
        await connection.OpenAsync();
        await using var list = new NpgsqlCommand($"SELECT datname FROM pg_database WHERE datname LIKE '%\\_{runId}%'", connection);
        var names = new List<string>();
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private string WithDatabase(string database) =>
        new NpgsqlConnectionStringBuilder(adminConnection) { Database = database }.ConnectionString;

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(adminConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

}
