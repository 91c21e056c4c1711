using System.Security.Cryptography;
using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;

namespace FleepServer.Tests.Files;

/// <summary>
/// api/avatar/upload and api/avatar/delete: the sizes made (50, 100, 200, and 575 for a large
/// enough image), the caller's contact in the answer and everyone else's poll, the public avatar
/// URLs, and refusals.
/// </summary>
public sealed class AvatarTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const string UploadPath = "/api/avatar/upload";

    [Theory]
    [InlineData(UploadEncoding.PutAttachment)]
    [InlineData(UploadEncoding.MultipartFiles)]
    [InlineData(UploadEncoding.PostMethodPut)]
    public async Task A_400_square_avatar_gets_three_sizes_seen_by_the_caller_and_a_co_member(UploadEncoding encoding)
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        await alice.CreateConversationAsync("together", bob);
        var bobHorizon = await bob.HorizonAsync();
        var image = TestImages.Make(400, 400, color: SKColors.Teal);

        var answer = (await alice.UploadAsync("avatar.png", image, encoding, UploadPath)).EnsureOk();
        var file = Assert.Single(answer.Json.GetProperty("files").EnumerateArray().ToList());
        Assert.Equal("avatar.png", file.Str("name"));
        Assert.Equal(image.Length, file.Long("size"));
        Assert.Equal("image/png", file.Str("file_type"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(image)), file.Str("file_sha256"));
        Assert.Equal(400, file.Long("width"));
        Assert.Equal(400, file.Long("height"));
        Assert.StartsWith("/upload/", file.Str("upload_url"));
        Assert.True(file.Has("file_id"));

        var own = Assert.Single(answer.Stream().ContactsAbout(alice.AccountId));
        var urls = AvatarUrls(own);
        Assert.Equal(["size_100", "size_200", "size_50"], urls.Keys.Order().ToList());

        var seen = Assert.Single((await bob.PollAfterAsync(bobHorizon)).Records.ContactsAbout(alice.AccountId));
        Assert.Equal(own.Str("avatar_urls"), seen.Str("avatar_urls"));

        // Square: each size is NN×NN; fetched without any session.
        using var anonymous = server.NewClient();
        foreach (var size in (int[])[50, 100, 200])
        {
            Assert.Equal((size, size), TestImages.PngSize(await GetAvatarAsync(anonymous, urls[$"size_{size}"])));
        }
    }

    [Fact]
    public async Task A_566_by_800_avatar_gets_four_sizes()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        await alice.CreateConversationAsync("together", bob);
        var bobHorizon = await bob.HorizonAsync();

        var answer = (await alice.UploadAsync("tall.jpg", TestImages.Make(566, 800, SKEncodedImageFormat.Jpeg), UploadEncoding.PutAttachment, UploadPath))
            .EnsureOk();
        var urls = AvatarUrls(Assert.Single(answer.Stream().ContactsAbout(alice.AccountId)));
        Assert.Equal(["size_100", "size_200", "size_50", "size_575"], urls.Keys.Order().ToList());
        var seen = Assert.Single((await bob.PollAfterAsync(bobHorizon)).Records.ContactsAbout(alice.AccountId));
        Assert.Equal(urls, AvatarUrls(seen));

        // 566×800 fitted inside NN×NN: the height becomes NN, the width NN·566/800 rounded.
        Assert.Equal((35, 50), TestImages.PngSize(await GetAvatarAsync(bob, urls["size_50"])));
        Assert.Equal((71, 100), TestImages.PngSize(await GetAvatarAsync(bob, urls["size_100"])));
        var (width200, height200) = TestImages.PngSize(await GetAvatarAsync(bob, urls["size_200"]));
        Assert.Equal(200, height200);
        Assert.InRange(width200, 141, 142); // 141.5
        Assert.Equal((407, 575), TestImages.PngSize(await GetAvatarAsync(bob, urls["size_575"])));
    }

    [Fact]
    public async Task Deleting_the_avatar_empties_avatar_urls_for_the_caller_and_a_co_member_and_its_urls_stop_answering()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        await alice.CreateConversationAsync("together", bob);
        var first = (await alice.UploadAsync("one.png", TestImages.Make(300, 300, color: SKColors.Red), UploadEncoding.PutAttachment, UploadPath))
            .EnsureOk();
        var firstUrls = AvatarUrls(Assert.Single(first.Stream().ContactsAbout(alice.AccountId)));

        // A new avatar replaces the old one: the old URLs are 404.
        var second = (await alice.UploadAsync("two.png", TestImages.Make(300, 300, color: SKColors.Green), UploadEncoding.PutAttachment, UploadPath))
            .EnsureOk();
        var secondUrls = AvatarUrls(Assert.Single(second.Stream().ContactsAbout(alice.AccountId)));
        Assert.NotEqual(firstUrls["size_50"], secondUrls["size_50"]);
        using (var stale = await bob.GetFileAsync(firstUrls["size_50"]))
        {
            Assert.Equal(404, (int)stale.StatusCode);
        }

        var bobHorizon = await bob.HorizonAsync();
        var deleted = (await alice.PostAsync("/api/avatar/delete")).EnsureOk();
        Assert.Equal("{}", Assert.Single(deleted.Stream().ContactsAbout(alice.AccountId)).Str("avatar_urls"));
        var seen = Assert.Single((await bob.PollAfterAsync(bobHorizon)).Records.ContactsAbout(alice.AccountId));
        Assert.Equal("{}", seen.Str("avatar_urls"));

        using var gone = await bob.GetFileAsync(secondUrls["size_100"]);
        Assert.Equal(404, (int)gone.StatusCode);
        var profile = (await alice.PostAsync("/api/account/sync")).EnsureOk();
        Assert.Equal("{}", profile.ContactIn("profiles", alice.AccountId).Str("avatar_urls"));
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_refused_and_changes_nothing()
    {
        using var alice = await server.NewAccountAsync("alice");

        var refused = await alice.UploadAsync("notes.txt", "just some text"u8.ToArray(), UploadEncoding.PutAttachment, UploadPath);
        refused.AssertError(400, "invalid_image");
        var truncated = TestImages.Noise(300, 300, SKEncodedImageFormat.Png, seed: 3);
        (await alice.UploadAsync("cut.png", truncated[..(truncated.Length / 2)], UploadEncoding.PutAttachment, UploadPath)).AssertError(400, "invalid_image");

        await using var db = server.OpenDb();
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == alice.AccountId, TestContext.Current.CancellationToken);
        Assert.Null(account.Avatar);
        Assert.Equal(0, await db.Uploads.CountAsync(u => u.AccountId == alice.AccountId, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Unknown_avatar_urls_are_404()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var anonymous = server.NewClient();
        foreach (var url in (string[])["/avatar/AAAAAAAAAAAAAAAAAAAAAA/0123456789abcdef/size_50.png", "/avatar/x/y/z", "/avatar/AAAAAAAAAAAAAAAAAAAAAA/0123456789abcdef/size_x.png"])
        {
            using var response = await anonymous.GetFileAsync(url);
            Assert.Equal(404, (int)response.StatusCode);
        }
    }

    [Fact]
    public async Task Several_accounts_uploading_avatars_at_once_each_get_their_own_seen_by_a_shared_co_member()
    {
        const int uploaders = 5;
        using var watcher = await server.NewAccountAsync("watcher");
        var clients = new List<FleepTestClient>();
        for (var i = 0; i < uploaders; i++)
        {
            clients.Add(await server.NewAccountAsync($"face{i}"));
        }

        try
        {
            await watcher.CreateConversationAsync("everyone", [.. clients]);
            var horizon = await watcher.HorizonAsync();
            var images = Enumerable.Range(0, uploaders).Select(i => TestImages.Noise(300 + i * 100, 300, SKEncodedImageFormat.Png, seed: i + 100)).ToList();
            var answers = await ConcurrentCalls.RunAsync(clients.Select((c, i) =>
                (Func<Task<FleepResponse>>)(() => c.UploadAsync($"face{i}.png", images[i], UploadEncoding.PutAttachment, UploadPath))));
            Assert.True(answers.All(a => a.StatusCode == 200), server.Explain(answers));

            var seen = await watcher.PollToEndAsync(horizon);
            for (var i = 0; i < uploaders; i++)
            {
                var sha = Convert.ToHexStringLower(SHA256.HashData(images[i]));
                var own = AvatarUrls(Assert.Single(answers[i].Stream().ContactsAbout(clients[i].AccountId)));
                Assert.Equal(300 + i * 100 >= 575 ? 4 : 3, own.Count);
                Assert.All(own.Values, url => Assert.Contains($"/{sha[..16]}/", url));
                var watched = Assert.Single(seen.ContactsAbout(clients[i].AccountId));
                Assert.Equal(own, AvatarUrls(watched));
                // (300 + 100·i)×300 fitted inside 50×50: 50 wide, 50·300/(300 + 100·i) high, rounded either way.
                var (width, height) = TestImages.PngSize(await GetAvatarAsync(watcher, own["size_50"]));
                Assert.Equal(50, width);
                Assert.InRange(height, 50 * 300 / (300 + i * 100), (50 * 300 + 299 + i * 100) / (300 + i * 100));
            }

            await using var db = server.OpenDb();
            var ids = clients.Select(c => c.AccountId).ToList();
            var avatars = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => a.Avatar).ToListAsync(TestContext.Current.CancellationToken);
            Assert.Equal(uploaders, avatars.Count(a => a != null));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    /// <summary>The decoded <c>avatar_urls</c> of a contact record (a JSON object in a string).</summary>
    private static Dictionary<string, string> AvatarUrls(JsonElement contact) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(contact.Str("avatar_urls"))!;

    private static async Task<byte[]> GetAvatarAsync(FleepTestClient client, string url)
    {
        Assert.StartsWith("/avatar/", url);
        using var response = await client.GetFileAsync(url);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("default-src 'none'", string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(TestImages.IsPng(bytes), "not a PNG");
        return bytes;
    }
}
