using System.Net;
using FleepServer.Hosting;
using FleepServer.Tests.Infrastructure;
using Npgsql;

namespace FleepServer.Tests.Operations;

/// <summary>
/// <c>/health/ready</c> reports the database: a server of its own reaches its database through a
/// relay the test can stop, so the database "goes down" for this server only (the PostgreSQL
/// server other classes share keeps running). <c>/health</c> (liveness) does not depend on it.
/// The server migrates at start (MigrationHostedService), so it cannot start with no database at
/// all; the test starts it with the relay up and takes the database away afterwards.
/// </summary>
public sealed class ReadinessTests(PostgresServer postgres)
{
    [Fact]
    public async Task Ready_fails_while_the_database_is_unreachable_and_recovers_liveness_stays_healthy()
    {
        var ct = TestContext.Current.CancellationToken;
        var direct = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync());
        await using var relay = new TcpRelay(direct.Host!, direct.Port);
        relay.Start();
        var viaRelay = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = relay.Port };

        await using var app = await FleepServerHost.BuildAsync(
            ["--urls", "http://127.0.0.1:0", "--environment", "Testing", "--ConnectionStrings:Fleep", viaRelay.ConnectionString]);
        await app.StartAsync(ct);
        try
        {
            var address = new Uri(FleepServerHost.AddressOf(app));
            using var client = new FleepTestClient(address);

            await AssertHealthAsync(client, "/health/ready", HttpStatusCode.OK, "Healthy");

            await relay.StopAsync();

            await AssertHealthAsync(client, "/health/ready", HttpStatusCode.ServiceUnavailable, "Unhealthy");
            await AssertHealthAsync(client, "/health", HttpStatusCode.OK, "Healthy");

            relay.Start();

            await AssertHealthAsync(client, "/health/ready", HttpStatusCode.OK, "Healthy");
            await AssertHealthAsync(client, "/health", HttpStatusCode.OK, "Healthy");
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    private static async Task AssertHealthAsync(FleepTestClient client, string path, HttpStatusCode status, string body)
    {
        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path));
        Assert.Equal(status, response.Status);
        Assert.Equal(body, await response.Raw.Content.ReadAsStringAsync());
    }
}
