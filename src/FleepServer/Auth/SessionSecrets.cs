using System.Security.Cryptography;
using System.Text;

namespace FleepServer.Auth;

/// <summary>
/// Makes and hashes the two secrets of a session. The token is 128 random bits written as UUID
/// text, because clients check that the <c>token_id</c> value is exactly 36 characters;
/// the ticket is 128 random bits in hex. Only SHA-256 hashes are stored:
/// both are long random values, so a slow hash would add nothing.
/// </summary>
public static class SessionSecrets
{
    public static string NewToken() => new Guid(RandomNumberGenerator.GetBytes(16)).ToString("D");

    public static string NewTicket() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string secret, byte[] hash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), hash);

    /// <summary>A token value has the shape we hand out: canonical UUID text.</summary>
    public static bool IsWellFormedToken(string? token) =>
        token is { Length: 36 } && Guid.TryParseExact(token, "D", out _);
}
