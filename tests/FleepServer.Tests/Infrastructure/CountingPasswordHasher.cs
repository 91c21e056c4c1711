using FleepServer.Data;
using Microsoft.AspNetCore.Identity;

namespace FleepServer.Tests.Infrastructure;

/// <summary>The real <see cref="PasswordHasher{TUser}"/>, counting how often a password is verified.</summary>
public sealed class CountingPasswordHasher : IPasswordHasher<Account>
{
    private readonly PasswordHasher<Account> inner = new();
    private int verifications;

    public int Verifications => Volatile.Read(ref verifications);

    public string HashPassword(Account user, string password) => inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(Account user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref verifications);
        return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}
