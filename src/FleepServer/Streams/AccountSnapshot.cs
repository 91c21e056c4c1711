using System.Data;
using FleepServer.Data;
using FleepServer.Domain.Contacts;
using FleepServer.Domain.Conversations;
using FleepServer.Domain.Files;
using FleepServer.Http;
using FleepServer.Records;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Streams;

/// <summary>The state an initial sync delivers, and the horizon it is exact at.</summary>
/// <param name="StorageUsedBytes">The owner's <c>storage_used_bytes</c>, read in the same transaction.</param>
public sealed record Snapshot(long Horizon, Account Account, IReadOnlyList<IStreamRecord> Records, long StorageUsedBytes);

/// <summary>
/// Builds what <c>account/sync</c> and a poll from horizon 0 return (docs/streams.md, "Horizons"):
/// the own contact with its owner-only fields, the account's whole contact list as its own view
/// (co-members and listed accounts, with private names, hidden flags, sort ranks and dialogs), and
/// one <c>conv</c> header per conversation in its list (hidden ones left out with
/// <c>skip_hidden</c>), one <c>team</c> record per live team it is in (docs/teams.md), and the
/// account's labels (stored, system and team labels, docs/labels.md) and its personal board's sections (docs/boards.md). Head and state are read in
/// one repeatable-read transaction, so the horizon
/// is exactly the state's. The number of commands does not grow with the number of conversations or
/// contacts.
/// </summary>
public sealed class AccountSnapshot(FleepDbContext db, ConversationReader conversations, ContactBook contactBook, IHttpContextAccessor http,
    StorageUsage storage)
{
    public async Task<Snapshot> TakeAsync(Guid accountId, bool skipHidden, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var head = await db.AccountStreams.Where(s => s.AccountId == accountId).Select(s => s.LastEventNr).SingleAsync(ct);
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, ct);
        var listed = await conversations.ListedConversations(accountId).AsNoTracking().ToListAsync(ct);
        var views = await conversations.ViewsAsync(accountId, listed, ct);
        if (skipHidden)
        {
            views = views.Where(v => !IsHidden(v)).ToList();
        }

        var contacts = await contactBook.ListAsync(accountId, ct);
        var used = await storage.UsedBytesAsync(accountId, ct);
        var teams = await db.Teams.AsNoTracking().Where(t => t.Members.Contains(accountId) && !t.IsDeleted)
            .OrderBy(t => t.CreatedTime).ThenBy(t => t.Id).ToListAsync(ct);
        // The team labels are made from the teams just read.
        var labels = Domain.Labels.LabelBook.Records(accountId, await Domain.Labels.LabelBook.StoredAsync(db, accountId, ct), teams);
        var mySections = await Domain.MyBoard.MySections.ListAsync(db, accountId, tracked: false, ct);
        await transaction.CommitAsync(ct);

        var baseUrl = PublicUrl.Of(http.HttpContext);
        List<IStreamRecord> records = [ContactRecords.ForOwner(account, used), .. contacts.Select(c => ContactRecords.ForContact(c.Account, c.Entry))];
        records.AddRange(teams.Select(t => TeamRecords.For(t, baseUrl)));
        records.AddRange(labels);
        records.AddRange(mySections.Where(s => !s.IsDeleted).Select(SectionRecords.For));
        records.AddRange(views.Select(v => ConvRecords.For(v, baseUrl)));
        return new Snapshot(head, account, records, used);
    }

    /// <summary>Hidden until a message arrives after the hide point.</summary>
    private static bool IsHidden(ConvView view) => view.Viewer.HideMessageNr > 0 && view.LastMessageNr <= view.Viewer.HideMessageNr;
}
