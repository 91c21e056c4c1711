using System.Security.Cryptography;
using System.Text;

namespace FleepServer.Hosting;

/// <summary>
/// Where a local PostgreSQL cluster's folder goes. Run as any user but root, it is the folder asked
/// for. Run as root, PostgreSQL runs as the service user, who must be able to pass through every
/// parent of the folder: a checkout under <c>/root</c> or under any other <c>0700</c> folder is out
/// of its reach. Then the cluster is kept in the service user's home instead, in a folder of its
/// own per requested folder (<c>~postgres/fleepserver/&lt;hash of the requested path&gt;</c>), so
/// two checkouts never share a cluster and no permission of the user's folders is changed. When
/// that is not possible either, <see cref="NoDatabaseException"/> says what to do.
/// </summary>
public static class ClusterPlacement
{
    /// <summary>The folder in the service user's home that holds relocated clusters.</summary>
    public const string HomeFolder = "fleepserver";

    /// <summary>
    /// The folder for a cluster asked to be in <paramref name="requested"/>: that folder when the
    /// PostgreSQL commands can reach it, otherwise a folder of its own in the service user's home,
    /// made (owned by the service user, 0700) if needed.
    /// </summary>
    public static async Task<string> ChooseAsync(string requested, string serviceUser, CancellationToken ct = default)
    {
        requested = Path.GetFullPath(requested);
        if (!LocalPostgresCluster.RunsAsServiceUser)
        {
            return requested;
        }

        if (await HomeOfAsync(serviceUser, ct) is not { } home)
        {
            throw Unplaceable(requested, serviceUser, "which does not exist on this machine (Fleep:EmbeddedDatabase:ServiceUser names it)");
        }

        if (await CanReachAsync(Path.GetDirectoryName(requested)!, serviceUser, ct))
        {
            return requested;
        }

        if (File.Exists(Path.Combine(requested, "pgdata", "PG_VERSION")))
        {
            // Never start an empty cluster elsewhere in place of one that is there.
            throw Unplaceable(requested, serviceUser, "which cannot reach the cluster already in it");
        }

        if (home.Length == 0 || !Directory.Exists(home) || !await CanReachAsync(home, serviceUser, ct))
        {
            throw Unplaceable(requested, serviceUser,
                $"which cannot reach it and has no home folder ({(home.Length == 0 ? "none" : home)}) to keep the cluster in instead");
        }

        var folder = Path.Combine(home, HomeFolder);
        try
        {
            if (!Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                await LocalPostgresCluster.RunProcessAsync("chown", [$"{serviceUser}:", folder], ct, throwOnError: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw Unplaceable(requested, serviceUser, $"which cannot reach it, and {folder} could not be made to keep the cluster in instead ({e.Message.Trim()})");
        }

        return Path.Combine(folder, ShortHash(requested));
    }

    /// <summary>The first 16 hex digits of the SHA-256 of the path: one folder per requested folder.</summary>
    public static string ShortHash(string path) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(path))))[..16];

    private static NoDatabaseException Unplaceable(string requested, string serviceUser, string reason) => new(
        $"The embedded PostgreSQL cluster cannot be kept in {requested}: the server runs as root, so PostgreSQL runs as the OS user " +
        $"\"{serviceUser}\", {reason}; set Fleep:EmbeddedDatabase:DataDirectory to a folder \"{serviceUser}\" can reach, " +
        "or set the connection string ConnectionStrings__Fleep to use a PostgreSQL server of your own.");

    /// <summary>The user's home folder ("" when it has none), or null when there is no such user.</summary>
    private static async Task<string?> HomeOfAsync(string user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(user) || user.StartsWith('-'))
        {
            return null;
        }

        var entry = await LocalPostgresCluster.RunProcessAsync("getent", ["passwd", user], ct, throwOnError: false);
        var fields = entry.Output.Trim().Split(':');
        return entry.ExitCode == 0 && fields.Length >= 7 ? fields[5] : null;
    }

    /// <summary>
    /// Whether the user can pass through <paramref name="directory"/> and all its parents; for a
    /// folder not made yet, its nearest existing parent (the folders in between are made by this
    /// process, open to others as any new folder).
    /// </summary>
    private static async Task<bool> CanReachAsync(string directory, string user, CancellationToken ct)
    {
        var existing = directory;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        var test = await LocalPostgresCluster.RunProcessAsync("runuser", ["-u", user, "--", "test", "-x", existing], ct, throwOnError: false);
        return test.ExitCode == 0;
    }
}
