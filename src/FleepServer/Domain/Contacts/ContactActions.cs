using System.Security.Cryptography;
using FleepServer.Data;
using FleepServer.Domain.Accounts;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using FleepServer.Records;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Contacts;

/// <summary>One page of the <c>contact:sync</c> event: contacts by sort rank, and the cursor of the next page (null at the end).</summary>
public sealed record ContactSyncPage(IReadOnlyList<ContactRecord> Contacts, ContactSyncCursor? SyncCursor);

/// <summary>
/// The contact operations (docs/contacts.md), one method per
/// operation, each taking the caller's account id and the request record its endpoint binds, so
/// that <c>api/contact/*</c>, <c>api/account/lookup</c> and the contact events of
/// <c>api/event/store</c> share one implementation. Changes of the caller's list are one
/// unit of work each (accounts read under a share lock, then the caller's entries locked, then
/// the stream: the order of docs/writes.md) and reach the caller's stream as the caller's view of the contact
/// (<see cref="ContactFanOut"/>); nothing private reaches anyone else.
/// </summary>
public sealed class ContactActions(
    FleepDbContext db,
    UnitOfWork unit,
    ContactBook book,
    ContactFanOut fanOut,
    AccountRegistration registration,
    ConversationActions conversations,
    ConversationReader reader,
    TimeProvider time)
{
    /// <summary>Most ids, addresses or imported contacts one call may carry.</summary>
    public const int MaxListItems = 1000;

    /// <summary>Default and largest page of <c>contact:sync</c>.</summary>
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;

    private const string FleepDomain = "@fleep.io";

    /// <summary><c>contact/sync {contact_id}</c>, event <c>contact:get {account_id}</c>: one account as the caller sees it (its own: owner fields).</summary>
    public async Task<ContactRecord> GetAsync(Guid accountId, ContactRef request, CancellationToken ct)
    {
        var id = request.RequireId();
        var found = await book.FindAsync(accountId, [id], ct);
        var contact = found.SingleOrDefault() ?? throw FleepErrors.ContactNotFound();
        return ContactRecords.For(accountId, contact.Account, contact.Entry);
    }

    /// <summary><c>contact/sync/list {contacts}</c>: the given accounts in the order asked; unknown ids are left out.</summary>
    public async Task<IReadOnlyList<ContactRecord>> SyncListAsync(Guid accountId, ContactRefs request, CancellationToken ct)
    {
        var ids = RequireSize(request.RequireIds(), "contacts").Distinct().ToList();
        var found = (await book.FindAsync(accountId, ids, ct)).ToDictionary(c => c.Account.Id);
        return ids.Where(found.ContainsKey).Select(id => ContactRecords.For(accountId, found[id].Account, found[id].Entry)).ToList();
    }

    /// <summary>
    /// <c>contact/sync/all {ignore?, search_str?}</c>: the caller's whole contact list (hidden
    /// contacts included, flagged) minus <c>ignore</c>, filtered by <c>search_str</c> (any part of
    /// the name the caller sees, the real name, the e-mail or the fleep address, ignoring case);
    /// highest sort rank first, then by name.
    /// </summary>
    public async Task<IReadOnlyList<ContactRecord>> SyncAllAsync(Guid accountId, SyncAllContacts request, CancellationToken ct)
    {
        var ignore = RequireSize(request.Ignore ?? [], "ignore").ToHashSet();
        var search = request.SearchStr?.Trim() ?? "";
        var records = (await book.ListAsync(accountId, ct))
            .Where(c => !ignore.Contains(c.Account.Id))
            .Select(c => ContactRecords.ForContact(c.Account, c.Entry))
            .Where(r => search.Length == 0 || Matches(r, search));
        return records.OrderByDescending(r => r.SortRank).ThenBy(r => r.DisplayName, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.AccountId).ToList();
    }

    /// <summary>
    /// Event <c>contact:sync {sync_cursor?{account_id, sort_rank}, limit = 100}</c>: the caller's
    /// contact list ordered by sort rank (highest first) and account id, one page after the cursor.
    /// </summary>
    public async Task<ContactSyncPage> SyncAsync(Guid accountId, SyncContactPage request, CancellationToken ct)
    {
        var limit = request.Limit ?? DefaultPageSize;
        if (limit is < 1 or > MaxPageSize)
        {
            throw FleepErrors.InvalidField("limit", $"between 1 and {MaxPageSize}");
        }

        var cursor = request.SyncCursor;
        if (cursor is not null && (cursor.AccountId is null || cursor.SortRank is null))
        {
            throw FleepErrors.InvalidField("sync_cursor", "needs account_id and sort_rank");
        }

        var ordered = (await book.ListAsync(accountId, ct))
            .Select(c => ContactRecords.ForContact(c.Account, c.Entry))
            .OrderByDescending(r => r.SortRank).ThenBy(r => r.AccountId)
            .Where(r => cursor is null || r.SortRank < cursor.SortRank || (r.SortRank == cursor.SortRank && r.AccountId.CompareTo(cursor.AccountId!.Value) > 0))
            .Take((int)limit + 1)
            .ToList();
        var page = ordered.Take((int)limit).ToList();
        var next = ordered.Count > limit ? new ContactSyncCursor { AccountId = page[^1].AccountId, SortRank = page[^1].SortRank } : null;
        return new ContactSyncPage(page, next);
    }

    /// <summary>
    /// <c>contact/sync/activity {contacts}</c>, event <c>contact:sync_activity {account_ids}</c>: a
    /// <c>lastseen</c> record for each asked account that is the caller or in the caller's contact
    /// list and was ever active; the others are left out.
    /// </summary>
    public async Task<IReadOnlyList<LastSeenRecord>> SyncActivityAsync(Guid accountId, ContactRefs request, CancellationToken ct)
    {
        var ids = RequireSize(request.RequireIds(), "contacts").Distinct().ToList();
        var coMembers = book.CoMembers(accountId);
        var listed = db.Contacts.Where(c => c.OwnerId == accountId).Select(c => c.ContactId);
        var rows = await db.Accounts.AsNoTracking()
            .Where(a => ids.Contains(a.Id) && a.ActivityTime != null)
            .Where(a => a.Id == accountId || coMembers.Contains(a.Id) || listed.Contains(a.Id))
            .Select(a => new { a.Id, a.ActivityTime })
            .ToListAsync(ct);
        var times = rows.ToDictionary(r => r.Id, r => r.ActivityTime!.Value);
        return ids.Where(times.ContainsKey)
            .Select(id => new LastSeenRecord { AccountId = id, ActivityTime = times[id].ToUnixTimeSeconds() })
            .ToList();
    }

    /// <summary><c>contact/describe {contact_id, contact_name?, phone_nr?}</c>: the caller's private name and phone for the contact (null: unchanged, <c>""</c>: cleared).</summary>
    public Task<ContactRecord> DescribeAsync(Guid accountId, DescribeContact request, CancellationToken ct) =>
        ChangeEntryAsync(accountId, request.ContactId!.Value, "contact_id", entry =>
        {
            if (request.ContactName is not null)
            {
                entry.ContactName = Private(request.ContactName);
            }

            if (request.PhoneNr is not null)
            {
                entry.PhoneNr = Private(request.PhoneNr);
            }
        }, ct);

    /// <summary>Event <c>contact:set_name {account_id, name}</c>: the caller's private name for the contact.</summary>
    public Task<ContactRecord> SetNameAsync(Guid accountId, SetContactName request, CancellationToken ct)
    {
        var name = request.Name ?? throw FleepErrors.MissingField("name");
        return ChangeEntryAsync(accountId, request.AccountId!.Value, "account_id", entry => entry.ContactName = Private(name), ct);
    }

    /// <summary>Event <c>contact:set_phone {account_id, phone_nr}</c>: the caller's private phone number for the contact.</summary>
    public Task<ContactRecord> SetPhoneAsync(Guid accountId, SetContactPhone request, CancellationToken ct)
    {
        var phone = request.PhoneNr ?? throw FleepErrors.MissingField("phone_nr");
        return ChangeEntryAsync(accountId, request.AccountId!.Value, "account_id", entry => entry.PhoneNr = Private(phone), ct);
    }

    /// <summary>
    /// <c>contact/hide {contacts}</c>, events <c>contact:hide</c> / <c>contact:hide_contacts</c>:
    /// hides accounts of the caller's contact list (<c>is_hidden_for_add: true</c>,
    /// <c>sort_rank: 0</c>) until a new shared conversation brings them back. Answers the ids
    /// actually hidden: not the caller, not unknown or unlisted accounts, not ones already hidden.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> HideAsync(Guid accountId, HideContacts request, CancellationToken ct)
    {
        var ids = RequireSize(request.RequireIds(), "contacts").Where(id => id != accountId).Distinct().ToList();
        return await unit.RunAsync<IReadOnlyList<Guid>>(async token =>
        {
            var accounts = await ListedAccountsAsync(accountId, ids, token);
            if (accounts.Count == 0)
            {
                return [];
            }

            var entries = await book.EntriesForUpdateAsync(accountId, accounts.Keys, time.GetUtcNow(), token);
            var hidden = entries.Where(e => !e.IsHidden).ToList();
            foreach (var entry in hidden)
            {
                entry.IsHidden = true;
            }

            fanOut.ToOwner(accountId, hidden.Select(e => new ListedContact(accounts[e.ContactId], e)));
            var done = hidden.Select(e => e.ContactId).ToHashSet();
            return ids.Where(done.Contains).ToList();
        }, ct);
    }

    /// <summary>
    /// <c>contact/unlist {contact_id}</c>: takes a contact of the caller's list out of the dialog
    /// suggestions (<c>sort_rank: 0</c>, still available for adding) until a new shared conversation.
    /// </summary>
    public async Task<ContactRecord> UnlistAsync(Guid accountId, ContactRef request, CancellationToken ct)
    {
        var id = request.RequireId();
        return await ChangeEntryAsync(accountId, id, "contact_id", entry => entry.IsUnlisted = true, ct, listedOnly: true);
    }

    /// <summary>
    /// <c>contact/import {contact_list: [{addr_full, addr_descr?, phone_nr?}]}</c>, event
    /// <c>contact:import {contacts: [{email, name?, phone_nr?}]}</c>: puts the addresses into the
    /// caller's list (<c>sort_rank: 8</c>, a hidden one comes back) with the given private name and
    /// phone; an address without an account gets a placeholder account (<c>mk_account_status:
    /// "new"</c>). Answers the caller's view of each. The caller's own
    /// address is answered with its own contact and not listed.
    /// </summary>
    public async Task<IReadOnlyList<ContactRecord>> ImportAsync(Guid accountId, ImportContacts request, CancellationToken ct)
    {
        var items = RequireSize(request.RequireList(), "contact_list")
            .Select(i => (Full: FullAddress.Parse(i.Address ?? throw FleepErrors.MissingField("addr_full")), Item: i))
            .Select(i => (Address: AccountRules.RequireEmail(i.Full.Address, "addr_full"),
                Name: Private(i.Item.Description ?? i.Full.Name), Phone: Private(i.Item.PhoneNr)))
            .ToList();
        if (items.Count == 0)
        {
            return [];
        }

        return await unit.RunAsync<IReadOnlyList<ContactRecord>>(async token =>
        {
            var accounts = await registration.EnsureAccountsAsync(items.Select(i => i.Address).ToList(), token);
            var byId = accounts.Values.DistinctBy(a => a.Id).ToDictionary(a => a.Id);
            var entries = (await book.EntriesForUpdateAsync(accountId, byId.Keys.Where(id => id != accountId).ToList(), time.GetUtcNow(), token))
                .ToDictionary(e => e.ContactId);
            foreach (var item in items)
            {
                if (entries.TryGetValue(accounts[AccountRules.EmailKey(item.Address)].Id, out var entry))
                {
                    entry.IsImported = true;
                    entry.IsHidden = false;
                    entry.IsUnlisted = false;
                    entry.ContactName = item.Name ?? entry.ContactName;
                    entry.PhoneNr = item.Phone ?? entry.PhoneNr;
                }
            }

            fanOut.ToOwner(accountId, entries.Values.Select(e => new ListedContact(byId[e.ContactId], e)));
            return items.Select(i => accounts[AccountRules.EmailKey(i.Address)].Id).Distinct()
                .Select(id => ContactRecords.For(accountId, byId[id], entries.GetValueOrDefault(id)))
                .ToList();
        }, ct);
    }

    /// <summary>Event <c>contact:add {email, name?, phone_nr?}</c>: imports one address.</summary>
    public async Task<ContactRecord> AddAsync(Guid accountId, AddContact request, CancellationToken ct) =>
        (await ImportAsync(accountId, new ImportContacts { ContactList = [new ContactImport { AddrFull = request.Email, AddrDescr = request.Name, PhoneNr = request.PhoneNr }] }, ct))[0];

    /// <summary>
    /// <c>account/lookup {lookup_list, ignore_list?}</c>: each entry is an
    /// e-mail address (any case), a <c>name@fleep.io</c> address or a bare fleep address name. An
    /// e-mail address without an account gets a placeholder account (<c>mk_account_status:
    /// "new"</c>) so it can be invited by id, as Fleep did; an unknown fleep address finds nothing.
    /// Accounts in <c>ignore_list</c> are left out. Nothing is added to the caller's list.
    /// </summary>
    public async Task<IReadOnlyList<ContactRecord>> LookupAsync(Guid accountId, LookupContacts request, CancellationToken ct)
    {
        var ignore = RequireSize(request.IgnoreList ?? [], "ignore_list").ToHashSet();
        var emails = new List<string>();
        var names = new List<string>();
        foreach (var raw in RequireSize(request.LookupList!, "lookup_list"))
        {
            var text = raw.Trim();
            if (text.EndsWith(FleepDomain, StringComparison.OrdinalIgnoreCase) || !text.Contains('@'))
            {
                names.Add(text[..(text.Length - (text.EndsWith(FleepDomain, StringComparison.OrdinalIgnoreCase) ? FleepDomain.Length : 0))].ToLowerInvariant());
            }
            else
            {
                emails.Add(AccountRules.RequireEmail(text, "lookup_list"));
            }
        }

        var found = new List<Guid>();
        if (emails.Count > 0)
        {
            var accounts = await registration.EnsureAccountsAsync(emails, ct);
            found.AddRange(emails.Select(e => accounts[AccountRules.EmailKey(e)].Id));
        }

        if (names.Count > 0)
        {
            var byName = await db.Accounts.Where(a => names.Contains(a.FleepAddress)).Select(a => new { a.Id, a.FleepAddress }).ToListAsync(ct);
            found.AddRange(names.SelectMany(n => byName.Where(a => a.FleepAddress == n).Select(a => a.Id)));
        }

        var wanted = found.Where(id => !ignore.Contains(id)).Distinct().ToList();
        var contacts = (await book.FindAsync(accountId, wanted, ct)).ToDictionary(c => c.Account.Id);
        return wanted.Where(contacts.ContainsKey).Select(id => ContactRecords.ForLookup(accountId, contacts[id].Account, contacts[id].Entry)).ToList();
    }

    /// <summary>Event <c>contact:lookup_by_email {email}</c>: account/lookup of one e-mail address (a placeholder account when unknown).</summary>
    public async Task<ContactRecord> LookupByEmailAsync(Guid accountId, LookupByEmail request, CancellationToken ct)
    {
        var email = AccountRules.RequireEmail(request.Email);
        return (await LookupAsync(accountId, new LookupContacts { LookupList = [email] }, ct)).Single();
    }

    /// <summary>
    /// Event <c>contact:get_dialog {account_id, mk_conv_type?}</c>: the one-to-one conversation
    /// with the account, created on the first call (<c>mk_conv_type</c> <c>cct_default</c> or
    /// <c>cct_no_mail</c>) and answered again on later calls while both are still in it. Both
    /// accounts' contact records get its <c>dialog_id</c>. Concurrent first calls of the same pair
    /// create one dialog. Answers the caller's ic_full init of the dialog.
    /// </summary>
    public async Task<ConvResult> GetDialogAsync(Guid accountId, GetDialog request, CancellationToken ct)
    {
        var otherId = request.RequireId();
        var convType = request.MkConvType ?? ConvTypes.Default;
        if (convType is not (ConvTypes.Default or ConvTypes.NoMail))
        {
            throw FleepErrors.InvalidField("mk_conv_type", $"{ConvTypes.Default} or {ConvTypes.NoMail}");
        }

        if (otherId == accountId)
        {
            throw FleepErrors.InvalidField("account_id", "a dialog needs another account");
        }

        var created = await unit.RunAsync(async token =>
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PairLockKey(accountId, otherId)})", token);
            var pair = await book.AccountsForShareAsync([accountId, otherId], token);
            var other = pair.GetValueOrDefault(otherId) ?? throw FleepErrors.ContactNotFound();
            var dialogId = await (
                from e in db.Contacts
                where e.OwnerId == accountId && e.ContactId == otherId && e.DialogId != null
                where db.ConversationMembers.Count(m => m.ConversationId == e.DialogId && m.LeaveMessageNr == null
                    && (m.AccountId == accountId || m.AccountId == otherId)) == 2
                select e.DialogId).FirstOrDefaultAsync(token);
            if (dialogId is not null)
            {
                return (Result: (ConvResult?)null, DialogId: dialogId.Value);
            }

            var result = await conversations.CreateAsync(accountId, new CreateConversation { AccountIds = [otherId], MkConvType = convType },
                token);
            var id = result.View.Conversation.Id;
            var entries = await book.EntriesForUpdateAsync([(accountId, otherId), (otherId, accountId)], time.GetUtcNow(), token);
            var mine = entries.Single(e => e.OwnerId == accountId);
            var theirs = entries.Single(e => e.OwnerId == otherId);
            mine.DialogId = id;
            theirs.DialogId = id;
            fanOut.ToOwner(accountId, [new ListedContact(other, mine)]);
            fanOut.ToOwner(otherId, [new ListedContact(pair[accountId], theirs)]);
            return (Result: result, DialogId: id);
        }, ct);

        return created.Result ?? await reader.SyncAsync(accountId, created.DialogId, InitModes.Full, null, ct);
    }

    /// <summary>
    /// Creates or changes the caller's entry for one existing account (<paramref name="listedOnly"/>:
    /// one already in the caller's list) and tells the caller's stream, in one unit of work.
    /// </summary>
    private Task<ContactRecord> ChangeEntryAsync(Guid accountId, Guid contactId, string field, Action<ContactEntry> change, CancellationToken ct,
        bool listedOnly = false)
    {
        if (contactId == accountId)
        {
            throw FleepErrors.InvalidField(field, "the caller's own account is not its contact");
        }

        return unit.RunAsync(async token =>
        {
            var account = listedOnly
                ? (await ListedAccountsAsync(accountId, [contactId], token)).GetValueOrDefault(contactId)
                : (await book.AccountsForShareAsync([contactId], token)).GetValueOrDefault(contactId);
            if (account is null)
            {
                throw FleepErrors.ContactNotFound();
            }

            var entry = (await book.EntriesForUpdateAsync(accountId, [contactId], time.GetUtcNow(), token)).Single();
            change(entry);
            fanOut.ToOwner(accountId, [new ListedContact(account, entry)]);
            return ContactRecords.ForContact(account, entry);
        }, ct);
    }

    /// <summary>
    /// The given accounts that are in the caller's contact list, by id, read under a share lock so
    /// that a concurrent change of one of them sends its record after this change's: one query.
    /// </summary>
    private async Task<Dictionary<Guid, Account>> ListedAccountsAsync(Guid accountId, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var coMembers = book.CoMembers(accountId);
        var listed = db.Contacts.Where(c => c.OwnerId == accountId).Select(c => c.ContactId);
        return await book.AccountsForShare(ids)
            .Where(a => a.Id != accountId && (coMembers.Contains(a.Id) || listed.Contains(a.Id)))
            .ToDictionaryAsync(a => a.Id, ct);
    }

    private static bool Matches(ContactRecord record, string search) =>
        new[] { record.DisplayName, record.FullName, record.Email, record.FleepAddress }
            .Any(text => text?.Contains(search, StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>A private name or phone as stored: trimmed, empty = not set.</summary>
    private static string? Private(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static List<T> RequireSize<T>(List<T> items, string field) => items.Count <= MaxListItems
        ? items
        : throw FleepErrors.InvalidField(field, $"more than {MaxListItems} items");

    /// <summary>The advisory lock that serialises dialog creation for one pair of accounts, whichever of the two asks.</summary>
    private static long PairLockKey(Guid a, Guid b)
    {
        var (low, high) = a.CompareTo(b) < 0 ? (a, b) : (b, a);
        var hash = SHA256.HashData([.. low.ToByteArray(), .. high.ToByteArray()]);
        return BitConverter.ToInt64(hash, 0);
    }
}
