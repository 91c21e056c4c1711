using System.Security.Cryptography;
using FleepServer.Data;
using FleepServer.Domain.Accounts;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Mail;

/// <summary>The purposes a notification id is bound to.</summary>
public static class NotificationPurposes
{
    public const string Confirm = "confirm";
    public const string ResetPassword = "reset_password";
    public const string Alias = "alias";
    public const string Invite = "invite";
    public const string Preferences = "preferences";
}

/// <summary>A notification just made: the id for the mail (never stored) and its row.</summary>
public sealed record IssuedNotification(string Id, Notification Row);

/// <summary>
/// The single-use ids mailed links carry (docs/mail.md, "Notifications"): 128 random bits as 32
/// hex characters, of which only the SHA-256 is stored, bound to a purpose and an address and
/// expiring. <see cref="Issue"/> adds the row to the current unit of work;
/// <see cref="UseAsync(string?, string, CancellationToken)"/> takes it (row-locked, so two calls with one id cannot both succeed) and
/// marks it used.
/// </summary>
public sealed class Notifications(FleepDbContext db, TimeProvider time)
{
    public IssuedNotification Issue(string purpose, string email, Guid? accountId, TimeSpan lifetime, string? code = null)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = time.GetUtcNow();
        var row = new Notification
        {
            IdHash = Hash(id),
            Purpose = purpose,
            AccountId = accountId,
            Email = email.Trim(),
            EmailKey = AccountRules.EmailKey(email),
            CodeHash = code is null ? null : Hash(NormalizeCode(code)),
            CreatedTime = now,
            ExpiresTime = now + lifetime,
        };
        db.Notifications.Add(row);
        return new IssuedNotification(id, row);
    }

    /// <summary>How many notifications of <paramref name="purpose"/> an address was sent within <paramref name="window"/>.</summary>
    public async Task<int> CountRecentAsync(string email, string purpose, TimeSpan window, CancellationToken ct) =>
        (await CountRecentAsync([email], purpose, window, ct)).GetValueOrDefault(AccountRules.EmailKey(email));

    /// <summary>The same for several addresses in one query, by e-mail key (an address sent none is absent).</summary>
    public async Task<Dictionary<string, int>> CountRecentAsync(IReadOnlyCollection<string> emails, string purpose, TimeSpan window, CancellationToken ct)
    {
        var keys = emails.Select(AccountRules.EmailKey).Distinct().ToList();
        var since = time.GetUtcNow() - window;
        return await db.Notifications.Where(n => keys.Contains(n.EmailKey) && n.Purpose == purpose && n.CreatedTime > since)
            .GroupBy(n => n.EmailKey).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
    }

    /// <summary>
    /// The live notification of <paramref name="purpose"/> with this id, locked for the rest of the
    /// unit of work, and marked used; an unknown, used, expired or other-purpose id is refused alike.
    /// </summary>
    public async Task<Notification> UseAsync(string? id, string purpose, CancellationToken ct) => await UseAsync(id, [purpose], ct);

    /// <summary>As <see cref="UseAsync(string?, string, CancellationToken)"/>, for an id that may have been made for any of <paramref name="purposes"/>.</summary>
    public async Task<Notification> UseAsync(string? id, string[] purposes, CancellationToken ct)
    {
        var row = await FindLiveAsync(id, purposes, ct) ?? throw FleepErrors.InvalidNotification();
        row.UsedTime = time.GetUtcNow();
        return row;
    }

    /// <summary>As <see cref="UseAsync(string?, string, CancellationToken)"/>, without using it up (a registration's prepare step).</summary>
    public async Task<Notification> PeekAsync(string? id, string[] purposes, CancellationToken ct) =>
        await FindLiveAsync(id, purposes, ct) ?? throw FleepErrors.InvalidNotification();

    /// <summary>The live registration notification of an address whose mailed code matches.</summary>
    public async Task<Notification> FindByCodeAsync(string? email, string? code, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(code))
        {
            throw FleepErrors.InvalidNotification();
        }

        var key = AccountRules.EmailKey(email);
        var codeHash = Hash(NormalizeCode(code));
        var now = time.GetUtcNow();
        return await db.Notifications
                   .FromSql($"SELECT * FROM notifications WHERE email_key = {key} AND code_hash = {codeHash} FOR UPDATE")
                   .Where(n => n.Purpose == NotificationPurposes.Confirm && n.UsedTime == null && n.ExpiresTime > now)
                   .OrderByDescending(n => n.CreatedTime).FirstOrDefaultAsync(ct)
               ?? throw FleepErrors.InvalidNotification();
    }

    private async Task<Notification?> FindLiveAsync(string? id, string[] purposes, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 128)
        {
            return null;
        }

        var hash = Hash(id.Trim().ToLowerInvariant());
        var now = time.GetUtcNow();
        var row = await db.Notifications.FromSql($"SELECT * FROM notifications WHERE id_hash = {hash} FOR UPDATE").SingleOrDefaultAsync(ct);
        return row is { UsedTime: null } && purposes.Contains(row.Purpose) && row.ExpiresTime > now ? row : null;
    }

    /// <summary>A registration code as mailed (<c>123-456</c>) or typed (<c>123456</c>, <c>123 456</c>): digits only.</summary>
    public static string NormalizeCode(string code) => new(code.Where(char.IsAsciiDigit).ToArray());

    /// <summary>A fresh six-digit registration code, shown as <c>NNN-NNN</c>.</summary>
    public static string NewCode()
    {
        var n = RandomNumberGenerator.GetInt32(0, 1_000_000);
        return $"{n / 1000:D3}-{n % 1000:D3}";
    }

    private static string Hash(string value) => Convert.ToHexStringLower(Auth.SessionSecrets.Hash(value));
}
