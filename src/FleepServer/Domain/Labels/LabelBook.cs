using FleepServer.Data;
using FleepServer.Errors;
using FleepServer.Records;
using FleepServer.Streams;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Labels;

/// <summary>
/// An account's labels (docs/labels.md): its stored rows, its system labels (a row once changed,
/// else the defaults) and the team labels of the active teams it is a member of. Also the one lock
/// of an account's labels and the resolving of <c>conversation/store {labels | label_ids}</c>.
/// </summary>
public sealed class LabelBook(FleepDbContext db, StreamAppender streams, TimeProvider time)
{
    /// <summary>Longest label name accepted.</summary>
    public const int MaxNameLength = 256;

    /// <summary>
    /// The account's active labels as records, in two commands whatever their number: stored rows,
    /// then teams. System labels not stored yet are built from their defaults.
    /// </summary>
    public static async Task<List<LabelRecord>> ListAsync(FleepDbContext db, Guid accountId, CancellationToken ct)
    {
        var rows = await StoredAsync(db, accountId, ct);
        var teams = await db.Teams.AsNoTracking().Where(t => !t.IsDeleted && t.Members.Contains(accountId)).ToListAsync(ct);
        return Records(accountId, rows, teams);
    }

    /// <summary>The account's active stored labels (user labels, and system labels once changed), in one command.</summary>
    public static Task<List<Label>> StoredAsync(FleepDbContext db, Guid accountId, CancellationToken ct) =>
        db.Labels.AsNoTracking().Where(l => l.AccountId == accountId && l.MkLabelStatus == LabelStatuses.Active).ToListAsync(ct);

    public static List<LabelRecord> Records(Guid accountId, IReadOnlyList<Label> rows, IReadOnlyList<Team> teams)
    {
        var stored = rows.Select(r => r.Id).ToHashSet();
        return SystemLabels.All.Select(l => SystemLabels.Row(accountId, l, DateTimeOffset.UnixEpoch)).Where(l => !stored.Contains(l.Id))
            .Concat(rows).Select(LabelRecords.For)
            .OrderBy(l => l.Index).ThenBy(l => l.MkLabelType == LabelTypes.System ? 0 : 1).ThenBy(l => l.Name, StringComparer.OrdinalIgnoreCase)
            .Concat(teams.OrderBy(t => t.TeamName, StringComparer.OrdinalIgnoreCase).Select(t => LabelRecords.ForTeam(t)))
            .ToList();
    }

    /// <summary>
    /// Serialises the changes of one account's labels (unique names, implicit creation): a
    /// transaction-scoped advisory lock, taken first in the unit as docs/writes.md orders.
    /// </summary>
    public Task LockAsync(Guid accountId, CancellationToken ct)
    {
        return DerivedKeys.LockAsync(db, $"labels:{accountId:D}", ct);
    }

    /// <summary>A name as given: trimmed, not empty, not too long; 400 otherwise.</summary>
    public static string ValidName(string? name, string field)
    {
        var trimmed = (name ?? "").Trim();
        if (trimmed.Length == 0)
        {
            throw FleepErrors.InvalidField(field, "a label name");
        }

        if (trimmed.Length > MaxNameLength)
        {
            throw FleepErrors.InvalidField(field, $"at most {MaxNameLength} characters");
        }

        return trimmed;
    }

    /// <summary>
    /// The ids a viewer's member row keeps for <c>labels</c> (names) or <c>label_ids</c>: user labels
    /// and the starred and Spam system labels. Unknown names create user labels (added to
    /// <paramref name="created"/> and queued for the owner's stream); names and ids of derived
    /// system labels and of team labels are ignored (they follow state); an id the account does not
    /// own is 430. Runs inside the unit, after <see cref="LockAsync"/>.
    /// </summary>
    public async Task<List<Guid>> ResolveAsync(Guid accountId, IReadOnlyList<string>? names, IReadOnlyList<Guid>? ids, List<Label> created,
        CancellationToken ct)
    {
        var system = SystemLabels.IdsOf(accountId);
        var rows = await db.Labels.Where(l => l.AccountId == accountId && l.MkLabelStatus == LabelStatuses.Active).ToListAsync(ct);
        var result = new List<Guid>();
        foreach (var id in ids ?? [])
        {
            if (system.TryGetValue(id, out var s))
            {
                if (s.IsExplicit)
                {
                    result.Add(id);
                }
            }
            else if (rows.Any(r => r.Id == id))
            {
                result.Add(id);
            }
            else if (!await db.Teams.AnyAsync(t => t.Id == id && !t.IsDeleted && t.Members.Contains(accountId), ct))
            {
                throw FleepErrors.LabelNotFound();
            }
        }

        var now = time.GetUtcNow();
        foreach (var given in names ?? [])
        {
            var name = ValidName(given, "labels");
            if (SystemLabels.ByName(name) is { } s)
            {
                if (s.IsExplicit)
                {
                    result.Add(SystemLabels.IdOf(accountId, s.Subtype));
                }

                continue;
            }

            if (rows.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)) is { } existing)
            {
                result.Add(existing.Id);
                continue;
            }

            var label = NewUserLabel(accountId, name, NextIndex(rows), now);
            db.Labels.Add(label);
            rows.Add(label);
            created.Add(label);
            result.Add(label.Id);
        }

        if (created.Count > 0)
        {
            streams.Add(created.Select(l => new StreamAppend(accountId, LabelRecords.For(l))));
        }

        return result.Distinct().ToList();
    }

    public static Label NewUserLabel(Guid accountId, string name, long index, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        AccountId = accountId,
        Name = name,
        Index = index,
        MkLabelType = LabelTypes.User,
        MkLabelSubtype = "user",
        IsOnLeftPane = true,
        IsInRecent = true,
        IsInMuted = true,
        CreatedTime = now,
    };

    /// <summary>After every system label and every active label.</summary>
    public static long NextIndex(IEnumerable<Label> active) =>
        Math.Max(SystemLabels.All.Max(l => l.Index), active.Select(l => l.Index).DefaultIfEmpty(0).Max()) + 1;
}
