using System.Text.Json;
using FleepServer.Data;
using FleepServer.Http;

namespace FleepServer.Records;

/// <summary>
/// A contact's <c>avatar_urls</c>: a JSON object encoded in a string, as Fleep sends it,
/// <c>{"size_50": url, "size_100": url, "size_200": url, "size_575": url}</c> with one entry per
/// size made of the account's avatar (docs/files.md, "Avatars"); <c>"{}"</c> without an avatar.
/// </summary>
public static class AvatarUrls
{
    public const string None = "{}";

    public static string Of(Account account)
    {
        if (account.Avatar is not { ThumbSizes.Count: > 0 } avatar)
        {
            return None;
        }

        var urls = new Dictionary<string, string>();
        foreach (var size in avatar.ThumbSizes.Order())
        {
            urls[$"size_{size}"] = FileUrls.Avatar(account.Id, avatar.FileSha256, size);
        }

        return JsonSerializer.Serialize(urls);
    }
}
