namespace FleepServer.Hosting;

/// <summary>Raised when the server has no database to use: no connection string and no local PostgreSQL binaries.</summary>
public sealed class NoDatabaseException(string message) : Exception(message);

/// <summary>
/// The zero-configuration default: with no <c>ConnectionStrings:Fleep</c>, the server starts (or
/// reuses) a private PostgreSQL cluster under <c>Fleep:EmbeddedDatabase:DataDirectory</c> and
/// stops it again when the server stops. Run as root, the cluster goes where PostgreSQL's own OS
/// user can reach it (<see cref="ClusterPlacement"/>).
/// </summary>
public static class EmbeddedDatabase
{
    public const string DatabaseName = "fleep";

    public static async Task<LocalPostgresCluster> StartAsync(EmbeddedDatabaseOptions options, string contentRoot, CancellationToken ct = default)
    {
        var binaries = LocalPostgresCluster.FindBinDirectory(options.BinDirectory) ?? throw new NoDatabaseException(
            "No database configured and no PostgreSQL server binaries found (initdb, pg_ctl, postgres). " +
            "Either set the connection string ConnectionStrings__Fleep (for example " +
            "\"Host=localhost;Database=fleep;Username=fleep;Password=...\"), or run `docker compose up`, " +
            "or install PostgreSQL server binaries (Debian: apt-get install postgresql).");

        var root = Path.IsPathRooted(options.DataDirectory)
            ? options.DataDirectory
            : Path.Combine(contentRoot, options.DataDirectory);
        var requested = Path.GetFullPath(Path.Combine(root, "postgres"));
        var folder = await ClusterPlacement.ChooseAsync(requested, options.ServiceUser, ct);
        var cluster = new LocalPostgresCluster(binaries, folder, options.Port, serviceUser: options.ServiceUser)
        {
            PlacedInsteadOf = folder == requested ? null : requested,
        };
        await cluster.StartAsync(ct);
        await cluster.EnsureDatabaseAsync(DatabaseName, ct);
        return cluster;
    }
}
