using FleepServer.Data;
using FleepServer.Domain.Mail;
using FleepServer.Errors;
using FleepServer.Streams;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Accounts;

/// <summary>
/// A forgotten password (docs/mail.md, "Password reset"): account/reset_password mails a
/// single-use link to the account's address; account/confirm_password with the link's
/// notification id sets a new password and ends every session of the account.
/// </summary>
public sealed class PasswordResets(
    FleepDbContext db,
    UnitOfWork unit,
    Notifications notifications,
    MailOutbox outbox,
    IPasswordHasher<Account> hasher,
    TimeProvider time,
    StreamNotifier notifier,
    IOptions<FleepOptions> options)
{
    /// <summary>Mails a reset link; an address without an active account, or one over the hourly limit, is refused (431).</summary>
    public Task RequestAsync(string? email, string publicUrl, CancellationToken ct)
    {
        var address = AccountRules.RequireEmail(email);
        var mail = options.Value.Mail;
        return unit.RunAsync(async token =>
        {
            var key = AccountRules.EmailKey(address);
            var account = await db.Accounts.AsNoTracking()
                              .FirstOrDefaultAsync(a => a.EmailKey == key && a.Status == AccountStatus.Active, token)
                          ?? throw FleepErrors.UnknownEmail();
            // Serialises the requests of one account, so two at once cannot both pass the count.
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE account_id = {account.Id} FOR UPDATE", token);
            if (await notifications.CountRecentAsync(address, NotificationPurposes.ResetPassword, TimeSpan.FromHours(1), token) >= mail.PerAddressPerHour)
            {
                throw FleepErrors.TooManyMails();
            }

            var issued = notifications.Issue(NotificationPurposes.ResetPassword, account.Email, account.Id, mail.ResetLifetime);
            outbox.Queue(MailTemplates.ResetPassword(account.Email, account.DisplayName, publicUrl, issued.Id, mail.ResetLifetime));
            return true;
        }, ct);
    }

    /// <summary>Sets the new password of the link's account and ends all its sessions; the id works once.</summary>
    public async Task ConfirmAsync(string? notificationId, string? password, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(password))
        {
            throw FleepErrors.MissingField("password");
        }

        AccountRules.RequirePassword(password, options.Value.Registration.MinPasswordLength);
        // Hashed before any lock is taken: hashing is slow.
        var hash = hasher.HashPassword(null!, password);
        var accountId = await unit.RunAsync(async token =>
        {
            var notification = await notifications.UseAsync(notificationId, NotificationPurposes.ResetPassword, token);
            var account = (await db.Accounts.FromSql($"SELECT * FROM accounts WHERE account_id = {notification.AccountId} FOR UPDATE")
                .ToListAsync(token)).SingleOrDefault();
            if (account is null || account.Status != AccountStatus.Active)
            {
                throw FleepErrors.InvalidNotification();
            }

            account.PasswordHash = hash;
            account.FailedLoginCount = 0;
            account.LockoutEnd = null;
            var now = time.GetUtcNow();
            await db.Sessions.Where(s => s.AccountId == account.Id && s.RevokedTime == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedTime, now), token);
            return account.Id;
        }, ct);
        // Committed: every process drops the account's sessions from its session cache.
        notifier.PublishSessionsEnded([], [accountId]);
    }
}
