using FleepServer.Data;
using FleepServer.Domain.Contacts;
using FleepServer.Domain.Conversations;
using FleepServer.Domain.Mail;
using FleepServer.Errors;
using FleepServer.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Accounts;

/// <summary>
/// The answer of every alias call: <c>failed</c> (the addresses a remove did not detach, else
/// null) and the contacts: the addresses' (or the aliases') contacts, then the owner's own full one.
/// </summary>
public sealed record AliasAnswer(IReadOnlyList<string>? Failed, IReadOnlyList<ContactRecord> Stream);

/// <summary>
/// E-mail aliases (docs/mail.md, "Aliases"). An address becomes an alias of an account when the
/// owner adds it (a confirmation link is mailed to it) and then confirms it with the link's id
/// while logged in. The address's account (a <c>new</c> placeholder, made when needed) becomes an
/// <c>alias</c> account of the owner (<see cref="Account.AliasOfId"/>, listed in the owner's
/// <see cref="Account.AliasAccountIds"/>), and each conversation it is a member of moves to the
/// owner with a <c>replace</c> system message. A confirmed alias logs the owner in, is invited,
/// listed and found as the owner, and can become the owner's primary address
/// (<see cref="AccountSettings"/>). Removing detaches it: it is a <c>new</c> placeholder again.
///
/// Every change takes the advisory locks of its addresses (the same ones registrations take, so
/// an address is never registered and aliased at once), then the account rows in id order.
/// </summary>
public sealed class EmailAliases(
    FleepDbContext db,
    UnitOfWork unit,
    Notifications notifications,
    MailOutbox outbox,
    AccountRegistration registration,
    ConversationWriter writer,
    ContactFanOut contacts,
    IOptions<FleepOptions> options)
{
    /// <summary>Most addresses one call may carry.</summary>
    public const int MaxAddresses = 100;

    /// <summary>
    /// alias/add: each address that is not yet an alias of the caller is mailed a confirmation
    /// link; an unknown address gets a placeholder account first. The caller's own address
    /// (<c>alias_own_email</c>), an address of another active account or of someone else's alias
    /// (<c>email_taken</c>), and one mailed <see cref="MailOptions.PerAddressPerHour"/> alias
    /// confirmations within the hour (<c>too_many_requests</c>) refuse the whole call (431).
    /// </summary>
    public Task<AliasAnswer> AddAsync(Guid ownerId, IReadOnlyCollection<string>? emails, string publicUrl, CancellationToken ct)
    {
        var addresses = RequireAddresses(emails);
        var mail = options.Value.Mail;
        return unit.RunAsync(async token =>
        {
            await LockAddressesAsync(addresses, token);
            var owner = await db.Accounts.AsNoTracking().FirstAsync(a => a.Id == ownerId, token);
            var accounts = await registration.EnsureAccountsAsync(addresses, token, resolveAliases: false);
            var sent = await notifications.CountRecentAsync(addresses, NotificationPurposes.Alias, TimeSpan.FromHours(1), token);
            foreach (var address in addresses)
            {
                var account = accounts[AccountRules.EmailKey(address)];
                if (account.Id == ownerId)
                {
                    throw FleepErrors.AliasOwnEmail();
                }

                if (account.Status == AccountStatus.Alias && account.AliasOfId == ownerId)
                {
                    // Already confirmed: nothing to mail.
                    continue;
                }

                if (account.Status != AccountStatus.New)
                {
                    throw FleepErrors.EmailTaken();
                }

                if (sent.GetValueOrDefault(account.EmailKey) >= mail.PerAddressPerHour)
                {
                    throw FleepErrors.TooManyMails();
                }

                var issued = notifications.Issue(NotificationPurposes.Alias, account.Email, ownerId, mail.ConfirmLifetime);
                outbox.Queue(MailTemplates.ConfirmAlias(account.Email, owner.DisplayName, owner.Email, publicUrl, issued.Id, mail.ConfirmLifetime));
            }

            return new AliasAnswer(null,
            [
                .. addresses.Select(a => accounts[AccountRules.EmailKey(a)]).DistinctBy(a => a.Id).Select(a => ContactRecords.ForContact(a)),
                ContactRecords.ForOwner(owner),
            ]);
        }, ct);
    }

    /// <summary>
    /// alias/confirm: the link's address becomes an alias of the caller, who must be the account
    /// that added it (anyone else: <c>invalid_notification</c>, and the id stays usable). The
    /// address's account turns <c>alias</c>; everyone who knows it sees that; each conversation
    /// it is a member of moves to the caller. An address that meanwhile became someone else's
    /// (another owner confirmed it first, or it registered): <c>email_taken</c>. Confirming an
    /// alias the caller already has changes nothing.
    /// </summary>
    public Task<AliasAnswer> ConfirmAsync(Guid ownerId, string? notificationId, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var notification = await notifications.UseAsync(notificationId, NotificationPurposes.Alias, token);
            if (notification.AccountId != ownerId)
            {
                throw FleepErrors.InvalidNotification();
            }

            await registration.LockAddressAsync(notification.EmailKey, token);
            var rows = await LockAccountsAsync(ownerId, [notification.EmailKey], token);
            var owner = rows.Single(a => a.Id == ownerId);
            var alias = rows.FirstOrDefault(a => a.EmailKey == notification.EmailKey);
            if (owner.Status != AccountStatus.Active)
            {
                throw FleepErrors.InvalidNotification();
            }

            if (alias is null || alias.Id == ownerId || alias is { Status: AccountStatus.Alias } && alias.AliasOfId == ownerId)
            {
                // Already the caller's (its alias, or its primary address since).
                return await AnswerAsync(owner, null, token);
            }

            if (alias.Status != AccountStatus.New)
            {
                throw FleepErrors.EmailTaken();
            }

            alias.Status = AccountStatus.Alias;
            alias.AliasOfId = ownerId;
            alias.DisplayName = AccountRules.DisplayNameFrom(alias.Email);
            // An unconfirmed registration of the address can no longer be finished.
            alias.PasswordHash = null;
            owner.AliasAccountIds = [.. owner.AliasAccountIds.Where(id => id != alias.Id), alias.Id];
            await db.SaveChangesAsync(token);
            // Before the memberships move, while the alias's co-members are still its knowers.
            await contacts.AccountChangedAsync(alias, publicFieldsChanged: true, token);
            await contacts.AccountChangedAsync(owner, publicFieldsChanged: false, token);

            var conversations = await db.ConversationMembers.AsNoTracking()
                .Where(m => m.AccountId == alias.Id && m.LeaveMessageNr == null)
                .OrderBy(m => m.ConversationId).Select(m => m.ConversationId).ToListAsync(token);
            foreach (var conversationId in conversations)
            {
                await writer.ChangeAsync(new ConversationTarget(ownerId, conversationId) { Access = Access.Team },
                    change => change.ReplaceMember(alias.Id, alias.Email, owner.Email), token);
            }

            return await AnswerAsync(owner, null, token);
        }, ct);

    /// <summary>
    /// alias/remove: each address that is an alias of the caller is detached and becomes a
    /// <c>new</c> placeholder account again (its conversations stay with the owner); the others
    /// are answered in <c>failed</c>.
    /// </summary>
    public Task<AliasAnswer> RemoveAsync(Guid ownerId, IReadOnlyCollection<string>? emails, CancellationToken ct)
    {
        var addresses = RequireAddresses(emails);
        return unit.RunAsync(async token =>
        {
            await LockAddressesAsync(addresses, token);
            var keys = addresses.Select(AccountRules.EmailKey).ToList();
            var rows = await LockAccountsAsync(ownerId, keys, token);
            var owner = rows.Single(a => a.Id == ownerId);
            var failed = new List<string>();
            var detached = new List<Account>();
            foreach (var address in addresses)
            {
                var alias = rows.FirstOrDefault(a => a.EmailKey == AccountRules.EmailKey(address));
                if (alias is not { Status: AccountStatus.Alias } || alias.AliasOfId != ownerId)
                {
                    failed.Add(address);
                    continue;
                }

                alias.Status = AccountStatus.New;
                alias.AliasOfId = null;
                alias.DisplayName = AccountRules.DisplayNameFrom(alias.Email[..alias.Email.IndexOf('@')]);
                owner.AliasAccountIds = [.. owner.AliasAccountIds.Where(id => id != alias.Id)];
                detached.Add(alias);
            }

            await db.SaveChangesAsync(token);
            foreach (var alias in detached)
            {
                await contacts.AccountChangedAsync(alias, publicFieldsChanged: true, token);
            }

            if (detached.Count > 0)
            {
                await contacts.AccountChangedAsync(owner, publicFieldsChanged: false, token);
            }

            return await AnswerAsync(owner, failed.Count > 0 ? failed : null, token);
        }, ct);
    }

    /// <summary>alias/sync: the caller's aliases and its own full contact.</summary>
    public async Task<AliasAnswer> SyncAsync(Guid ownerId, CancellationToken ct)
    {
        var owner = await db.Accounts.AsNoTracking().FirstAsync(a => a.Id == ownerId, ct);
        return await AnswerAsync(owner, null, ct);
    }

    private async Task<AliasAnswer> AnswerAsync(Account owner, IReadOnlyList<string>? failed, CancellationToken ct)
    {
        var aliases = await db.Accounts.AsNoTracking()
            .Where(a => a.AliasOfId == owner.Id && a.Status == AccountStatus.Alias)
            .OrderBy(a => a.EmailKey).ToListAsync(ct);
        return new AliasAnswer(failed, [.. aliases.Select(a => ContactRecords.ForContact(a)), ContactRecords.ForOwner(owner)]);
    }

    /// <summary>The owner's row and the rows of the addresses that have accounts, locked in account-id order, tracked.</summary>
    private async Task<List<Account>> LockAccountsAsync(Guid ownerId, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var keyArray = keys.Distinct().ToArray();
        foreach (var stale in db.ChangeTracker.Entries<Account>().ToList())
        {
            stale.State = EntityState.Detached;
        }

        return await db.Accounts
            .FromSql($"SELECT * FROM accounts WHERE account_id = {ownerId} OR email_key = ANY({keyArray}) ORDER BY account_id FOR UPDATE")
            .ToListAsync(ct);
    }

    /// <summary>The addresses' advisory locks, in one order for every unit, so two calls with overlapping lists cannot deadlock.</summary>
    private async Task LockAddressesAsync(IEnumerable<string> addresses, CancellationToken ct)
    {
        foreach (var key in addresses.Select(AccountRules.EmailKey).Distinct().Order(StringComparer.Ordinal))
        {
            await registration.LockAddressAsync(key, ct);
        }
    }

    private static List<string> RequireAddresses(IReadOnlyCollection<string>? emails)
    {
        if (emails is null || emails.Count == 0)
        {
            throw FleepErrors.MissingField("emails");
        }

        if (emails.Count > MaxAddresses)
        {
            throw FleepErrors.InvalidField("emails", $"at most {MaxAddresses} addresses");
        }

        return emails.Select(e => AccountRules.RequireEmail(e, "emails")).DistinctBy(AccountRules.EmailKey).ToList();
    }
}
