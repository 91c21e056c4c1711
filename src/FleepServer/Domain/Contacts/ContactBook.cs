using FleepServer.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace FleepServer.Domain.Contacts;

/// <summary>An account and the viewer's contact-list entry for it (null when the viewer has none).</summary>
public sealed record ListedContact(Account Account, ContactEntry? Entry);

/// <summary>
/// Reads contact lists. An account's contact list holds everyone it shares (or shared) a
/// conversation with, plus every account it has an entry for (imported, added, described, hidden,
/// a dialog). Every read here is one database command whatever the list's size.
/// </summary>
public sealed class ContactBook(FleepDbContext db)
{
    /// <summary>Accounts that share a conversation with <paramref name="accountId"/> (the account's membership not removed).</summary>
    public IQueryable<Guid> CoMembers(Guid accountId) =>
        from mine in db.ConversationMembers
        where mine.AccountId == accountId && !mine.IsRemoved
        join theirs in db.ConversationMembers on mine.ConversationId equals theirs.ConversationId
        where theirs.AccountId != accountId
        select theirs.AccountId;

    /// <summary>
    /// The given accounts, read under a share lock taken in account-id order: a concurrent change of
    /// one of them (account/configure) waits for this unit, or this unit reads its result, so a
    /// contact record this unit sends is never older than one the account's change sent.
    /// </summary>
    public IQueryable<Account> AccountsForShare(IReadOnlyCollection<Guid> ids)
    {
        var wanted = ids.Distinct().ToArray();
        return db.Accounts.FromSql($"SELECT * FROM accounts WHERE account_id = ANY({wanted}) ORDER BY account_id FOR SHARE").AsNoTracking();
    }

    /// <summary><see cref="AccountsForShare"/> by id.</summary>
    public Task<Dictionary<Guid, Account>> AccountsForShareAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        AccountsForShare(ids).ToDictionaryAsync(a => a.Id, ct);

    /// <summary>The viewer's whole contact list (the viewer itself not included), ordered by account id.</summary>
    public async Task<List<ListedContact>> ListAsync(Guid viewerId, CancellationToken ct)
    {
        var coMembers = CoMembers(viewerId);
        var listed = db.Contacts.Where(c => c.OwnerId == viewerId).Select(c => c.ContactId);
        var rows = await (
            from a in db.Accounts.AsNoTracking()
            where a.Id != viewerId && (coMembers.Contains(a.Id) || listed.Contains(a.Id))
            join e in db.Contacts.AsNoTracking().Where(c => c.OwnerId == viewerId) on a.Id equals e.ContactId into entries
            from e in entries.DefaultIfEmpty()
            orderby a.Id
            select new { a, e }).ToListAsync(ct);
        return rows.Select(r => new ListedContact(r.a, r.e)).ToList();
    }

    /// <summary>The given accounts (unknown ids left out, the viewer itself included when asked) with the viewer's entries.</summary>
    public async Task<List<ListedContact>> FindAsync(Guid viewerId, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        var rows = await (
            from a in db.Accounts.AsNoTracking()
            where wanted.Contains(a.Id)
            join e in db.Contacts.AsNoTracking().Where(c => c.OwnerId == viewerId) on a.Id equals e.ContactId into entries
            from e in entries.DefaultIfEmpty()
            select new { a, e }).ToListAsync(ct);
        return rows.Select(r => new ListedContact(r.a, r.e)).ToList();
    }

    /// <summary>
    /// Everyone who has <paramref name="accountId"/> in their contact list (co-members and owners of
    /// an entry for it), each with that entry: the recipients of a public change of the account.
    /// </summary>
    public async Task<List<(Guid OwnerId, ContactEntry? Entry)>> KnowersAsync(Guid accountId, CancellationToken ct)
    {
        var coMembers = CoMembers(accountId);
        var listers = db.Contacts.Where(c => c.ContactId == accountId).Select(c => c.OwnerId);
        var rows = await (
            from a in db.Accounts.AsNoTracking()
            where a.Id != accountId && (coMembers.Contains(a.Id) || listers.Contains(a.Id))
            join e in db.Contacts.AsNoTracking().Where(c => c.ContactId == accountId) on a.Id equals e.OwnerId into entries
            from e in entries.DefaultIfEmpty()
            orderby a.Id
            select new { a.Id, e }).ToListAsync(ct);
        return rows.Select(r => (r.Id, (ContactEntry?)r.e)).ToList();
    }

    /// <summary>
    /// Accounts that just came to share a conversation: loads the entries of the given (owner,
    /// contact) pairs and brings hidden or unlisted ones back (a new shared conversation ends a
    /// hide; docs/contacts.md, "Who receives what"). One query, plus one update when something was
    /// hidden. Must run inside the change's transaction.
    /// </summary>
    public async Task<Dictionary<(Guid Owner, Guid Contact), ContactEntry>> MeetAsync(
        IReadOnlyCollection<(Guid Owner, Guid Contact)> pairs, CancellationToken ct)
    {
        if (pairs.Count == 0)
        {
            return [];
        }

        var owners = pairs.Select(p => p.Owner).Distinct().ToList();
        var contacts = pairs.Select(p => p.Contact).Distinct().ToList();
        var wanted = pairs.ToHashSet();
        var entries = (await db.Contacts.AsNoTracking()
                .Where(c => owners.Contains(c.OwnerId) && contacts.Contains(c.ContactId)).ToListAsync(ct))
            .Where(e => wanted.Contains((e.OwnerId, e.ContactId)))
            .ToDictionary(e => (e.OwnerId, e.ContactId));

        var back = entries.Values.Where(e => e.IsHidden || e.IsUnlisted).ToList();
        if (back.Count > 0)
        {
            // Rows locked in (owner, contact) order, as every unit of work locks contact entries.
            await db.Database.ExecuteSqlRawAsync("""
                UPDATE contacts c SET is_hidden = false, is_unlisted = false
                FROM (SELECT owner_id, contact_id FROM contacts
                      WHERE (owner_id, contact_id) IN (SELECT * FROM unnest(@owners, @contacts))
                      ORDER BY owner_id, contact_id
                      FOR UPDATE) AS p
                WHERE c.owner_id = p.owner_id AND c.contact_id = p.contact_id
                """,
                [
                    new NpgsqlParameter("owners", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = back.Select(e => e.OwnerId).ToArray() },
                    new NpgsqlParameter("contacts", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = back.Select(e => e.ContactId).ToArray() },
                ], ct);
            foreach (var entry in back)
            {
                entry.IsHidden = false;
                entry.IsUnlisted = false;
            }
        }

        return entries;
    }

    /// <summary>
    /// The owner's entries for the given contacts, created where missing and locked for update
    /// (tracked: change them and save). The contacts must exist. Two commands.
    /// </summary>
    public Task<List<ContactEntry>> EntriesForUpdateAsync(Guid ownerId, IReadOnlyCollection<Guid> contactIds, DateTimeOffset now, CancellationToken ct) =>
        EntriesForUpdateAsync(contactIds.Select(id => (ownerId, id)).ToList(), now, ct);

    /// <summary>
    /// The entries of the given (owner, contact) pairs, created where missing and locked for
    /// update, in (owner, contact) order, the order every unit of work takes contact entries in
    /// (docs/writes.md). The accounts must exist. Two commands.
    /// </summary>
    public async Task<List<ContactEntry>> EntriesForUpdateAsync(IReadOnlyCollection<(Guid Owner, Guid Contact)> pairs, DateTimeOffset now,
        CancellationToken ct)
    {
        var ordered = pairs.Distinct().Order().ToArray();
        if (ordered.Length == 0)
        {
            return [];
        }

        var owners = ordered.Select(p => p.Owner).ToArray();
        var contacts = ordered.Select(p => p.Contact).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO contacts (owner_id, contact_id, is_hidden, is_unlisted, is_imported, created_time)
            SELECT owner_id, contact_id, false, false, false, {now} FROM unnest({owners}, {contacts}) AS p(owner_id, contact_id)
            ORDER BY owner_id, contact_id
            ON CONFLICT (owner_id, contact_id) DO NOTHING
            """, ct);
        return await db.Contacts
            .FromSql($"""
                SELECT * FROM contacts
                WHERE (owner_id, contact_id) IN (SELECT * FROM unnest({owners}, {contacts}))
                ORDER BY owner_id, contact_id
                FOR UPDATE
                """)
            .ToListAsync(ct);
    }
}
