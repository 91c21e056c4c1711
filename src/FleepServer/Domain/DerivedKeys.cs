using System.Security.Cryptography;
using System.Text;

namespace FleepServer.Domain;

/// <summary>
/// Values derived from a name, the same in every process and every call: the ids of the sections
/// every board has without a row, and the keys of transaction-scoped advisory locks.
/// </summary>
public static class DerivedKeys
{
    /// <summary>A name-based (version 5 style, RFC 4122 variant) UUID: the first 16 bytes of the name's SHA-256.</summary>
    public static Guid Id(string name)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    /// <summary>The advisory lock key of a name: the first 8 bytes of its SHA-256.</summary>
    public static long LockKey(string name) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0);

    /// <summary>
    /// Takes the transaction-scoped advisory lock of <paramref name="name"/>: the changes that take
    /// it run one after the other until their transactions end (docs/writes.md, lock order).
    /// </summary>
    public static Task LockAsync(Data.FleepDbContext db, string name, CancellationToken ct) =>
        Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlAsync(db.Database,
            $"SELECT pg_advisory_xact_lock({LockKey(name)})", ct);
}
