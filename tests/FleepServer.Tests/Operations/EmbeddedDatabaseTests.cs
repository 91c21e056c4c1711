using FleepServer.Hosting;
using FleepServer.Tests.Infrastructure;
using Npgsql;

namespace FleepServer.Tests.Operations;

/// <summary>The zero-configuration default: a private cluster from the local binaries, created once and reused.</summary>
public sealed class EmbeddedDatabaseTests
{
    [Fact]
    public async Task Starts_a_private_cluster_and_reuses_it_with_its_data()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"fleep-embedded-{Guid.NewGuid():N}");
        var options = new EmbeddedDatabaseOptions { DataDirectory = folder, Port = FreePort.Next() };
        try
        {
            var cluster = await EmbeddedDatabase.StartAsync(options, "/unused-when-rooted");
            Assert.True(cluster.StartedHere);

            // A second process finds it running and must not own (and later stop) it.
            var reused = await EmbeddedDatabase.StartAsync(options, "/unused-when-rooted");
            Assert.False(reused.StartedHere);
            await ExecuteAsync(cluster.ConnectionString(EmbeddedDatabase.DatabaseName), "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)");
            await cluster.StopAsync();
            NpgsqlConnection.ClearAllPools();

            var again = await EmbeddedDatabase.StartAsync(options, "/unused-when-rooted");
            await using var connection = new NpgsqlConnection(again.ConnectionString(EmbeddedDatabase.DatabaseName));
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand("SELECT x FROM kept", connection);
            Assert.Equal(42, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));

            // Listening on loopback only.
            await using var settings = new NpgsqlCommand("SHOW listen_addresses", connection);
            Assert.Equal("127.0.0.1", await settings.ExecuteScalarAsync(TestContext.Current.CancellationToken));
            await connection.CloseAsync();
            NpgsqlConnection.ClearAllPools();
            await again.StopAsync();
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Without_binaries_it_names_the_alternatives()
    {
        var options = new EmbeddedDatabaseOptions { BinDirectory = "/nonexistent/postgresql/bin", DataDirectory = Path.GetTempPath() };

        var error = await Assert.ThrowsAsync<NoDatabaseException>(() => EmbeddedDatabase.StartAsync(options, "/"));

        Assert.Contains("ConnectionStrings__Fleep", error.Message);
        Assert.Contains("docker compose up", error.Message);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

}
