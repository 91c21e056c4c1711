using FleepServer.Auth;
using FleepServer.Data;
using FleepServer.Errors;
using FleepServer.Streams;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Accounts;

/// <summary>A fresh session: the account and the two secrets handed to the client exactly once.</summary>
public sealed record StartedSession(Account Account, string Token, string Ticket, bool RememberMe);

/// <summary>
/// Login and logout. A login checks the lockout before hashing anything, verifies the password
/// with Identity's <see cref="PasswordHasher{TUser}"/> (an unknown address is verified against a
/// dummy hash so it costs the same time), counts failures and opens a session. A logout revokes
/// the session and then has every server process drop it from its session cache. An alias
/// address logs its owner in.
/// </summary>
public sealed class Logins(
    FleepDbContext db,
    IPasswordHasher<Account> hasher,
    TimeProvider time,
    IOptions<FleepOptions> options,
    StreamNotifier notifier)
{
    // A real hash of a throwaway password, so unknown addresses pay the same hashing cost.
    private static readonly Lazy<string> DummyHash =
        new(() => new PasswordHasher<Account>().HashPassword(null!, Guid.NewGuid().ToString()));

    public async Task<StartedSession> LoginAsync(string email, string password, bool rememberMe, CancellationToken ct)
    {
        var key = AccountRules.EmailKey(email);
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.EmailKey == key, ct);
        if (account is { Status: AccountStatus.Alias, AliasOfId: { } ownerId })
        {
            // A confirmed alias logs its owner in, with the owner's password (docs/mail.md, "Aliases").
            account = await db.Accounts.FirstOrDefaultAsync(a => a.Id == ownerId, ct);
        }

        var now = time.GetUtcNow();
        var limits = options.Value.Login;

        if (account?.LockoutEnd is { } lockedUntil && lockedUntil > now)
        {
            throw FleepErrors.AccountLocked((int)Math.Ceiling((lockedUntil - now).TotalSeconds));
        }

        var verdict = hasher.VerifyHashedPassword(account!, account?.PasswordHash ?? DummyHash.Value, password);
        if (account is null || account.PasswordHash is null || verdict == PasswordVerificationResult.Failed)
        {
            if (account is not null)
            {
                await CountFailureAsync(account.Id, now, limits, ct);
            }

            throw FleepErrors.IncorrectLogin();
        }

        if (account.Status is AccountStatus.Closed or AccountStatus.Banned)
        {
            throw FleepErrors.IncorrectLogin();
        }

        if (account.Status == AccountStatus.New)
        {
            // Registered with the right password, but the mailed confirmation link was not opened yet.
            throw FleepErrors.NotConfirmed();
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            account.PasswordHash = hasher.HashPassword(account, password);
        }

        account.FailedLoginCount = 0;
        account.LockoutEnd = null;
        // Logging in is activity (activity_time, lastseen); later calls keep it fresh (SessionAuthenticationHandler).
        account.ActivityTime = now;
        var started = StartSession(account, rememberMe, now);
        await db.SaveChangesAsync(ct);
        return started;
    }

    public async Task LogoutAsync(CurrentSession session, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await db.Sessions.Where(s => s.Id == session.SessionId && s.RevokedTime == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedTime, now), ct);
        // Committed (one statement, no transaction): now every process may forget it.
        notifier.PublishSessionsEnded([session.SessionId], []);
    }

    /// <summary>Adds a session for the account to the unit of work; the caller saves.</summary>
    public StartedSession StartSession(Account account, bool rememberMe, DateTimeOffset now)
    {
        var token = SessionSecrets.NewToken();
        var ticket = SessionSecrets.NewTicket();
        db.Sessions.Add(new Session
        {
            Id = Guid.CreateVersion7(now),
            AccountId = account.Id,
            TokenHash = SessionSecrets.Hash(token),
            TicketHash = SessionSecrets.Hash(ticket),
            RememberMe = rememberMe,
            CreatedTime = now,
            LastSeenTime = now,
        });
        return new StartedSession(account, token, ticket, rememberMe);
    }

    // One UPDATE, so concurrent wrong guesses cannot lose a count. A lockout that has already
    // expired starts a new series at 1; reaching the limit sets a new lockout end.
    private Task CountFailureAsync(Guid accountId, DateTimeOffset now, LoginOptions limits, CancellationToken ct)
    {
        var until = now + limits.LockoutDuration;
        return db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(a => a
            .SetProperty(x => x.FailedLoginCount,
                x => x.LockoutEnd != null && x.LockoutEnd <= now ? 1 : x.FailedLoginCount + 1)
            .SetProperty(x => x.LockoutEnd,
                x => (x.LockoutEnd != null && x.LockoutEnd <= now ? 1 : x.FailedLoginCount + 1) >= limits.MaxFailedAttempts
                    ? until
                    : x.LockoutEnd != null && x.LockoutEnd <= now ? null : x.LockoutEnd), ct);
    }
}
