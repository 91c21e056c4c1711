using FleepServer.Data;
using FleepServer.Domain.Mail;
using FleepServer.Errors;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Accounts;

/// <summary>The account details confirm/v2 finishes a registration with.</summary>
public sealed record ConfirmRegistration
{
    public string? NotificationId { get; init; }
    public string? DisplayName { get; init; }
    public string? Password { get; init; }
    public string? FleepAddress { get; init; }
    public string? PhoneNr { get; init; }
    public bool? IsNewsletterDisabled { get; init; }
}

/// <summary>
/// Registration by mailed code or link (docs/mail.md, "Registration"), none of which needs a
/// session: register/v2 mails a confirmation code and a link; prepare/v2 turns the code (or the
/// link's id) into the notification id that confirm/v2 finishes the registration with, answering
/// like a login; confirm activates an account registered with address confirmation and logs it in.
/// An address that so far was only invited (a <c>new</c> account) keeps its account, and with it
/// every conversation it was invited to.
/// </summary>
public sealed class EmailRegistrations(
    FleepDbContext db,
    UnitOfWork unit,
    Notifications notifications,
    MailOutbox outbox,
    AccountRegistration registration,
    Logins logins,
    IPasswordHasher<Account> hasher,
    TimeProvider time,
    IOptions<FleepOptions> options)
{
    /// <summary>The ids a registration can be finished with: a register/v2 link or code, or an invitation.</summary>
    private static readonly string[] Registering = [NotificationPurposes.Confirm, NotificationPurposes.Invite];

    /// <summary>register/v2: mails a code and a link to an address that has no active account.</summary>
    public Task RequestCodeAsync(string? email, string publicUrl, CancellationToken ct)
    {
        RequireOpen();
        var address = AccountRules.RequireEmail(email);
        var mail = options.Value.Mail;
        return unit.RunAsync(async token =>
        {
            var key = AccountRules.EmailKey(address);
            await registration.LockAddressAsync(key, token);
            var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.EmailKey == key, token);
            if (account is { Status: not AccountStatus.New })
            {
                throw FleepErrors.EmailTaken();
            }

            if (await notifications.CountRecentAsync(address, NotificationPurposes.Confirm, TimeSpan.FromHours(1), token) >= mail.PerAddressPerHour)
            {
                throw FleepErrors.TooManyMails();
            }

            var code = Notifications.NewCode();
            var issued = notifications.Issue(NotificationPurposes.Confirm, address, account?.Id, mail.ConfirmLifetime, code);
            outbox.Queue(MailTemplates.ConfirmationCode(address, publicUrl, code, issued.Id, mail.ConfirmLifetime));
            return true;
        }, ct);
    }

    /// <summary>
    /// prepare/v2: the notification id confirm/v2 takes. From a mailed code (the code is used up and
    /// a fresh id made, since ids are never stored) or from a link's id (checked, answered as it is).
    /// </summary>
    public Task<string> PrepareAsync(string? email, string? code, string? notificationId, CancellationToken ct)
    {
        RequireOpen();
        if (!string.IsNullOrWhiteSpace(notificationId))
        {
            return unit.RunAsync(async token =>
            {
                await notifications.PeekAsync(notificationId, Registering, token);
                return notificationId.Trim().ToLowerInvariant();
            }, ct);
        }

        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(code))
        {
            throw FleepErrors.MissingField(string.IsNullOrWhiteSpace(email) ? "registration_mail" : "registration_code");
        }

        return unit.RunAsync(async token =>
        {
            var byCode = await notifications.FindByCodeAsync(email, code, token);
            byCode.UsedTime = time.GetUtcNow();
            return notifications.Issue(NotificationPurposes.Confirm, byCode.Email, byCode.AccountId, options.Value.Mail.ConfirmLifetime).Id;
        }, ct);
    }

    /// <summary>confirm/v2: the address of the notification becomes an active account with these details, logged in.</summary>
    public async Task<StartedSession> ConfirmV2Async(ConfirmRegistration request, CancellationToken ct)
    {
        RequireOpen();
        if (string.IsNullOrEmpty(request.Password))
        {
            throw FleepErrors.MissingField("password");
        }

        AccountRules.RequirePassword(request.Password, options.Value.Registration.MinPasswordLength);
        var fleepAddress = request.FleepAddress is { Length: > 0 } a ? AccountRules.RequireFleepAddress(a) : null;
        var phone = request.PhoneNr?.Trim();
        if (phone is { Length: > 16 })
        {
            throw FleepErrors.InvalidField("phone_nr", "at most 16 characters");
        }

        // Hashed before any lock is taken: hashing is slow.
        var hash = hasher.HashPassword(null!, request.Password);
        return await unit.RunAsync(async token =>
        {
            var notification = await notifications.UseAsync(request.NotificationId, Registering, token);
            var name = string.IsNullOrWhiteSpace(request.DisplayName)
                ? notification.Email[..notification.Email.IndexOf('@')]
                : AccountRules.RequireDisplayName(request.DisplayName);
            if (fleepAddress is not null && await db.Accounts.AnyAsync(x => x.FleepAddress == fleepAddress && x.EmailKey != notification.EmailKey, token))
            {
                throw FleepErrors.BusinessRule("fleep_address_taken", "This fleep address is already taken.");
            }

            var account = await registration.ActivateConfirmedAsync(notification.Email, name, hash, token, details: account =>
            {
                account.FleepAddress = fleepAddress ?? account.FleepAddress;
                account.PhoneNr = phone ?? account.PhoneNr;
                account.IsNewsletterDisabled = request.IsNewsletterDisabled ?? account.IsNewsletterDisabled;
            });
            return await StartAsync(account, token);
        }, ct);
    }

    /// <summary>confirm: the mailed link of a registration with address confirmation activates the account and logs it in.</summary>
    public Task<StartedSession> ConfirmAsync(string? notificationId, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var notification = await notifications.UseAsync(notificationId, NotificationPurposes.Confirm, token);
            var account = (await db.Accounts.FromSql($"SELECT * FROM accounts WHERE account_id = {notification.AccountId} FOR NO KEY UPDATE")
                .ToListAsync(token)).SingleOrDefault();
            if (account is null || account.PasswordHash is null || AccountRules.EmailKey(account.Email) != notification.EmailKey)
            {
                // A code-only registration (register/v2) is finished by confirm/v2, which sets the password.
                throw FleepErrors.InvalidNotification();
            }

            if (account.Status == AccountStatus.New)
            {
                account = await registration.ActivateConfirmedAsync(account.Email, account.DisplayName, account.PasswordHash, token);
            }
            else if (account.Status != AccountStatus.Active)
            {
                throw FleepErrors.InvalidNotification();
            }

            return await StartAsync(account, token);
        }, ct);

    private async Task<StartedSession> StartAsync(Account account, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        account.ActivityTime = now;
        var session = logins.StartSession(account, rememberMe: false, now);
        await db.SaveChangesAsync(ct);
        return session;
    }

    private void RequireOpen()
    {
        if (!options.Value.Registration.IsOpen)
        {
            throw FleepErrors.RegistrationClosed();
        }
    }
}
