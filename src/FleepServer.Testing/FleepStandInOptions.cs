using Microsoft.Extensions.DependencyInjection;

namespace FleepServer.Testing;

/// <summary>How <see cref="FleepStandIn.StartAsync"/> starts its server. Every property is optional.</summary>
public sealed class FleepStandInOptions
{
    /// <summary>
    /// A PostgreSQL server to make the stand-in's database on (the role must be allowed to create
    /// databases). Null: the environment variable <c>FLEEP_TEST_CONNECTION</c> if set, else a
    /// PostgreSQL container through Testcontainers where a Docker engine answers, else a private
    /// cluster from the machine's PostgreSQL server binaries in a temporary folder.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Server settings, by configuration key (e.g. <c>["Fleep:Registration:Mode"] = "closed"</c>).
    /// They win over the stand-in's own defaults (relaxed login and hook limits, outgoing webhooks
    /// allowed to call loopback).
    /// </summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>The port to listen on (127.0.0.1 only); 0, the default, takes a free one.</summary>
    public int Port { get; set; }

    /// <summary>Write the server's log to standard error (off by default: a test run stays quiet).</summary>
    public bool ShowLog { get; set; }

    /// <summary>Lets a test add or replace server services before the server is built.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }
}
