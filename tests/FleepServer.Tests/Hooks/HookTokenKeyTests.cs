using FleepServer.Domain.Hooks;
using Microsoft.Extensions.Options;

namespace FleepServer.Tests.Hooks;

/// <summary>
/// Where the hook token key comes from (docs/hooks.md): <c>Fleep:Hooks:TokenKey</c>, else a key
/// file made on first start. Processes that start together on a fresh folder agree on one key.
/// </summary>
public sealed class HookTokenKeyTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fleep-hook-key-").FullName;

    [Fact]
    public void Servers_starting_together_on_a_fresh_folder_write_one_private_key_and_derive_the_same_urls()
    {
        var file = Path.Combine(folder, "secrets", "hook-token.key");
        var hookId = Guid.NewGuid();

        var tokens = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8).Select(_ => From(new HookOptions { TokenKeyFile = file }).TokenOf(hookId)).ToList();

        Assert.Equal(8, tokens.Count);
        Assert.Single(tokens.Distinct());
        Assert.Equal(HookTokens.TokenLength, tokens[0].Length);
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(file)).Length);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(file)!, "*.tmp"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        // A later start reads the same key; a configured key wins over the file.
        Assert.Equal(tokens[0], From(new HookOptions { TokenKeyFile = file }).TokenOf(hookId));
        var configured = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Assert.NotEqual(tokens[0], From(new HookOptions { TokenKey = configured, TokenKeyFile = file }).TokenOf(hookId));
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("c2hvcnQ=")]
    public void A_key_that_is_not_32_bytes_of_base64_stops_the_start_with_a_clear_message(string key)
    {
        var e = Assert.Throws<InvalidOperationException>(() => From(new HookOptions { TokenKey = key }));
        Assert.Contains("Fleep:Hooks:TokenKey", e.Message);
    }

    private static HookTokens From(HookOptions hooks) => new(Options.Create(new FleepOptions { Hooks = hooks }));

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
