using System.Text.Json;
using FleepServer.Api.Wire;
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
/// Every field is validated before anything is written, so a refused call changes nothing.
/// A password change needs the old password and ends every other session of the account.
/// The owner's sessions receive the changed contact record through their streams.
/// </summary>
public sealed class AccountSettings(
    FleepDbContext db,
    IPasswordHasher<Account> hasher,
    TimeProvider time,
    ContactFanOut contacts,
    IOptions<FleepOptions> options,
    ILogger<AccountSettings> logger,
    StreamNotifier notifier)
{
    public async Task<Account> ConfigureAsync(CurrentSession me, ConfigureRequest request, CancellationToken ct)
    {
        var account = await LoadAsync(me, ct);

        if (request.Password is not null)
        {
            AccountRules.RequirePassword(request.Password, options.Value.Registration.MinPasswordLength);
            if (string.IsNullOrEmpty(request.OldPassword))
            {
                throw FleepErrors.MissingField("old_password");
            }

            if (account.PasswordHash is null ||
                hasher.VerifyHashedPassword(account, account.PasswordHash, request.OldPassword) == PasswordVerificationResult.Failed)
            {
                throw FleepErrors.WrongOldPassword();
            }
        }

        if (request.EmailInterval is { } interval && !AccountRules.EmailIntervals.Contains(interval))
        {
            throw FleepErrors.InvalidField("email_interval", $"one of {string.Join(", ", AccountRules.EmailIntervals)}");
        }

        if (request.SleepInterval is { } sleep && !AccountRules.SleepIntervals.Contains(sleep))
        {
            // The live server's words (peripheral spec §15).
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

        if (email is not null && AccountRules.EmailKey(email) != account.EmailKey &&
            await db.Accounts.AnyAsync(a => a.EmailKey == AccountRules.EmailKey(email), ct))
        {
            throw FleepErrors.EmailTaken();
        }

        if (fleepAddress is not null && fleepAddress != account.FleepAddress &&
            await db.Accounts.AnyAsync(a => a.FleepAddress == fleepAddress, ct))
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
        if (email is not null)
        {
            account.Email = email;
            account.EmailKey = AccountRules.EmailKey(email);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (request.Password is not null)
        {
            account.PasswordHash = hasher.HashPassword(account, request.Password);
            var now = time.GetUtcNow();
            await db.Sessions
                .Where(s => s.AccountId == account.Id && s.Id != me.SessionId && s.RevokedTime == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedTime, now), ct);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (AccountRules.IsUniqueViolation(e, AccountRules.EmailKeyIndex))
        {
            throw FleepErrors.EmailTaken();
        }
        catch (DbUpdateException e) when (AccountRules.IsUniqueViolation(e, AccountRules.FleepAddressIndex))
        {
            throw FleepErrors.BusinessRule("fleep_address_taken", "This fleep address is already taken.");
        }

        await PublishAsync(account, publicFieldsChanged: displayName is not null || email is not null || fleepAddress is not null || statusChanged, ct);
        await transaction.CommitAsync(ct);
        if (request.Password is not null)
        {
            notifier.PublishSessionsEnded([], [account.Id]);
        }

        return account;
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
        var account = await LoadAsync(me, ct);
        account.DeleteRequestedTime ??= time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        logger.LogWarning("Account {AccountId} asked to be deleted; close it with the administrator's tools", account.Id);
        return account;
    }

    public async Task<Account> SetFlagAsync(CurrentSession me, string flag, bool value, CancellationToken ct)
    {
        var account = await LoadAsync(me, ct);
        var flags = account.ClientFlags.Where(f => f != flag).ToList();
        if (value)
        {
            flags.Add(flag);
        }

        account.ClientFlags = flags;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await PublishAsync(account, publicFieldsChanged: false, ct);
        await transaction.CommitAsync(ct);
        return account;
    }

    /// <summary>The recipient rule for contacts (<see cref="ContactFanOut"/>): the owner's full contact, and each knower's view when a public field changed.</summary>
    private Task PublishAsync(Account account, bool publicFieldsChanged, CancellationToken ct) =>
        contacts.AccountChangedAsync(account, publicFieldsChanged, ct);

    private Task<Account> LoadAsync(CurrentSession me, CancellationToken ct) =>
        db.Accounts.FirstAsync(a => a.Id == me.AccountId, ct);

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
