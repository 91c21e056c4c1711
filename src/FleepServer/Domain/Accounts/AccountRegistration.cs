using FleepServer.Data;
using FleepServer.Errors;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Accounts;

/// <summary>
/// Creates accounts: through <c>api/account/register</c> while registration is open, and through
/// the <c>account add</c> command always. This server sends no mail, so a new account is active at
/// once (core spec §3.3, recorded in docs/compatibility.md).
/// </summary>
public sealed class AccountRegistration(
    FleepDbContext db,
    IPasswordHasher<Account> hasher,
    TimeProvider time,
    IOptions<FleepOptions> options)
{
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

        if (await db.Accounts.AnyAsync(a => a.EmailKey == key, ct))
        {
            throw FleepErrors.EmailTaken();
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
}
