using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Api;

/// <summary>api/account register, login, logout and configure, as Fleep documented them.</summary>
public sealed class AccountApiTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Register_returns_the_active_account()
    {
        using var client = server.NewClient();
        var email = $"Mixed.Case.{Guid.NewGuid():N}@Example.org";

        var response = await client.RegisterAsync(email, "secret123", "Echo Bot");

        var json = response.Json;
        Assert.Equal("Echo Bot", json.GetProperty("display_name").GetString());
        Assert.Equal("active", json.GetProperty("mk_account_status").GetString());
        Assert.True(Guid.TryParse(json.GetProperty("account_id").GetString(), out _));
    }

    [Fact]
    public async Task Register_refuses_a_taken_address_in_any_letter_case()
    {
        using var client = server.NewClient();
        var email = $"taken.{Guid.NewGuid():N}@example.org";
        await client.RegisterAsync(email, "secret123", "First");

        var again = await client.PostAsync("/api/account/register",
            new { email = email.ToUpperInvariant(), password = "secret123", display_name = "Second" }, withTicket: false);

        again.AssertError(431, "email_taken");
    }

    [Fact]
    public async Task Login_sets_the_token_cookie_first_and_returns_ticket_and_profile()
    {
        using var client = server.NewClient();
        var email = $"bot.{Guid.NewGuid():N}@example.org";
        var registered = await client.RegisterAsync(email, "secret123", "Echo Bot");

        var response = await client.PostAsync("/api/account/login", new { email = email.ToUpperInvariant(), password = "secret123", remember_me = true }, withTicket: false);

        response.EnsureOk();
        Assert.Equal("application/json", response.Raw.Content.Headers.ContentType!.MediaType);
        var cookie = response.Raw.Headers.GetValues("Set-Cookie").First();
        // iOS FleepKit: value starts with token_id= and index 45 is ';'. FleepSharp: regex token_id=(.*?);
        Assert.StartsWith("token_id=", cookie);
        Assert.Equal(';', cookie[45]);
        Assert.True(Guid.TryParseExact(cookie[9..45], "D", out _));
        Assert.Contains("HttpOnly", cookie);
        Assert.Contains("Path=/", cookie);
        Assert.Contains("Max-Age=", cookie);
        Assert.Single(response.Raw.Headers.GetValues("Set-Cookie"));

        var json = response.Json;
        var accountId = registered.Json.GetProperty("account_id").GetString();
        Assert.Equal(accountId, json.GetProperty("account_id").GetString());
        Assert.Equal("Echo Bot", json.GetProperty("display_name").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("ticket").GetString()));
        var profile = Assert.Single(json.GetProperty("profiles").EnumerateArray().ToList());
        Assert.Equal("contact", profile.GetProperty("mk_rec_type").GetString());
        Assert.Equal(accountId, profile.GetProperty("account_id").GetString());
        Assert.Equal(email, profile.GetProperty("email").GetString());
        Assert.Equal("Echo Bot", profile.GetProperty("display_name").GetString());
        Assert.Equal("active", profile.GetProperty("mk_account_status").GetString());
        Assert.Equal("{}", profile.GetProperty("avatar_urls").GetString());
        Assert.StartsWith("bot", profile.GetProperty("fleep_address").GetString());
        Assert.StartsWith("bot.", profile.GetProperty("fleep_autogen").GetString());
        Assert.False(profile.GetProperty("is_full_privacy").GetBoolean());
        Assert.Equal(["emoticons_old", "send_email_on_enter", "show_onboarding"],
            profile.GetProperty("client_flags").EnumerateArray().Select(f => f.GetString()!).ToArray());
    }

    [Fact]
    public async Task Every_login_gets_a_fresh_token_and_ticket()
    {
        using var first = await server.NewAccountAsync("twice");
        using var second = server.NewClient();
        await second.LoginAsync(first.Email, "correct horse");

        Assert.NotEqual(first.Token, second.Token);
        Assert.NotEqual(first.Ticket, second.Ticket);
        (await first.PostAsync("/api/account/configure")).EnsureOk();
        (await second.PostAsync("/api/account/configure")).EnsureOk();
    }

    [Fact]
    public async Task Tokens_and_tickets_are_stored_only_as_hashes()
    {
        using var client = await server.NewAccountAsync();

        await using var db = server.OpenDb();
        var sessions = await db.Sessions.Where(s => s.AccountId == client.AccountId).ToListAsync();
        var session = Assert.Single(sessions);
        // The test hashes the secrets it was handed itself: SHA-256 of their UTF-8 text.
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(client.Token!)), session.TokenHash);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(client.Ticket!)), session.TicketHash);

        // And neither secret appears in clear anywhere in the session's row.
        var row = JsonSerializer.Serialize(session);
        Assert.Contains(client.AccountId.ToString(), row);
        Assert.DoesNotContain(client.Token!, row, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(client.Ticket!, row, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_address_get_the_same_431()
    {
        using var client = await server.NewAccountAsync();
        using var stranger = server.NewClient();

        var wrong = await stranger.PostAsync("/api/account/login", new { email = client.Email, password = "wrong password" }, withTicket: false);
        var unknown = await stranger.PostAsync("/api/account/login", new { email = $"nobody.{Guid.NewGuid():N}@example.org", password = "x" }, withTicket: false);

        wrong.AssertError(431, "incorrect_login");
        unknown.AssertError(431, "incorrect_login");
        Assert.Equal("Incorrect email or password", wrong.Json.GetProperty("error_message").GetString());
        Assert.Equal(wrong.Json.GetProperty("error_message").GetString(), unknown.Json.GetProperty("error_message").GetString());
        Assert.False(wrong.Raw.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Login_accepts_a_null_ticket_and_a_stale_cookie()
    {
        using var client = await server.NewAccountAsync();
        await client.PostAsync("/api/account/logout").ContinueWith(t => t.Result.EnsureOk());

        // fleepy sends "ticket": null; a dead cookie must not turn login into a 401.
        var response = await client.PostRawAsync("/api/account/login",
            JsonSerializer.Serialize(new { email = client.Email, password = "correct horse", ticket = (string?)null }),
            cookieHeader: $"token_id={client.Token}");

        response.EnsureOk();
    }

    [Fact]
    public async Task Logout_answers_empty_and_kills_the_session()
    {
        using var client = await server.NewAccountAsync();

        var logout = await client.PostAsync("/api/account/logout");
        logout.EnsureOk();
        Assert.Equal(JsonValueKind.Object, logout.Json.ValueKind);
        Assert.Empty(logout.Json.EnumerateObject());
        // The live server did not clear the cookie on logout.
        Assert.False(logout.Raw.Headers.Contains("Set-Cookie"));

        (await client.PostAsync("/api/account/configure")).AssertError(401, "not_authenticated");
        var again = await client.PostAsync("/api/account/logout");
        again.AssertError(401);
        Assert.Equal("Expired token, please relogin", again.Json.GetProperty("error_message").GetString());
    }

    [Fact]
    public async Task Logout_ends_only_its_own_session()
    {
        using var first = await server.NewAccountAsync();
        using var second = server.NewClient();
        await second.LoginAsync(first.Email, "correct horse");

        (await first.PostAsync("/api/account/logout")).EnsureOk();

        (await second.PostAsync("/api/account/configure")).EnsureOk();
    }

    [Fact]
    public async Task Configure_changes_settings_and_returns_the_owner_contact()
    {
        using var client = await server.NewAccountAsync();

        var response = await client.PostAsync("/api/account/configure", new
        {
            display_name = "New Name",
            phone_nr = "+3725551234",
            email_interval = "daily",
            is_full_privacy = true,
            is_newsletter_disabled = true,
            client_settings = "{\"theme\":\"dark\"}",
        });

        response.EnsureOk();
        var contact = Assert.Single(response.Json.GetProperty("stream").EnumerateArray().ToList());
        Assert.Equal("contact", contact.GetProperty("mk_rec_type").GetString());
        Assert.Equal(client.AccountId, contact.GetProperty("account_id").GetGuid());
        Assert.Equal("New Name", contact.GetProperty("display_name").GetString());
        Assert.Equal("+3725551234", contact.GetProperty("phone_nr").GetString());
        Assert.Equal("daily", contact.GetProperty("mk_email_interval").GetString());
        Assert.True(contact.GetProperty("is_full_privacy").GetBoolean());
        Assert.True(contact.GetProperty("is_newsletter_disabled").GetBoolean());
        Assert.Equal("{\"theme\":\"dark\"}", contact.GetProperty("client_settings").GetString());

        // Fields not sent stay as they were; null means "not given".
        var unchanged = await client.PostAsync("/api/account/configure", new { display_name = (string?)null, phone_nr = (string?)null });
        var after = unchanged.EnsureOk().Json.GetProperty("stream")[0];
        Assert.Equal("New Name", after.GetProperty("display_name").GetString());
        Assert.Equal("+3725551234", after.GetProperty("phone_nr").GetString());

        // A fresh login sees the same profile.
        using var again = server.NewClient();
        var login = await again.LoginAsync(client.Email, "correct horse");
        Assert.Equal("New Name", login.Json.GetProperty("display_name").GetString());
    }

    [Fact]
    public async Task Set_flag_adds_and_clears_a_client_flag()
    {
        using var client = await server.NewAccountAsync();

        var set = await client.PostAsync("/api/account/set_flag", new { client_flag = "seen_tour" });
        Assert.Contains("seen_tour", set.EnsureOk().Json.GetProperty("stream")[0].GetProperty("client_flags").EnumerateArray().Select(f => f.GetString()));

        var cleared = await client.PostAsync("/api/account/set_flag", new { client_flag = "seen_tour", bool_value = false });
        Assert.DoesNotContain("seen_tour", cleared.EnsureOk().Json.GetProperty("stream")[0].GetProperty("client_flags").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task Password_change_needs_the_old_password_and_ends_other_sessions()
    {
        using var client = await server.NewAccountAsync();
        using var otherDevice = server.NewClient();
        await otherDevice.LoginAsync(client.Email, "correct horse");

        (await client.PostAsync("/api/account/configure", new { password = "new password 1" }))
            .AssertError(400, "missing_param");
        (await client.PostAsync("/api/account/configure", new { old_password = "wrong", password = "new password 1" }))
            .AssertError(431, "incorrect_password");
        (await otherDevice.PostAsync("/api/account/configure")).EnsureOk();

        (await client.PostAsync("/api/account/configure", new { old_password = "correct horse", password = "new password 1" })).EnsureOk();

        (await client.PostAsync("/api/account/configure")).EnsureOk();
        (await otherDevice.PostAsync("/api/account/configure")).AssertError(401, "not_authenticated");
        using var fresh = server.NewClient();
        (await fresh.PostAsync("/api/account/login", new { email = client.Email, password = "correct horse" }, withTicket: false)).AssertError(431);
        await fresh.LoginAsync(client.Email, "new password 1");
    }
}
