using System.Text.Json;
using FleepServer.Auth;
using FleepServer.Data;
using FleepServer.Errors;
using FleepServer.Domain.Contacts;
using FleepServer.Streams;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Accounts;

/// <summary>
/// Changes the caller's own account: <c>account/configure</c> and <c>account/set_flag</c>.
/// Every field is validated before anything is written, so a refused call changes nothing; each
/// change is one unit of work that reads the account under its row lock.
/// A password change needs the old password and ends every other session of the account.
/// The owner's sessions receive the changed contact record through their streams.
/// </summary>
public sealed class AccountSettings(
    FleepDbContext db,
    UnitOfWork unit,
    IPasswordHasher<Account> hasher,
    TimeProvider time,
    ContactFanOut contacts,
    IOptions<FleepOptions> options,
    ILogger<AccountSettings> logger,
    StreamNotifier notifier)
{
    public async Task<Account> ConfigureAsync(CurrentSession me, ConfigureAccount request, CancellationToken ct)
    {
        if (request.EmailInterval is { } interval && !AccountRules.EmailIntervals.Contains(interval))
        {
            throw FleepErrors.InvalidField("email_interval", $"one of {string.Join(", ", AccountRules.EmailIntervals)}");
        }

        if (request.SleepInterval is { } sleep && !AccountRules.SleepIntervals.Contains(sleep))
        {
            // The live server's words.
            throw FleepErrors.BadRequest("Invalid sleep interval.");
        }

        if (request.MkPushNewMessage is { } push && !AccountRules.PushNewMessageModes.Contains(push))
        {
            throw FleepErrors.InvalidField("mk_push_new_message", $"one of {string.Join(", ", AccountRules.PushNewMessageModes)}");
        }

        if (request.ClientSettings is { Length: > 0 } settings && !IsJson(settings))
        {
            throw FleepErrors.InvalidField("client_settings", "not JSON text");
        }

        var displayName = request.DisplayName is null ? null : AccountRules.RequireDisplayName(request.DisplayName);
        var email = request.PrimaryEmail is null ? null : AccountRules.RequireEmail(request.PrimaryEmail, "primary_email");
        var fleepAddress = request.FleepAddress is null ? null : AccountRules.RequireFleepAddress(request.FleepAddress);
        var password = request.Password is null ? null : await CheckPasswordChangeAsync(me, request, ct);

        try
        {
            var changed = await unit.RunAsync(async token =>
            {
                // Read under the row lock: the contact records below are built from what this change commits.
                var account = await LockAsync(me, keyChange: email is not null || fleepAddress is not null, token);
                if (password is not null && account.PasswordHash != password.Value.VerifiedHash)
                {
                    // The password changed since the old one was checked.
                    throw FleepErrors.WrongOldPassword();
                }

                // The address that stops being primary: it becomes the alias account's address (docs/mail.md, "Aliases").
                var formerPrimary = email is not null && AccountRules.EmailKey(email) != account.EmailKey
                    ? await LockOwnAliasAsync(account, AccountRules.EmailKey(email), token)
                    : null;

                if (fleepAddress is not null && fleepAddress != account.FleepAddress &&
                    await db.Accounts.AnyAsync(a => a.FleepAddress == fleepAddress, token))
                {
                    throw FleepErrors.BusinessRule("fleep_address_taken", "This fleep address is already taken.");
                }

                account.DisplayName = displayName ?? account.DisplayName;
                account.PhoneNr = request.PhoneNr is null ? account.PhoneNr : request.PhoneNr.Trim();
                account.EmailInterval = request.EmailInterval ?? account.EmailInterval;
                account.IsFullPrivacy = request.IsFullPrivacy ?? account.IsFullPrivacy;
                account.IsNewsletterDisabled = request.IsNewsletterDisabled ?? account.IsNewsletterDisabled;
                account.IsAutomuteEnabled = request.IsAutomuteEnabled ?? account.IsAutomuteEnabled;
                account.ClientSettings = request.ClientSettings ?? account.ClientSettings;
                account.FleepAddress = fleepAddress ?? account.FleepAddress;
                account.SleepInterval = request.SleepInterval ?? account.SleepInterval;
                account.MkPushNewMessage = request.MkPushNewMessage ?? account.MkPushNewMessage;
                var statusChanged = request.StatusMessage is not null || request.StatusEmoji is not null;
                account.StatusMessage = request.StatusMessage is null ? account.StatusMessage : Blank(request.StatusMessage);
                account.StatusEmoji = request.StatusEmoji is null ? account.StatusEmoji : Blank(request.StatusEmoji);
                if (formerPrimary is not null)
                {
                    await SwapAddressesAsync(account, formerPrimary, token);
                }
                else if (email is not null)
                {
                    // The same address, perhaps written in other case.
                    account.Email = email;
                }

                if (password is not null)
                {
                    account.PasswordHash = password.Value.NewHash;
                    var now = time.GetUtcNow();
                    await db.Sessions
                        .Where(s => s.AccountId == account.Id && s.Id != me.SessionId && s.RevokedTime == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedTime, now), token);
                }

                await db.SaveChangesAsync(token);
                await PublishAsync(account, publicFieldsChanged: displayName is not null || email is not null || fleepAddress is not null || statusChanged,
                    token);
                if (formerPrimary is not null)
                {
                    await contacts.AccountChangedAsync(formerPrimary, publicFieldsChanged: true, token);
                }

                return account;
            }, ct);
            if (password is not null)
            {
                // Committed: every process now drops the account's other sessions from its session cache.
                notifier.PublishSessionsEnded([], [changed.Id]);
            }

            return changed;
        }
        catch (DbUpdateException e) when (AccountRules.IsUniqueViolation(e, AccountRules.EmailKeyIndex))
        {
            throw FleepErrors.EmailTaken();
        }
        catch (DbUpdateException e) when (AccountRules.IsUniqueViolation(e, AccountRules.FleepAddressIndex))
        {
            throw FleepErrors.BusinessRule("fleep_address_taken", "This fleep address is already taken.");
        }
    }

    /// <summary>
    /// primary_email: only the caller's current address or one of its confirmed aliases may be
    /// made primary; anything else is refused with 431 <c>not_alias</c> (docs/compatibility.md,
    /// "E-mail aliases"). Answers the alias account, locked (after the caller's row).
    /// </summary>
    private async Task<Account> LockOwnAliasAsync(Account owner, string key, CancellationToken ct)
    {
        var alias = (await db.Accounts.FromSql($"SELECT * FROM accounts WHERE email_key = {key} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (alias is not { Status: AccountStatus.Alias } || alias.AliasOfId != owner.Id)
        {
            throw FleepErrors.NotAlias();
        }

        return alias;
    }

    /// <summary>
    /// The alias's address becomes the owner's and the owner's former address the alias's: the
    /// same alias account (so <c>alias_account_ids</c> stays), now carrying the old primary address,
    /// which keeps logging the owner in. Three writes, since e-mail keys are unique at every statement.
    /// </summary>
    private async Task SwapAddressesAsync(Account owner, Account alias, CancellationToken ct)
    {
        var (oldEmail, oldKey) = (owner.Email, owner.EmailKey);
        var (newEmail, newKey) = (alias.Email, alias.EmailKey);
        alias.EmailKey = $"~{alias.Id}";
        await db.SaveChangesAsync(ct);
        owner.Email = newEmail;
        owner.EmailKey = newKey;
        await db.SaveChangesAsync(ct);
        alias.Email = oldEmail;
        alias.EmailKey = oldKey;
        alias.DisplayName = AccountRules.DisplayNameFrom(oldEmail);
    }

    /// <summary>
    /// Checks a password change before any lock is taken (hashing is slow): the new password's
    /// rules and the old password. Answers the hash that was verified, which must still be the
    /// account's inside the change, and the new hash.
    /// </summary>
    private async Task<(string VerifiedHash, string NewHash)?> CheckPasswordChangeAsync(CurrentSession me, ConfigureAccount request, CancellationToken ct)
    {
        AccountRules.RequirePassword(request.Password!, options.Value.Registration.MinPasswordLength);
        if (string.IsNullOrEmpty(request.OldPassword))
        {
            throw FleepErrors.MissingField("old_password");
        }

        var account = await db.Accounts.AsNoTracking().FirstAsync(a => a.Id == me.AccountId, ct);
        if (account.PasswordHash is null ||
            hasher.VerifyHashedPassword(account, account.PasswordHash, request.OldPassword) == PasswordVerificationResult.Failed)
        {
            throw FleepErrors.WrongOldPassword();
        }

        return (account.PasswordHash, hasher.HashPassword(account, request.Password!));
    }

    /// <summary>Registers the push device of the caller's session (account:set_device_token); the owner's contact is unchanged.</summary>
    public async Task<Account> SetDeviceTokenAsync(CurrentSession me, string deviceType, string token, CancellationToken ct)
    {
        if (!AccountRules.DeviceTypes.Contains(deviceType))
        {
            throw FleepErrors.InvalidField("mk_device_type", $"one of {string.Join(", ", AccountRules.DeviceTypes)}");
        }

        await db.Sessions.Where(s => s.Id == me.SessionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.MkDeviceType, deviceType).SetProperty(x => x.DeviceToken, token), ct);
        return await LoadAsync(me, ct);
    }

    /// <summary>
    /// account:delete. Fleep mails the owner a confirmation link; this server has no mailer, so the
    /// request is recorded on the account and logged for the administrator, who closes the account.
    /// </summary>
    public async Task<Account> RequestDeletionAsync(CurrentSession me, CancellationToken ct)
    {
        var account = await unit.RunAsync(async token =>
        {
            var locked = await LockAsync(me, keyChange: false, token);
            locked.DeleteRequestedTime ??= time.GetUtcNow();
            return locked;
        }, ct);
        logger.LogWarning("Account {AccountId} asked to be deleted; close it with the administrator's tools", account.Id);
        return account;
    }

    public Task<Account> SetFlagAsync(CurrentSession me, string flag, bool value, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var account = await LockAsync(me, keyChange: false, token);
            var flags = account.ClientFlags.Where(f => f != flag).ToList();
            if (value)
            {
                flags.Add(flag);
            }

            account.ClientFlags = flags;
            await PublishAsync(account, publicFieldsChanged: false, token);
            return account;
        }, ct);

    /// <summary>The recipient rule for contacts (<see cref="ContactFanOut"/>): the owner's full contact, and each knower's view when a public field changed.</summary>
    private Task PublishAsync(Account account, bool publicFieldsChanged, CancellationToken ct) =>
        contacts.AccountChangedAsync(account, publicFieldsChanged, ct);

    private Task<Account> LoadAsync(CurrentSession me, CancellationToken ct) =>
        db.Accounts.AsNoTracking().FirstAsync(a => a.Id == me.AccountId, ct);

    /// <summary>
    /// The caller's account row, locked for this unit (the first lock in the order of
    /// docs/writes.md): <c>FOR UPDATE</c> when a unique key (e-mail, fleep address) changes,
    /// otherwise <c>FOR NO KEY UPDATE</c>, which lets other units keep inserting rows that refer to it.
    /// </summary>
    private async Task<Account> LockAsync(CurrentSession me, bool keyChange, CancellationToken ct)
    {
        var locked = keyChange
            ? db.Accounts.FromSql($"SELECT * FROM accounts WHERE account_id = {me.AccountId} FOR UPDATE")
            : db.Accounts.FromSql($"SELECT * FROM accounts WHERE account_id = {me.AccountId} FOR NO KEY UPDATE");
        // Composed, so the columns are named in the statement and a schema mismatch is the database's error.
        return await locked.Where(a => a.Id == me.AccountId).SingleAsync(ct);
    }

    private static string? Blank(string text) => text.Trim().Length == 0 ? null : text.Trim();

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
