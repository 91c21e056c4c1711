using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Security;

/// <summary>A server whose velocity limits are small enough to reach in a test.</summary>
public sealed class TightLimitsServerFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Fleep:Login:PermitsPerIp"] = "7",
        ["Fleep:Login:PermitsPerAccount"] = "4",
        ["Fleep:Login:Window"] = "00:10:00",
    };
}

/// <summary>
/// Login and register are rate-limited per client IP and per e-mail address before the handler
/// runs, so a refused call costs no password hash. Ordinary API calls are not limited by these.
/// </summary>
public sealed class RateLimitTests(TightLimitsServerFixture server) : IClassFixture<TightLimitsServerFixture>
{
    [Fact]
    public async Task Limits_refuse_with_429_and_retry_after_before_hashing()
    {
        using var client = server.NewClient();
        var email = $"limited.{Guid.NewGuid():N}@example.org";
        await client.RegisterAsync(email, "secret123", "Limited");       // IP permit 1, address permit 1
        await client.LoginAsync(email, "secret123");                      // IP 2, address 2

        for (var i = 0; i < 2; i++)                                       // IP 3-4, address 3-4
        {
            (await client.PostAsync("/api/account/login", new { email, password = "wrong guess" }, withTicket: false)).AssertError(431);
        }

        var hashes = server.Hasher.Verifications;
        var perAccount = await client.PostAsync("/api/account/login", new { email, password = "secret123" }, withTicket: false);
        perAccount.AssertError(429, "too_many_requests");
        Assert.True(int.Parse(perAccount.Raw.Headers.RetryAfter!.ToString()) > 0);
        Assert.Equal(hashes, server.Hasher.Verifications);

        // Other addresses from the same IP run into the per-IP limit (the refused call above used IP permit 5).
        var responses = new List<FleepResponse>();
        for (var i = 0; i < 3; i++)
        {
            responses.Add(await client.PostAsync("/api/account/login",
                new { email = $"other{i}.{Guid.NewGuid():N}@example.org", password = "x" }, withTicket: false));
        }

        Assert.Contains(responses, r => r.StatusCode == 429);
        responses.Last().AssertError(429, "too_many_requests");

        // Authenticated calls are not counted against the password endpoints' limits.
        for (var i = 0; i < 10; i++)
        {
            (await client.PostAsync("/api/account/configure")).EnsureOk();
        }
    }
}
