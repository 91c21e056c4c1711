using System.Security.Cryptography;
using System.Text;
using FleepServer.Data;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.MyBoard;

/// <summary>
/// The columns of one account's personal board (docs/boards.md, "Personal board"). Every account
/// has To Do (subtype default) and Archived (subtype archived); their ids are derived from the
/// account id, so they exist without a row and a row is stored only once one of them changes.
/// Sections the account adds are always stored.
/// </summary>
public static class MySections
{
    public const string SectionType = "my_task";
    public const string Default = "default";
    public const string Archived = "archived";
    public const string User = "user";
    public const string ToDoName = "To Do";
    public const string ArchivedName = "Archived";

    /// <summary>To Do's weight, and the gap between columns and between tasks appended one after another.</summary>
    public const double WeightStep = 4294967296;

    public static Guid ToDoId(Guid accountId) => Derive(accountId, "todo");

    public static Guid ArchivedId(Guid accountId) => Derive(accountId, "archived");

    /// <summary>The two sections every board starts with, as they are before any change.</summary>
    public static IEnumerable<Section> Defaults(Guid accountId) =>
    [
        new Section
        {
            Id = ToDoId(accountId), AccountId = accountId, Name = ToDoName, MkSectionType = SectionType, MkSectionSubtype = Default,
            Weight = WeightStep, CreatedTime = DateTimeOffset.UnixEpoch, StoreTime = DateTimeOffset.UnixEpoch,
        },
        new Section
        {
            Id = ArchivedId(accountId), AccountId = accountId, Name = ArchivedName, MkSectionType = SectionType, MkSectionSubtype = Archived,
            Weight = 0, CreatedTime = DateTimeOffset.UnixEpoch, StoreTime = DateTimeOffset.UnixEpoch,
        },
    ];

    /// <summary>
    /// The account's sections, deleted ones included, board order (highest weight first): the
    /// stored rows and the default ones not stored yet. <paramref name="tracked"/> reads rows for a change.
    /// </summary>
    public static async Task<List<Section>> ListAsync(FleepDbContext db, Guid accountId, bool tracked, CancellationToken ct)
    {
        var query = db.Sections.Where(s => s.AccountId == accountId);
        var stored = await (tracked ? query : query.AsNoTracking()).ToListAsync(ct);
        var all = stored.Concat(Defaults(accountId).Where(d => stored.All(s => s.Id != d.Id))).ToList();
        return [.. all.OrderByDescending(s => s.Weight).ThenBy(s => s.Id)];
    }

    private static Guid Derive(Guid accountId, string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"fleep-my-section:{accountId:D}:{name}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        // A name-based (version 5 style) UUID, RFC 4122 variant.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
