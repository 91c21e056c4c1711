using System.Security.Cryptography;
using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;

namespace FleepServer.Tests.Files;

/// <summary>
/// Thumbnails of uploaded images: the sizes made (50 and 100 always, 575 and 700 for a large
/// enough image, each fitted inside NN×NN without enlarging), PNG, upright by the EXIF
/// orientation, made once per content; and the images refused before or while decoding.
/// </summary>
public sealed class ThumbnailTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task A_large_image_gets_all_four_thumbnails_fitted_inside_their_square()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var conv = await alice.CreateConversationAsync("pictures", bob);
        var image = TestImages.Make(1200, 800);

        var file = await SendImageAsync(alice, conv, "large.png", image);
        Assert.Equal("image/png", file.Str("file_type"));
        Assert.Equal(1200, file.Long("width"));
        Assert.Equal(800, file.Long("height"));
        Assert.False(file.GetProperty("is_animated").GetBoolean());
        Assert.Equal(1, file.Long("orientation"));

        // 1200×800 fitted inside NN×NN: the width becomes NN, the height NN·800/1200 rounded.
        var expected = new Dictionary<int, (int, int)> { [50] = (50, 33), [100] = (100, 67), [575] = (575, 383), [700] = (700, 467) };
        Assert.Equal(4, expected.Count);
        foreach (var (size, dimensions) in expected)
        {
            var url = file.Str($"thumb_url_{size}");
            Assert.EndsWith($"/thumb{size}", url);
            var png = await GetPngAsync(bob, url);
            Assert.Equal(dimensions, TestImages.PngSize(png));
        }
    }

    [Fact]
    public async Task A_small_image_gets_only_the_50_and_100_thumbnails_and_is_never_enlarged()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("small");

        var file = await SendImageAsync(alice, conv, "small.png", TestImages.Make(90, 60));
        Assert.False(HasValue(file, "thumb_url_575"));
        Assert.False(HasValue(file, "thumb_url_700"));
        Assert.Equal((50, 33), TestImages.PngSize(await GetPngAsync(alice, file.Str("thumb_url_50"))));
        // 90×60 already fits inside 100×100: kept at its size.
        Assert.Equal((90, 60), TestImages.PngSize(await GetPngAsync(alice, file.Str("thumb_url_100"))));

        using var missing = await alice.GetFileAsync(file.Str("thumb_url_100").Replace("thumb100", "thumb575"));
        Assert.Equal(404, (int)missing.StatusCode);
    }

    [Fact]
    public async Task A_jpeg_turned_by_its_exif_orientation_gets_upright_thumbnails()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("rotated");
        // Stored 300×200, its top-left quarter red, the rest blue; EXIF orientation 6: shown turned a
        // quarter clockwise, 200×300, so the red quarter is seen at the top right.
        var stored = TestImages.Make(300, 200, SKEncodedImageFormat.Jpeg, SKColors.Blue,
            canvas => canvas.DrawRect(SKRect.Create(0, 0, 150, 100), new SKPaint { Color = SKColors.Red }));
        var jpeg = TestImages.WithExifOrientation(stored, 6);

        var file = await SendImageAsync(alice, conv, "photo.jpg", jpeg);
        Assert.Equal("image/jpeg", file.Str("file_type"));
        Assert.Equal(6, file.Long("orientation"));
        // width and height stay those of the stored image.
        Assert.Equal(300, file.Long("width"));
        Assert.Equal(200, file.Long("height"));

        var thumb = await GetPngAsync(alice, file.Str("thumb_url_100"));
        // Upright 200×300 fitted inside 100×100: 67×100, portrait.
        Assert.Equal((67, 100), TestImages.PngSize(thumb));
        Assert.True(TestImages.IsRed(TestImages.Pixel(thumb, 60, 10)), $"top right is {TestImages.Pixel(thumb, 60, 10)}");
        Assert.True(TestImages.IsBlue(TestImages.Pixel(thumb, 5, 10)), $"top left is {TestImages.Pixel(thumb, 5, 10)}");
        Assert.True(TestImages.IsBlue(TestImages.Pixel(thumb, 60, 90)), $"bottom right is {TestImages.Pixel(thumb, 60, 90)}");
    }

    [Fact]
    public async Task An_animated_gif_is_animated_and_its_thumbnail_is_its_first_frame()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("animated");
        var gif = TestImages.AnimatedGif();

        var uploaded = await alice.UploadFileAsync("blink.gif", gif);
        Assert.Equal("image/gif", uploaded.Str("file_type"));
        Assert.True(uploaded.GetProperty("is_animated").GetBoolean());

        var file = await SendImageAsync(alice, conv, "blink.gif", gif);
        Assert.True(file.GetProperty("is_animated").GetBoolean());
        var thumb = await GetPngAsync(alice, file.Str("thumb_url_50"));
        Assert.Equal((1, 1), TestImages.PngSize(thumb));
        // The first frame is black.
        Assert.Equal(SKColors.Black, TestImages.Pixel(thumb, 0, 0));
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_and_leaves_nothing()
    {
        using var alice = await server.NewAccountAsync("alice");
        var bomb = TestImages.PngBomb(20_000, 20_000);
        Assert.True(bomb.Length < 10_000, $"the bomb is {bomb.Length} bytes");

        var refused = await alice.UploadAsync("bomb.png", bomb);
        refused.AssertError(400, "invalid_image");
        await AssertNothingKeptAsync(alice, bomb);
        await AssertStillServingAsync(alice);
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("png")]
    public async Task A_truncated_image_is_refused_and_leaves_nothing(string format)
    {
        using var alice = await server.NewAccountAsync("alice");
        var whole = TestImages.Noise(400, 300, format == "jpeg" ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png);
        var truncated = whole[..(whole.Length * 6 / 10)];

        var refused = await alice.UploadAsync($"cut.{format}", truncated, UploadEncoding.PutAttachment);
        refused.AssertError(400, "invalid_image");
        await AssertNothingKeptAsync(alice, truncated);
        await AssertStillServingAsync(alice);
    }

    [Fact]
    public async Task An_image_that_takes_longer_than_the_decode_timeout_is_refused()
    {
        var peer = await server.StartPeerAsync(new Dictionary<string, string?> { ["Fleep:Files:ImageDecodeTimeout"] = "00:00:00.0000001" });
        try
        {
            using var alice = await server.NewAccountAsync("alice");
            using var aliceOnPeer = new FleepTestClient(peer.BaseAddress);
            await aliceOnPeer.LoginAsync(alice.Email, "correct horse");
            var image = TestImages.Noise(1500, 1000, SKEncodedImageFormat.Png, seed: 7);

            var refused = await aliceOnPeer.UploadAsync("slow.png", image);
            refused.AssertError(400, "invalid_image");
            await AssertNothingKeptAsync(alice, image);
            // The server with the ordinary limit takes it.
            await AssertStillServingAsync(alice);
        }
        finally
        {
            await server.StopPeerAsync(peer.Services);
        }
    }

    [Fact]
    public async Task The_same_bytes_uploaded_again_reuse_the_thumbnails_made_the_first_time()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("again");
        var image = TestImages.Make(640, 480, color: SKColors.OliveDrab);
        var sha = Convert.ToHexStringLower(SHA256.HashData(image));
        var first = await SendImageAsync(alice, conv, "first.png", image);
        await GetPngAsync(alice, first.Str("thumb_url_50"));

        // Put a different picture where the 50 thumbnail is kept: if the second upload made it
        // again, the picture would be replaced.
        var kept = Path.Combine(server.FilesDirectory, "derived", "thumb", sha[..2], sha, "50.png");
        Assert.True(File.Exists(kept), $"no thumbnail at {kept}");
        var marker = TestImages.Make(7, 7, color: SKColors.Magenta);
        await File.WriteAllBytesAsync(kept, marker, TestContext.Current.CancellationToken);

        var second = await SendImageAsync(alice, conv, "second.png", image);
        Assert.Equal(marker, await GetPngAsync(alice, second.Str("thumb_url_50")));
    }

    [Fact]
    public async Task Concurrent_uploads_of_one_image_all_get_its_thumbnails()
    {
        const int uploaders = 4;
        var clients = new List<FleepTestClient>();
        for (var i = 0; i < uploaders; i++)
        {
            clients.Add(await server.NewAccountAsync($"uploader{i}"));
        }

        try
        {
            var image = TestImages.Noise(900, 700, SKEncodedImageFormat.Png, seed: 42);
            var answers = await ConcurrentCalls.RunAsync(clients.Select(c => (Func<Task<FleepResponse>>)(() => c.UploadAsync("same.png", image))));
            Assert.True(answers.All(a => a.StatusCode == 200), server.Explain(answers));
            Assert.Equal(uploaders, answers.Length);
            for (var i = 0; i < uploaders; i++)
            {
                var conv = await clients[i].CreateConversationAsync($"mine {i}");
                var uploaded = Assert.Single(answers[i].Json.GetProperty("files").EnumerateArray().ToList());
                var sent = (await clients[i].SendAsync(conv, "same", new { attachments = new[] { uploaded.Str("upload_url") } })).EnsureOk();
                var file = Assert.Single(sent.Files());
                // 900×700 fitted inside 700×700: 700×544 (700·700/900 = 544.4).
                Assert.Equal((700, 544), TestImages.PngSize(await GetPngAsync(clients[i], file.Str("thumb_url_700"))));
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    /// <summary>Uploads the image, sends it in a message and returns its file record.</summary>
    private static async Task<JsonElement> SendImageAsync(FleepTestClient client, Guid conv, string name, byte[] image)
    {
        var url = await client.UploadUrlAsync(name, image);
        var sent = (await client.SendAsync(conv, name, new { attachments = new[] { url } })).EnsureOk();
        return Assert.Single(sent.Files());
    }

    /// <summary>GETs a thumbnail with the session cookie: 200, image/png, nosniff, and PNG bytes.</summary>
    private static async Task<byte[]> GetPngAsync(FleepTestClient client, string url)
    {
        using var response = await client.GetFileAsync(url);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(TestImages.IsPng(bytes), "not a PNG");
        return bytes;
    }

    private static bool HasValue(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>No upload row of the account, no content, no thumbnail and no temporary file of the refused bytes.</summary>
    private async Task AssertNothingKeptAsync(FleepTestClient client, byte[] refused)
    {
        await using (var db = server.OpenDb())
        {
            Assert.Equal(0, await db.Uploads.CountAsync(u => u.AccountId == client.AccountId, TestContext.Current.CancellationToken));
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(refused));
        Assert.False(File.Exists(Path.Combine(server.FilesDirectory, "content", sha[..2], sha)));
        Assert.False(Directory.Exists(Path.Combine(server.FilesDirectory, "derived", "thumb", sha[..2], sha)));
        Assert.Empty(Directory.GetFiles(Path.Combine(server.FilesDirectory, "tmp")));
    }

    /// <summary>The server still takes an image and a message after the refusal.</summary>
    private static async Task AssertStillServingAsync(FleepTestClient client)
    {
        var conv = await client.CreateConversationAsync("after");
        var file = await SendImageAsync(client, conv, "fine.png", TestImages.Make(120, 120, color: SKColors.Gold));
        Assert.Equal(120, file.Long("width"));
        (await client.SendAsync(conv, "still here")).EnsureOk();
    }
}
