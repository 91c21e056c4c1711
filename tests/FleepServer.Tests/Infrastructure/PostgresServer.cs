using FleepServer.Hosting;
using FleepServer.Testing;
using Npgsql;

[assembly: AssemblyFixture(typeof(FleepServer.Tests.Infrastructure.PostgresServer))]

namespace FleepServer.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server for the whole test run, chosen as the test stand-in chooses it
/// (FleepServer.Testing): <c>FLEEP_TEST_CONNECTION</c> if set (a role that may create databases),
/// else a Testcontainers container where a Docker engine answers, else a throwaway cluster from the
/// local binaries. Test classes and stand-ins share it: the schema is migrated once into a
/// template, and every test class gets a clone (<see cref="ThrowawayDatabases"/>).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private ThrowawayDatabases? databases;

    public string Source => databases?.Source ?? "";

    public async ValueTask InitializeAsync() => databases = await StandInDatabases.ForAsync(null);

    /// <summary>A fresh, migrated database of its own.</summary>
    public Task<string> CreateDatabaseAsync() => databases!.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await StandInDatabases.StopAllAsync();
    }
}
