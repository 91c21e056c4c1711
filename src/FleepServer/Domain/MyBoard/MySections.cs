using FleepServer.Data;
using FleepServer.Domain.Boards;
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

    /// <summary>To Do's weight, and the gap between columns and between tasks appended one after another (as on a conversation's board).</summary>
    public const double WeightStep = SectionPositions.Step;

    public static Guid ToDoId(Guid accountId) => DerivedKeys.Id($"fleep-my-section:{accountId:D}:todo");

    public static Guid ArchivedId(Guid accountId) => DerivedKeys.Id($"fleep-my-section:{accountId:D}:archived");

    /// <summary>The two sections every board starts with, as they are before any change.</summary>
    public static IEnumerable<Section> Defaults(Guid accountId) =>
    [
        new Section
        {
            Id = ToDoId(accountId), AccountId = accountId, Name = SectionBook.ToDoName, MkSectionType = SectionType, MkSectionSubtype = SectionSubtypes.Default,
            Weight = WeightStep, CreatedTime = DateTimeOffset.UnixEpoch, StoreTime = DateTimeOffset.UnixEpoch,
        },
        new Section
        {
            Id = ArchivedId(accountId), AccountId = accountId, Name = SectionBook.ArchivedName, MkSectionType = SectionType, MkSectionSubtype = SectionSubtypes.Archived,
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
}
