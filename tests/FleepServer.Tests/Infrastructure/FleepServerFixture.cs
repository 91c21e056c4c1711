using FleepServer.Data;
using FleepServer.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Serilog.Core;

namespace FleepServer.Tests.Infrastructure;

/// <summary>
/// A real FleepServer for one test class: built by the production composition
/// (<see cref="FleepServerHost"/>), listening on 127.0.0.1 on a free port, over its own clone of
/// the migrated database. Time is a <see cref="FakeTimeProvider"/>, password hashing is counted
/// and log events are captured. Subclasses change settings through <see cref="Settings"/>.
/// </summary>
public class FleepServerFixture(PostgresServer postgres) : IAsyncLifetime
{
    private WebApplication? app;
    private readonly List<WebApplication> peers = [];

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public CapturedLogs Logs { get; } = new();
    public CountingPasswordHasher Hasher { get; } = new();
    public CommandCounter Commands { get; } = new();
    public Uri BaseAddress { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";

    /// <summary>The folder this server (and its peers, like processes on one machine) keeps file contents in; deleted with the fixture.</summary>
    public string FilesDirectory { get; } = Directory.CreateTempSubdirectory("fleep-test-files-").FullName;
    public IServiceProvider Services => app!.Services;

    /// <summary>Configuration for this server; tests relax the abuse limits unless they test them.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Fleep:Login:PermitsPerIp"] = "100000",
        ["Fleep:Login:PermitsPerAccount"] = "100000",
    };

    /// <summary>One hook token key for every server of the test run, as processes on one database share theirs.</summary>
    public static readonly string HookTokenKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await CreateDatabaseAsync();
        app = await StartServerAsync(Commands);
        BaseAddress = AddressOf(app);
    }

    /// <summary>The migrated database this server runs on; a subclass may make it elsewhere (a cluster of its own).</summary>
    protected virtual Task<string> CreateDatabaseAsync() => postgres.CreateDatabaseAsync();

    /// <summary>
    /// Starts one more server process-equivalent on the same database: its own waiters, notifier
    /// and connections, as a second FleepServer process behind a proxy would have.
    /// </summary>
    public async Task<(Uri BaseAddress, IServiceProvider Services, CommandCounter Commands)> StartPeerAsync(
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var commands = new CommandCounter();
        var peer = await StartServerAsync(commands, settings);
        peers.Add(peer);
        return (AddressOf(peer), peer.Services, commands);
    }

    /// <summary>
    /// Stops a peer the way SIGTERM stops a server process: new connections are refused, parked
    /// polls are answered, requests in flight finish (within Fleep:ShutdownTimeout), then it is gone.
    /// </summary>
    public async Task StopPeerAsync(IServiceProvider services)
    {
        var peer = peers.Single(p => p.Services == services);
        peers.Remove(peer);
        await peer.StopAsync();
        await peer.DisposeAsync();
    }

    /// <summary>
    /// Stops a peer the way a killed process stops: no graceful drain (the stop is cancelled from
    /// the start), so whatever it had in flight is abandoned mid-way.
    /// </summary>
    public async Task KillPeerAsync(IServiceProvider services)
    {
        var peer = peers.Single(p => p.Services == services);
        peers.Remove(peer);
        await peer.StopAsync(new CancellationToken(canceled: true));
        await peer.DisposeAsync();
    }

    private async Task<WebApplication> StartServerAsync(CommandCounter commands, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var args = new[] { "--urls", "http://127.0.0.1:0", "--environment", "Testing" }
            .Concat(settings.Append(new("ConnectionStrings:Fleep", ConnectionString)).Append(new("Fleep:Hooks:TokenKey", HookTokenKey))
                .Prepend(new("Fleep:Files:Directory", FilesDirectory))
                .SelectMany(s => new[] { $"--{s.Key}", s.Value ?? "" }))
            .ToArray();

        var server = await FleepServerHost.BuildAsync(args, builder =>
        {
            builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            builder.Services.Replace(ServiceDescriptor.Singleton<IPasswordHasher<Account>>(Hasher));
            builder.Services.AddSingleton<ILogEventSink>(Logs);
            builder.Services.ConfigureDbContext<FleepDbContext>(options => options.AddInterceptors(commands));
            Customize(builder);
        });
        await server.StartAsync();
        return server;
    }

    private static Uri AddressOf(WebApplication server) =>
        new(FleepServerHost.AddressOf(server));

    /// <summary>Lets a subclass add or replace services before the server is built.</summary>
    protected virtual void Customize(WebApplicationBuilder builder)
    {
    }

    public FleepTestClient NewClient() => new(BaseAddress);

    /// <summary>Registers an account with a unique address and returns a client logged in as it.</summary>
    public async Task<FleepTestClient> NewAccountAsync(string? name = null, string password = "correct horse")
    {
        var client = NewClient();
        var email = $"{name ?? "user"}.{Guid.NewGuid():N}@example.org";
        await client.RegisterAsync(email, password, name ?? "Test User");
        await client.LoginAsync(email, password);
        return client;
    }

    /// <summary>A database context on the server's database, for asserting what was (not) written.</summary>
    public FleepDbContext OpenDb()
    {
        var options = new DbContextOptionsBuilder<FleepDbContext>();
        FleepDbContext.Configure(options, ConnectionString);
        return new FleepDbContext(options.Options);
    }

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var server in peers.Append(app).OfType<WebApplication>())
        {
            await server.StopAsync();
            await server.DisposeAsync();
        }

        await EndBackendsAsync();
        Directory.Delete(FilesDirectory, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Ends the database sessions the stopped servers' connection pools still keep open: idle pooled
    /// connections outlive the server that opened them, and after classes that run many requests
    /// at once they would use up the PostgreSQL server's connection slots for the rest of the run.
    /// </summary>
    private async Task EndBackendsAsync()
    {
        if (ConnectionString.Length == 0)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", connection);
        await command.ExecuteScalarAsync();
    }
}
