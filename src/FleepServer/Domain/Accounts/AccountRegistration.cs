using FleepServer.Data;
using FleepServer.Domain.Contacts;
using FleepServer.Errors;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Accounts;

/// <summary>
/// Creates accounts: through <c>api/account/register</c> while registration is open, and through
/// the <c>account add</c> command always. This server sends no mail, so a new account is active at
/// once (docs/compatibility.md, "Registration").
/// </summary>
public sealed class AccountRegistration(
    FleepDbContext db,
    UnitOfWork unit,
    IPasswordHasher<Account> hasher,
    TimeProvider time,
    IOptions<FleepOptions> options,
    ContactFanOut contacts)
{
    /// <summary>Addresses per placeholder insert: one command each.</summary>
    private const int PlaceholderBatch = 1000;

    public Task<Account> RegisterAsync(string? email, string? password, string? displayName, CancellationToken ct)
    {
        if (!options.Value.Registration.IsOpen)
        {
            throw FleepErrors.RegistrationClosed();
        }

        return CreateAsync(email, password, displayName, ct);
    }

    public async Task<Account> CreateAsync(string? email, string? password, string? displayName, CancellationToken ct)
    {
        var address = AccountRules.RequireEmail(email);
        AccountRules.RequirePassword(password ?? "", options.Value.Registration.MinPasswordLength);
        var name = string.IsNullOrWhiteSpace(displayName)
            ? address[..address.IndexOf('@')]
            : AccountRules.RequireDisplayName(displayName);
        var key = AccountRules.EmailKey(address);

        var existing = await db.Accounts.FirstOrDefaultAsync(a => a.EmailKey == key, ct);
        if (existing is not null)
        {
            return await ClaimAsync(existing, password!, name, ct);
        }

        var now = time.GetUtcNow();
        var (preferred, autogen) = AccountRules.FleepAddressesFor(address);
        var account = new Account
        {
            Id = Guid.CreateVersion7(now),
            Email = address,
            EmailKey = key,
            DisplayName = name,
            Status = AccountStatus.Active,
            ClientFlags = AccountDefaults.NewClientFlags(),
            FleepAddress = await db.Accounts.AnyAsync(a => a.FleepAddress == preferred, ct) ? autogen : preferred,
            FleepAutogen = autogen,
            CreatedTime = now,
            ActivatedTime = now,
        };
        account.PasswordHash = hasher.HashPassword(account, password!);
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
            return claimed;
        }, ct);
    }

    /// <summary>
    /// The accounts of the given addresses (already validated), keyed by e-mail key; an address
    /// without an account gets a placeholder account, <c>mk_account_status: "new"</c>, with no
    /// password, so it can be invited and listed by id until its owner registers (docs/contacts.md,
    /// "Tables"). One insert (concurrent creators of the same address agree on one account) and
    /// one read per batch of addresses. Joins the caller's transaction.
    /// </summary>
    public async Task<Dictionary<string, Account>> EnsureAccountsAsync(IReadOnlyCollection<string> addresses, CancellationToken ct)
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

        return found;
    }
}
