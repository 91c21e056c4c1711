using System.Buffers.Text;
using System.Security.Cryptography;
using FleepServer.Data;
using FleepServer.Http;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// The secret of a hook URL (<c>/hook/&lt;token&gt;</c>, peripheral spec §8.1). The token is
/// the first 128 bits of HMAC-SHA256(server hook key, hook id), written as 22 characters of
/// unpadded base64url like Fleep's. The database keeps only SHA-256(token), to find the hook a
/// post names; the owner's <c>hook_url</c> is derived again from the key, which lives outside
/// the database (<c>Fleep:Hooks:TokenKey</c> or its key file), so a copy of the database alone
/// does not give a working URL (docs/hooks.md).
/// </summary>
public sealed class HookTokens
{
    public const int TokenLength = 22;
    private readonly byte[] key;
    private readonly string? configuredUrl;

    public HookTokens(IOptions<FleepOptions> options)
    {
        key = LoadKey(options.Value.Hooks);
        configuredUrl = string.IsNullOrWhiteSpace(options.Value.PublicUrl) ? null : options.Value.PublicUrl.TrimEnd('/');
    }

    public string TokenOf(Guid hookId)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, hookId.ToByteArray(bigEndian: true), mac);
        return Base64Url.EncodeToString(mac[..16]);
    }

    public static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token));

    /// <summary>A token of the shape this server hands out: 22 base64url characters.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: TokenLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// The hook's incoming URL: on the address of the current request (or <c>Fleep:PublicUrl</c>), or,
    /// outside a request, on the address the hook was created through.
    /// </summary>
    public string UrlOf(Hook hook, HttpContext? context) =>
        $"{(context is null ? configuredUrl ?? hook.BaseUrl : PublicUrl.Of(context))}/hook/{TokenOf(hook.Id)}";

    private static byte[] LoadKey(HookOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.TokenKey))
        {
            return Checked(Convert.FromBase64String(options.TokenKey.Trim()), "Fleep:Hooks:TokenKey");
        }

        var path = Path.GetFullPath(options.TokenKeyFile);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            try
            {
                // CreateNew: two processes starting at once agree on whichever file was written first.
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var file = new FileStream(path, create);
                using var writer = new StreamWriter(file);
                writer.Write(fresh);
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }

        return Checked(Convert.FromBase64String(File.ReadAllText(path).Trim()), path);
    }

    private static byte[] Checked(byte[] value, string source) =>
        value.Length >= 32 ? value : throw new InvalidOperationException($"The hook token key in {source} must be at least 32 bytes.");
}
