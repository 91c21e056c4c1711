using System.Data;
using FleepServer.Data;
using FleepServer.Records;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Streams;

/// <summary>The state an initial sync delivers, and the horizon it is exact at.</summary>
public sealed record Snapshot(long Horizon, Account Account, IReadOnlyList<IStreamRecord> Records);

/// <summary>
/// Builds what <c>account/sync</c> and a poll from horizon 0 return: the account's current state as
/// records, plus the horizon from which polling continues (core spec §3.5, §3.6.3 rule 3). Head and
/// state are read in one repeatable-read transaction, so the horizon is exactly the state's.
/// </summary>
public sealed class AccountSnapshot(FleepDbContext db)
{
    public async Task<Snapshot> TakeAsync(Guid accountId, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var head = await db.AccountStreams.Where(s => s.AccountId == accountId).Select(s => s.LastEventNr).SingleAsync(ct);
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, ct);
        await transaction.CommitAsync(ct);

        return new Snapshot(head, account, [ContactRecords.ForOwner(account)]);
    }
}
