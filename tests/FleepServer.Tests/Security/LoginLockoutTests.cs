using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Security;

/// <summary>
/// Brute force: five wrong passwords in a row lock the account for five minutes (fake clock). While
/// locked, a login is refused before any password hash runs — with the right password too.
/// </summary>
public sealed class LoginLockoutTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task The_sixth_wrong_password_is_refused_without_hashing_and_the_lock_expires()
    {
        using var account = await server.NewAccountAsync();
        using var attacker = server.NewClient();

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var before = server.Hasher.Verifications;
            (await Login(attacker, account.Email, "wrong guess")).AssertError(431, "incorrect_login");
            Assert.Equal(before + 1, server.Hasher.Verifications);
        }

        var hashesBefore = server.Hasher.Verifications;
        var sixth = await Login(attacker, account.Email, "wrong guess");
        var rightButLocked = await Login(attacker, account.Email, "correct horse");

        sixth.AssertError(429, "account_locked");
        rightButLocked.AssertError(429, "account_locked");
        Assert.Equal(hashesBefore, server.Hasher.Verifications);
        var retryAfter = int.Parse(sixth.Raw.Headers.RetryAfter!.ToString());
        Assert.InRange(retryAfter, 1, 300);

        server.Clock.Advance(TimeSpan.FromMinutes(4));
        (await Login(attacker, account.Email, "correct horse")).AssertError(429, "account_locked");

        server.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        (await Login(attacker, account.Email, "correct horse")).EnsureOk();
    }

    [Fact]
    public async Task An_expired_lock_starts_a_new_count()
    {
        using var account = await server.NewAccountAsync();
        using var attacker = server.NewClient();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await Login(attacker, account.Email, "wrong guess");
        }

        server.Clock.Advance(TimeSpan.FromMinutes(6));

        // One more wrong guess after the lock expired is just the first of a new series.
        (await Login(attacker, account.Email, "wrong guess")).AssertError(431, "incorrect_login");
        (await Login(attacker, account.Email, "correct horse")).EnsureOk();
    }

    [Fact]
    public async Task A_successful_login_resets_the_count()
    {
        using var account = await server.NewAccountAsync();
        using var client = server.NewClient();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            await Login(client, account.Email, "wrong guess");
        }

        (await Login(client, account.Email, "correct horse")).EnsureOk();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            (await Login(client, account.Email, "wrong guess")).AssertError(431);
        }

        (await Login(client, account.Email, "correct horse")).EnsureOk();
    }

    [Fact]
    public async Task An_unknown_address_costs_one_hash_like_a_wrong_password()
    {
        using var client = server.NewClient();
        var before = server.Hasher.Verifications;

        (await Login(client, $"ghost.{Guid.NewGuid():N}@example.org", "whatever")).AssertError(431, "incorrect_login");

        Assert.Equal(before + 1, server.Hasher.Verifications);
    }

    private static Task<FleepResponse> Login(FleepTestClient client, string email, string password) =>
        client.PostAsync("/api/account/login", new { email, password }, withTicket: false);
}
