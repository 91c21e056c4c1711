using FleepServer.Data;
using FleepServer.Domain.Accounts;
using FleepServer.Domain.Contacts;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Mail;

/// <summary>
/// The e-mail preference links of a digest (docs/mail.md, "E-mail preferences"):
/// <c>account/configure_email_interval {notification_id, email_interval}</c> and
/// <c>account/unsubscribe {notification_id}</c>, without a session. The id is a <c>preferences</c>
/// notification; it is not used up, so a second click works too, until it expires. The owner's
/// sessions get the changed contact record through their streams.
/// </summary>
public sealed class EmailPreferences(FleepDbContext db, UnitOfWork unit, Notifications notifications, ContactFanOut contacts)
{
    /// <summary>The values the link accepts: the events' three and the classificator's <c>default</c>.</summary>
    public static readonly string[] Intervals = ["hourly", "daily", "never", "default"];

    public Task ConfigureIntervalAsync(string? notificationId, string? emailInterval, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(emailInterval))
        {
            throw FleepErrors.MissingField("email_interval");
        }

        if (!Intervals.Contains(emailInterval))
        {
            throw FleepErrors.InvalidField("email_interval", $"one of {string.Join(", ", Intervals)}");
        }

        return SetAsync(notificationId, emailInterval, ct);
    }

    public Task UnsubscribeAsync(string? notificationId, CancellationToken ct) => SetAsync(notificationId, "never", ct);

    private Task SetAsync(string? notificationId, string emailInterval, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var notification = await notifications.PeekAsync(notificationId, [NotificationPurposes.Preferences], token);
            var account = (await db.Accounts.FromSql($"SELECT * FROM accounts WHERE account_id = {notification.AccountId} FOR NO KEY UPDATE")
                .ToListAsync(token)).SingleOrDefault();
            if (account is not { Status: AccountStatus.Active } || account.EmailKey != notification.EmailKey)
            {
                // Closed since, or the address the link went to is no longer the account's.
                throw FleepErrors.InvalidNotification();
            }

            if (account.EmailInterval != emailInterval)
            {
                account.EmailInterval = emailInterval;
                await contacts.AccountChangedAsync(account, publicFieldsChanged: false, token);
            }

            return true;
        }, ct);
}
