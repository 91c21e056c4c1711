using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Security;

/// <summary>
/// Session lifetimes (docs/compatibility.md "Sessions"): a session idle longer than
/// <c>Fleep:Login:SessionLifetime</c> (1 day) ends; with <c>remember_me</c> the bound is
/// <c>RememberedSessionLifetime</c> (30 days), and only then the cookie carries a Max-Age.
/// </summary>
public sealed class RememberMeTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly TimeSpan ThirtyDays = TimeSpan.FromDays(30);

    [Fact]
    public async Task A_remembered_session_outlives_a_day_idle_and_ends_after_thirty()
    {
        using var account = await server.NewAccountAsync("remember");
        using var plain = server.NewClient();
        using var remembered = server.NewClient();
        var plainLogin = await LoginAsync(plain, account.Email, rememberMe: false);
        var rememberedLogin = await LoginAsync(remembered, account.Email, rememberMe: true);

        var plainCookie = plainLogin.Raw.Headers.GetValues("Set-Cookie").Single();
        var rememberedCookie = rememberedLogin.Raw.Headers.GetValues("Set-Cookie").Single();
        Assert.DoesNotContain("Max-Age", plainCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"Max-Age={(long)ThirtyDays.TotalSeconds}", rememberedCookie, StringComparison.OrdinalIgnoreCase);
        (await plain.PostAsync("/api/account/configure")).EnsureOk();
        (await remembered.PostAsync("/api/account/configure")).EnsureOk();

        // Idle a day and a minute: past the plain lifetime, well within the remembered one.
        server.Clock.Advance(Day + TimeSpan.FromMinutes(1));

        (await plain.PostAsync("/api/account/configure")).AssertError(401, "not_authenticated");
        (await remembered.PostAsync("/api/account/configure")).EnsureOk();

        // That call was a use: idle 29 days from it, the remembered session still works...
        server.Clock.Advance(ThirtyDays - Day);
        (await remembered.PostAsync("/api/account/configure")).EnsureOk();

        // ...and idle 30 days and a minute from the last use, it has ended too.
        server.Clock.Advance(ThirtyDays + TimeSpan.FromMinutes(1));
        (await remembered.PostAsync("/api/account/configure")).AssertError(401, "not_authenticated");

        // The account itself is fine: a new login works.
        using var again = server.NewClient();
        await LoginAsync(again, account.Email, rememberMe: false);
        (await again.PostAsync("/api/account/configure")).EnsureOk();
    }

    [Fact]
    public async Task A_plain_session_used_within_each_day_stays_alive()
    {
        using var client = await server.NewAccountAsync("daily");

        for (var day = 0; day < 3; day++)
        {
            server.Clock.Advance(Day - TimeSpan.FromMinutes(1));
            (await client.PostAsync("/api/account/configure")).EnsureOk();
        }

        server.Clock.Advance(Day + TimeSpan.FromMinutes(1));
        (await client.PostAsync("/api/account/configure")).AssertError(401, "not_authenticated");
    }

    private static async Task<FleepResponse> LoginAsync(FleepTestClient client, string email, bool rememberMe)
    {
        var response = (await client.PostAsync("/api/account/login", new { email, password = "correct horse", remember_me = rememberMe }, withTicket: false)).EnsureOk();
        var cookie = response.Raw.Headers.GetValues("Set-Cookie").First();
        client.Token = cookie[9..45];
        client.Ticket = response.Json.GetProperty("ticket").GetString();
        return response;
    }
}
