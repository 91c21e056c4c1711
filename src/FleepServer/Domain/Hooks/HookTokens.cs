using System.Buffers.Text;
using System.Security.Cryptography;
using FleepServer.Data;
using FleepServer.Http;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// The secret of a hook URL (<c>/hook/&lt;token&gt;</c>; docs/hooks.md, "The hook and its URL").
/// The token is the first 128 bits of HMAC-SHA256(server hook key, hook id), written as 22
/// characters of unpadded base64url like Fleep's. The database keeps only SHA-256(token), to find
/// the hook a post names; the owner's <c>hook_url</c> is derived again from the key, which lives
/// outside the database (<c>Fleep:Hooks:TokenKey</c> or its key file), so a copy of the database
/// alone does not give a working URL (docs/hooks.md).
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
            return Decode(options.TokenKey, "Fleep:Hooks:TokenKey");
        }

        var path = Path.GetFullPath(options.TokenKeyFile);
        if (!File.Exists(path))
        {
            // Under an exclusive lock on a file beside it, so that processes starting at once on a
            // fresh folder agree on one key; written whole under another name and then moved into
            // place, so nobody reads a half-written key.
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var exclusive = Lock(path + ".lock");
            if (!File.Exists(path))
            {
                var written = $"{path}.{Guid.NewGuid():N}.tmp";
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var writer = new StreamWriter(new FileStream(written, create)))
                {
                    writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
                }

                File.Move(written, path);
            }
        }

        return Decode(File.ReadAllText(path), path);
    }

    /// <summary>Opens <paramref name="path"/> with no sharing (an exclusive lock, also between processes), waiting up to 10 s for it.</summary>
    private static FileStream Lock(string path)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < until)
            {
                Thread.Sleep(10);
            }
        }
    }

    private static byte[] Decode(string text, string source)
    {
        try
        {
            return Checked(Convert.FromBase64String(text.Trim()), source);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The hook token key in {source} is not base64 (e.g. the output of `openssl rand -base64 32`).");
        }
    }

    private static byte[] Checked(byte[] value, string source) =>
        value.Length >= 32 ? value : throw new InvalidOperationException($"The hook token key in {source} must be at least 32 bytes.");
}
