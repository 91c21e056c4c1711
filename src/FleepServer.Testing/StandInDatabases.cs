using FleepServer.Hosting;
using Testcontainers.PostgreSql;

namespace FleepServer.Testing;

/// <summary>
/// The databases of every stand-in in this process, per PostgreSQL source: started on first use
/// (the one slow step: a cluster or container plus the migrations, a few seconds), shared by the
/// stand-ins after it (a template clone each, a fraction of a second), and stopped and deleted when
/// the process exits.
/// </summary>
internal static class StandInDatabases
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Task<ThrowawayDatabases>> Sources = [];
    private static readonly List<PostgreSqlContainer> Containers = [];
    private static bool exitHooked;

    public static Task<ThrowawayDatabases> ForAsync(string? connectionString)
    {
        var configured = connectionString ?? Environment.GetEnvironmentVariable("FLEEP_TEST_CONNECTION");
        var key = string.IsNullOrEmpty(configured) ? "" : configured;
        lock (Gate)
        {
            if (!exitHooked)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAllAsync().GetAwaiter().GetResult();
                exitHooked = true;
            }

            if (!Sources.TryGetValue(key, out var databases) || databases.IsFaulted || databases.IsCanceled)
            {
                databases = key.Length > 0 ? ThrowawayDatabases.OnServerAsync(key) : StartDefaultAsync();
                Sources[key] = databases;
            }

            return databases;
        }
    }

    /// <summary>Stops every source this process started; the next stand-in starts a new one.</summary>
    public static async Task StopAllAsync()
    {
        List<Task<ThrowawayDatabases>> sources;
        List<PostgreSqlContainer> containers;
        lock (Gate)
        {
            sources = [.. Sources.Values];
            containers = [.. Containers];
            Sources.Clear();
            Containers.Clear();
        }

        foreach (var source in sources.Where(s => s.IsCompletedSuccessfully))
        {
            await source.Result.DisposeAsync();
        }

        foreach (var container in containers)
        {
            await container.DisposeAsync();
        }
    }

    private static async Task<ThrowawayDatabases> StartDefaultAsync()
    {
        if (DockerAnswers() && await TryStartContainerAsync() is { } container)
        {
            return await ThrowawayDatabases.OnServerAsync(container.GetConnectionString());
        }

        return await ThrowawayDatabases.OnPrivateClusterAsync();
    }

    private static bool DockerAnswers() =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } || File.Exists("/var/run/docker.sock");

    private static async Task<PostgreSqlContainer?> TryStartContainerAsync()
    {
        var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
        try
        {
            await container.StartAsync();
        }
        catch (Exception)
        {
            // A socket without a working engine behind it: use the local binaries instead.
            await container.DisposeAsync();
            return null;
        }

        lock (Gate)
        {
            Containers.Add(container);
        }

        return container;
    }
}
