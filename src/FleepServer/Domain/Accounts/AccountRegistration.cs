using FleepServer.Data;
using FleepServer.Domain.Contacts;
using FleepServer.Domain.Mail;
using FleepServer.Errors;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Accounts;

/// <summary>
/// Creates accounts: through <c>api/account/register</c> while registration is open, through the
/// mailed confirmation flows (docs/mail.md, "Registration"), and through the <c>account add</c>
/// command always. Without address confirmation (<see cref="RegistrationOptions.ConfirmEmail"/>,
/// by default only when mail can be sent) a registered account is active at once
/// (docs/compatibility.md, "Registration"); with it, registering makes an unconfirmed account and
/// mails a link that activates it.
/// </summary>
public sealed class AccountRegistration(
    FleepDbContext db,
    UnitOfWork unit,
    IPasswordHasher<Account> hasher,
    TimeProvider time,
    IOptions<FleepOptions> options,
    ContactFanOut contacts,
    Notifications notifications,
    MailOutbox outbox,
    SigninMessages signins)
{
    /// <summary>Addresses per placeholder insert: one command each.</summary>
    private const int PlaceholderBatch = 1000;

    /// <summary>Whether registering must be confirmed from a mailed link.</summary>
    public bool ConfirmsEmail => options.Value.Registration.ConfirmEmail ?? options.Value.Smtp.IsConfigured;

    public Task<Account> RegisterAsync(string? email, string? password, string? displayName, string publicUrl, CancellationToken ct)
    {
        if (!options.Value.Registration.IsOpen)
        {
            throw FleepErrors.RegistrationClosed();
        }

        return ConfirmsEmail ? RegisterUnconfirmedAsync(email, password, displayName, publicUrl, ct) : CreateAsync(email, password, displayName, ct);
    }

    public async Task<Account> CreateAsync(string? email, string? password, string? displayName, CancellationToken ct)
    {
        var (address, name) = RequireInput(email, password, displayName);
        var key = AccountRules.EmailKey(address);

        var existing = await db.Accounts.FirstOrDefaultAsync(a => a.EmailKey == key, ct);
        if (existing is not null)
        {
            return await ClaimAsync(existing, password!, name, ct);
        }

        var account = await NewAccountAsync(address, name, AccountStatus.Active, ct);
        account.PasswordHash = hasher.HashPassword(account, password!);
        return await InsertAsync(account, ct);
    }

    /// <summary>
    /// An address proven by a mailed notification becomes an active account with this name and
    /// password: its <c>new</c> account (a placeholder it was invited by, or an unconfirmed
    /// registration) is taken over, with every conversation it is in; otherwise one is made. An
    /// active account of the address: <c>email_taken</c>. Joins the caller's unit of work.
    /// </summary>
    public Task<Account> ActivateConfirmedAsync(string email, string name, string passwordHash, CancellationToken ct,
        Action<Account>? details = null) =>
        unit.RunAsync(async token =>
        {
            var key = AccountRules.EmailKey(email);
            var existing = (await db.Accounts.FromSql($"SELECT * FROM accounts WHERE email_key = {key} FOR NO KEY UPDATE").ToListAsync(token))
                .SingleOrDefault();
            if (existing is null)
            {
                var account = await NewAccountAsync(email, name, AccountStatus.Active, token);
                account.PasswordHash = passwordHash;
                details?.Invoke(account);
                return await InsertAsync(account, token);
            }

            if (existing.Status != AccountStatus.New)
            {
                throw FleepErrors.EmailTaken();
            }

            existing.Status = AccountStatus.Active;
            existing.DisplayName = name;
            existing.ActivatedTime = time.GetUtcNow();
            existing.PasswordHash = passwordHash;
            details?.Invoke(existing);
            await db.SaveChangesAsync(token);
            await contacts.AccountChangedAsync(existing, publicFieldsChanged: true, token);
            await signins.AnnounceAsync(existing.Id, token);
            return existing;
        }, ct);

    /// <summary>
    /// Registration with address confirmation: the address's account stays (or becomes) <c>new</c>
    /// with this password and name, and a link that activates it is mailed. Registering again
    /// before confirming replaces the password and mails a new link, so nobody can hold an address
    /// they cannot read mail at. An active account of the address: <c>email_taken</c>.
    /// </summary>
    private async Task<Account> RegisterUnconfirmedAsync(string? email, string? password, string? displayName, string publicUrl, CancellationToken ct)
    {
        var (address, name) = RequireInput(email, password, displayName);
        var hash = hasher.HashPassword(null!, password!);
        var mail = options.Value.Mail;
        return await unit.RunAsync(async token =>
        {
            var key = AccountRules.EmailKey(address);
            await LockAddressAsync(key, token);
            var account = (await db.Accounts.FromSql($"SELECT * FROM accounts WHERE email_key = {key} FOR NO KEY UPDATE").ToListAsync(token))
                .SingleOrDefault();
            if (account is { Status: not AccountStatus.New })
            {
                throw FleepErrors.EmailTaken();
            }

            if (await notifications.CountRecentAsync(address, NotificationPurposes.Confirm, TimeSpan.FromHours(1), token) >= mail.PerAddressPerHour)
            {
                throw FleepErrors.TooManyMails();
            }

            if (account is null)
            {
                account = await NewAccountAsync(address, name, AccountStatus.New, token);
                account.PasswordHash = hash;
                await InsertAsync(account, token);
            }
            else
            {
                account.PasswordHash = hash;
                account.DisplayName = name;
                await db.SaveChangesAsync(token);
            }

            var issued = notifications.Issue(NotificationPurposes.Confirm, address, account.Id, mail.ConfirmLifetime);
            outbox.Queue(MailTemplates.ConfirmAccount(address, name, publicUrl, issued.Id, mail.ConfirmLifetime));
            return account;
        }, ct);
    }

    /// <summary>Serialises the registrations of one address for the rest of the unit of work, whether or not it has an account yet.</summary>
    public Task LockAddressAsync(string emailKey, CancellationToken ct) =>
        DerivedKeys.LockAsync(db, "address:" + emailKey, ct);

    private (string Address, string Name) RequireInput(string? email, string? password, string? displayName)
    {
        var address = AccountRules.RequireEmail(email);
        AccountRules.RequirePassword(password ?? "", options.Value.Registration.MinPasswordLength);
        var name = string.IsNullOrWhiteSpace(displayName)
            ? address[..address.IndexOf('@')]
            : AccountRules.RequireDisplayName(displayName);
        return (address, name);
    }

    private async Task<Account> NewAccountAsync(string address, string name, string status, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (preferred, autogen) = AccountRules.FleepAddressesFor(address);
        return new Account
        {
            Id = Guid.CreateVersion7(now),
            Email = address,
            EmailKey = AccountRules.EmailKey(address),
            DisplayName = name,
            Status = status,
            ClientFlags = AccountDefaults.NewClientFlags(),
            FleepAddress = await db.Accounts.AnyAsync(a => a.FleepAddress == preferred, ct) ? autogen : preferred,
            FleepAutogen = autogen,
            CreatedTime = now,
            ActivatedTime = status == AccountStatus.Active ? now : null,
        };
    }

    private async Task<Account> InsertAsync(Account account, CancellationToken ct)
    {
        db.Accounts.Add(account);
        db.AccountStreams.Add(new AccountStream { AccountId = account.Id });

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (AccountRules.IsUniqueViolation(e, AccountRules.EmailKeyIndex))
        {
            // Two registrations of one address raced; the other one won.
            throw FleepErrors.EmailTaken();
        }
        catch (DbUpdateException e) when (AccountRules.IsUniqueViolation(e, AccountRules.FleepAddressIndex))
        {
            // The preferred address was taken between the check and the insert: fall back to the random one.
            account.FleepAddress = account.FleepAutogen;
            await db.SaveChangesAsync(ct);
        }

        return account;
    }

    /// <summary>
    /// Registering an address that so far only had a placeholder account (made by a lookup or an
    /// import, <c>mk_account_status: "new"</c>, no password) takes that account over: its id, and so
    /// every conversation it was invited to, stays. Everyone who knows the account gets its new name.
    /// Any other existing account: <c>email_taken</c>.
    /// </summary>
    private async Task<Account> ClaimAsync(Account account, string password, string name, CancellationToken ct)
    {
        if (account.Status != AccountStatus.New || account.PasswordHash is not null)
        {
            throw FleepErrors.EmailTaken();
        }

        var passwordHash = hasher.HashPassword(account, password);
        return await unit.RunAsync(async token =>
        {
            var claimed = (await db.Accounts.FromSql($"""
                SELECT * FROM accounts WHERE account_id = {account.Id} AND mk_account_status = {AccountStatus.New} AND password_hash IS NULL
                FOR NO KEY UPDATE
                """).ToListAsync(token)).SingleOrDefault()
                // Another registration of the same address claimed it first.
                ?? throw FleepErrors.EmailTaken();
            claimed.Status = AccountStatus.Active;
            claimed.DisplayName = name;
            claimed.ActivatedTime = time.GetUtcNow();
            claimed.PasswordHash = passwordHash;
            await db.SaveChangesAsync(token);
            await contacts.AccountChangedAsync(claimed, publicFieldsChanged: true, token);
            await signins.AnnounceAsync(claimed.Id, token);
            return claimed;
        }, ct);
    }

    /// <summary>
    /// The accounts of the given addresses (already validated), keyed by e-mail key; an address
    /// without an account gets a placeholder account, <c>mk_account_status: "new"</c>, with no
    /// password, so it can be invited and listed by id until its owner registers (docs/contacts.md,
    /// "Tables"). One insert (concurrent creators of the same address agree on one account) and
    /// one read per batch of addresses. An address that is a confirmed alias answers its owner's
    /// account (docs/mail.md, "Aliases"), so it is invited, listed and found as the owner, unless
    /// <paramref name="resolveAliases"/> is false. Joins the caller's transaction.
    /// </summary>
    public async Task<Dictionary<string, Account>> EnsureAccountsAsync(IReadOnlyCollection<string> addresses, CancellationToken ct,
        bool resolveAliases = true)
    {
        var byKey = addresses.GroupBy(AccountRules.EmailKey).ToDictionary(g => g.Key, g => g.First());
        var found = new Dictionary<string, Account>();
        var now = time.GetUtcNow();
        var flags = AccountDefaults.NewClientFlags().ToArray();
        foreach (var batch in byKey.Chunk(PlaceholderBatch))
        {
            var keys = batch.Select(b => b.Key).ToArray();
            var emails = batch.Select(b => b.Value).ToArray();
            var fleepAddresses = emails.Select(e => AccountRules.FleepAddressesFor(e, suffixLength: 8).Autogen).ToArray();
            await db.Database.ExecuteSqlAsync($"""
                WITH input AS (
                    SELECT * FROM unnest({emails}, {keys}, {fleepAddresses}) AS t(email, email_key, fleep_address)),
                created AS (
                    INSERT INTO accounts (account_id, email, email_key, display_name, mk_account_status, mk_email_interval,
                        client_flags, is_full_privacy, is_newsletter_disabled, is_automute_enabled, fleep_address, fleep_autogen,
                        created_time, failed_login_count)
                    SELECT gen_random_uuid(), email, email_key, left(split_part(email, '@', 1), 128), {AccountStatus.New},
                        {AccountDefaults.EmailInterval}, {flags}, false, false, false, fleep_address, fleep_address, {now}, 0
                    FROM input
                    ON CONFLICT (email_key) DO NOTHING
                    RETURNING account_id)
                INSERT INTO account_streams (account_id, last_event_nr)
                SELECT account_id, {AccountStream.FirstHorizon} FROM created
                """, ct);
            foreach (var account in await db.Accounts.AsNoTracking().Where(a => keys.Contains(a.EmailKey)).ToListAsync(ct))
            {
                found[account.EmailKey] = account;
            }
        }

        var owners = found.Values.Where(a => a is { Status: AccountStatus.Alias, AliasOfId: not null }).Select(a => a.AliasOfId!.Value).Distinct().ToList();
        if (resolveAliases && owners.Count > 0)
        {
            var byId = await db.Accounts.AsNoTracking().Where(a => owners.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
            foreach (var (key, account) in found.ToList())
            {
                if (account is { Status: AccountStatus.Alias, AliasOfId: { } owner } && byId.TryGetValue(owner, out var primary))
                {
                    found[key] = primary;
                }
            }
        }

        return found;
    }
}
