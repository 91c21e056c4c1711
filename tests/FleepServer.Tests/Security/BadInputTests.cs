using System.Text;
using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Security;

/// <summary>
/// The bad-input matrix for register, login and configure: every kind of unusable input gets a 4xx
/// Fleep error (never a 500) and leaves the database exactly as it was.
/// </summary>
public sealed class BadInputTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const string Nul = "a\u0000b";

    /// <summary>One bad body: raw bytes so that invalid UTF-8 and broken JSON can be sent as they are.</summary>
    public sealed record BadInput(string Name, byte[] Body, int Status)
    {
        public static BadInput Json(string name, object body, int status = 400) => new(name, JsonSerializer.SerializeToUtf8Bytes(body), status);
        public static BadInput Raw(string name, string body, int status = 400) => new(name, Encoding.UTF8.GetBytes(body), status);
        public override string ToString() => Name;
    }

    /// <summary>Cases every endpoint shares: the body itself is unusable.</summary>
    private static IEnumerable<BadInput> BrokenBodies(string ticket) =>
    [
        BadInput.Raw("truncated JSON", $"{{\"ticket\":\"{ticket}\",\"email\":\"a"),
        BadInput.Raw("trailing garbage", $"{{\"ticket\":\"{ticket}\"}} x"),
        new("invalid UTF-8", [.. Encoding.UTF8.GetBytes($"{{\"ticket\":\"{ticket}\",\"display_name\":\""), 0xff, 0xfe, .. "\"}"u8.ToArray()], 400),
        BadInput.Raw("array body", "[]"),
        BadInput.Raw("string body", "\"hello\""),
        BadInput.Raw("null body", "null"),
        BadInput.Raw("deeply nested", new string('[', 100) + new string(']', 100)),
        new("body over the cap", Encoding.UTF8.GetBytes($"{{\"ticket\":\"{ticket}\",\"display_name\":\"{new string('x', 3 * 1024 * 1024)}\"}}"), 413),
    ];

    public static IEnumerable<BadInput> RegisterCases(string email) =>
        BrokenBodies("").Concat(
        [
            BadInput.Json("email missing", new { password = "secret123" }),
            BadInput.Json("email null", new { email = (string?)null, password = "secret123" }),
            BadInput.Json("email a number", new { email = 42, password = "secret123" }),
            BadInput.Json("email a list", new { email = new[] { email }, password = "secret123" }),
            BadInput.Json("email not an address", new { email = "not an address", password = "secret123" }),
            BadInput.Json("email over 1024", new { email = new string('a', 1020) + email, password = "secret123" }),
            BadInput.Json("email with NUL", new { email = email.Replace("@", Nul + "@"), password = "secret123" }),
            BadInput.Json("password missing", new { email }),
            BadInput.Json("password empty", new { email, password = "" }),
            BadInput.Json("password a bool", new { email, password = true }),
            BadInput.Json("password over 128", new { email, password = new string('p', 129) }),
            BadInput.Json("password too short", new { email, password = "short" }),
            BadInput.Json("display_name over 128", new { email, password = "secret123", display_name = new string('n', 129) }),
            BadInput.Json("display_name an object", new { email, password = "secret123", display_name = new { first = "x" } }),
            BadInput.Json("display_name with NUL", new { email, password = "secret123", display_name = Nul }),
        ]);

    [Fact]
    public async Task Register_refuses_bad_input_and_writes_nothing()
    {
        using var client = server.NewClient();
        var email = $"bad.{Guid.NewGuid():N}@example.org";
        var before = await CountAccountsAsync();

        foreach (var input in RegisterCases(email))
        {
            var response = await client.SendAsync(Post("/api/account/register", input.Body));
            Assert.True(response.StatusCode == input.Status, $"{input}: expected {input.Status}, got {response.StatusCode} {response.Json}");
            response.AssertError(input.Status);
        }

        Assert.Equal(before, await CountAccountsAsync());
        (await client.PostAsync("/api/account/register", new { email, password = "secret123", unknown_field = "ignored", api_version = 2 }, withTicket: false))
            .EnsureOk();
    }

    [Fact]
    public async Task Login_refuses_bad_input_without_hashing_or_opening_a_session()
    {
        using var account = await server.NewAccountAsync();
        using var client = server.NewClient();
        var sessionsBefore = await CountSessionsAsync(account.AccountId);
        var hashesBefore = server.Hasher.Verifications;
        BadInput[] cases =
        [
            .. BrokenBodies(""),
            BadInput.Json("email missing", new { password = "correct horse" }),
            BadInput.Json("email a number", new { email = 1, password = "correct horse" }),
            BadInput.Json("password null", new { email = account.Email, password = (string?)null }),
            BadInput.Json("password a list", new { email = account.Email, password = new[] { "correct horse" } }),
            BadInput.Json("password over 1024", new { email = account.Email, password = new string('p', 1025) }),
            BadInput.Json("password with NUL", new { email = account.Email, password = Nul }),
            BadInput.Json("remember_me not a boolean", new { email = account.Email, password = "correct horse", remember_me = "maybe" }),
            BadInput.Json("remember_me a number", new { email = account.Email, password = "correct horse", remember_me = 3 }),
        ];

        foreach (var input in cases)
        {
            var response = await client.SendAsync(Post("/api/account/login", input.Body));
            Assert.True(response.StatusCode == input.Status, $"{input}: expected {input.Status}, got {response.StatusCode} {response.Json}");
            response.AssertError(input.Status);
            Assert.False(response.Raw.Headers.Contains("Set-Cookie"), input.Name);
        }

        Assert.Equal(hashesBefore, server.Hasher.Verifications);
        Assert.Equal(sessionsBefore, await CountSessionsAsync(account.AccountId));
        // Lenient forms real clients send still work: "true" as a string, and unknown keys.
        (await client.PostAsync("/api/account/login",
            new { email = account.Email, password = "correct horse", remember_me = "true", api_version = 2, ticket = (string?)null }, withTicket: false))
            .EnsureOk();
    }

    [Fact]
    public async Task Configure_refuses_bad_input_and_changes_nothing()
    {
        using var client = await server.NewAccountAsync();
        var ticket = client.Ticket!;
        var before = await SnapshotAsync(client.AccountId);
        BadInput[] cases =
        [
            .. BrokenBodies(ticket),
            BadInput.Json("display_name a number", new { ticket, display_name = 5 }),
            BadInput.Json("display_name over 128", new { ticket, display_name = new string('n', 129) }),
            BadInput.Json("display_name with NUL", new { ticket, display_name = Nul }),
            BadInput.Json("display_name blank", new { ticket, display_name = "" }),
            BadInput.Json("phone_nr over 16", new { ticket, phone_nr = new string('1', 17) }),
            BadInput.Json("phone_nr a number", new { ticket, phone_nr = 5551234 }),
            BadInput.Json("email_interval outside its options", new { ticket, email_interval = "weekly" }),
            BadInput.Json("is_full_privacy not a boolean", new { ticket, is_full_privacy = "yes" }),
            BadInput.Json("is_full_privacy an object", new { ticket, is_full_privacy = new { } }),
            BadInput.Json("client_settings not JSON", new { ticket, client_settings = "{not json" }),
            BadInput.Json("client_settings over 1024", new { ticket, client_settings = $"\"{new string('s', 1030)}\"" }),
            BadInput.Json("fleep_address with spaces", new { ticket, fleep_address = "my address" }),
            BadInput.Json("primary_email not an address", new { ticket, primary_email = "nope" }),
            BadInput.Json("password without old_password", new { ticket, password = "new password 1" }),
            BadInput.Json("password over 128", new { ticket, old_password = "correct horse", password = new string('p', 129) }),
            BadInput.Json("a valid change next to a bad one", new { ticket, display_name = "Changed", phone_nr = new string('1', 17) }),
        ];

        foreach (var input in cases)
        {
            var response = await client.SendAsync(Post("/api/account/configure", input.Body));
            Assert.True(response.StatusCode == input.Status, $"{input}: expected {input.Status}, got {response.StatusCode} {response.Json}");
            response.AssertError(input.Status);
        }

        Assert.Equal(before, await SnapshotAsync(client.AccountId));
        (await client.PostAsync("/api/account/configure")).EnsureOk();
    }

    private static HttpRequestMessage Post(string path, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        // Lets the server refuse an over-large body from its Content-Length before the client sends it.
        request.Headers.ExpectContinue = true;
        return request;
    }

    private async Task<int> CountAccountsAsync()
    {
        await using var db = server.OpenDb();
        return await db.Accounts.CountAsync();
    }

    private async Task<int> CountSessionsAsync(Guid accountId)
    {
        await using var db = server.OpenDb();
        return await db.Sessions.CountAsync(s => s.AccountId == accountId);
    }

    /// <summary>The whole account row, serialized, so any changed column shows.</summary>
    private async Task<string> SnapshotAsync(Guid accountId)
    {
        await using var db = server.OpenDb();
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId);
        var sessions = await db.Sessions.AsNoTracking().Where(s => s.AccountId == accountId).Select(s => s.RevokedTime).ToListAsync();
        return JsonSerializer.Serialize(new { account, sessions });
    }
}
