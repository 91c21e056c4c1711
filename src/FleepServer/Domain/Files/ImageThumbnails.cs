using FleepServer.Errors;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace FleepServer.Domain.Files;

/// <summary>
/// Which scaled copies an image gets (docs/files.md, "Images and thumbnails"). Each size NN is the
/// image fitted inside NN×NN, aspect ratio kept, never enlarged. The small sizes always exist; a
/// large one only when the image's larger side reaches it, so a large size is never just a copy of
/// a smaller image.
/// </summary>
public static class ImageSizes
{
    /// <summary>Attachment thumbnails (<c>thumb_url_NN</c>).</summary>
    public static readonly int[] Thumbnails = [50, 100, 575, 700];

    /// <summary>Avatar sizes (<c>avatar_urls</c>'s <c>size_NN</c>).</summary>
    public static readonly int[] Avatars = [50, 100, 200, 575];

    /// <summary>50 and 100 always; 575 and 700 when the larger side is at least that.</summary>
    public static List<int> ForThumbnails(int width, int height) => Thumbnails.Where(s => s <= 100 || Math.Max(width, height) >= s).ToList();

    /// <summary>50, 100 and 200 always; 575 when the larger side is at least 575.</summary>
    public static List<int> ForAvatar(int width, int height) => Avatars.Where(s => s <= 200 || Math.Max(width, height) >= s).ToList();

    /// <summary>
    /// The pixel size of the copy fitted inside <paramref name="box"/>×<paramref name="box"/> of an
    /// image that is <paramref name="width"/>×<paramref name="height"/> upright: the larger side
    /// becomes <paramref name="box"/> (or stays, when smaller), the other is rounded, at least 1.
    /// </summary>
    public static (int Width, int Height) Fit(int width, int height, int box)
    {
        var scale = Math.Min(1.0, (double)box / Math.Max(width, height));
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }
}

/// <summary>
/// Makes the PNG copies of an image (thumbnails, avatar sizes) and keeps them in the content store
/// as derived objects named after the content (<see cref="Thumbnails.ObjectName"/>), so the same
/// bytes uploaded again reuse them without decoding anything. Decoding is bounded three ways:
/// <list type="bullet">
/// <item>an image over <c>Fleep:Files:MaxImagePixels</c> was refused from its header
/// (<see cref="ImageProbe"/>) before it gets here; a JPEG is decoded at the smallest scale its
/// codec offers that still covers the largest copy;</item>
/// <item>at most one decode per processor runs at a time (the rest wait their turn off the request
/// threads), so a burst of large images cannot take all the memory;</item>
/// <item>a decode that takes longer than <c>Fleep:Files:ImageDecodeTimeout</c> refuses the upload
/// (it goes on in the background and holds its turn until done, so the bound stays true).</item>
/// </list>
/// A truncated or corrupt image (the codec does not answer a complete decode) is refused with
/// 400 invalid_image, and nothing is stored of it. Copies are upright: the EXIF orientation is
/// applied. An animated image's copies show its first frame.
/// </summary>
public sealed class ImageThumbnailer(IFileStore store, IOptions<FleepOptions> options, ILogger<ImageThumbnailer> logger)
{
    private readonly SemaphoreSlim gate = new(Environment.ProcessorCount);

    /// <summary>
    /// Makes sure the copies of the image at <paramref name="path"/> (content
    /// <paramref name="sha256"/>) exist in every size of <paramref name="sizes"/>; decodes only when
    /// one is missing. Throws 400 invalid_image for an image that cannot be decoded whole in time.
    /// </summary>
    public async Task EnsureAsync(string path, string sha256, IReadOnlyCollection<int> sizes, CancellationToken ct)
    {
        var missing = sizes.Where(size => !Exists(sha256, size)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        await gate.WaitAsync(ct);
        Task<List<(int Size, byte[] Png)>> work;
        try
        {
            work = Task.Run(() => Render(path, missing), CancellationToken.None);
        }
        catch
        {
            gate.Release();
            throw;
        }

        // The turn is given back when the decode really ends, even after the request gave up on it.
        _ = work.ContinueWith(done =>
        {
            _ = done.Exception;
            gate.Release();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        var timeout = options.Value.Files.ImageDecodeTimeout;
        List<(int Size, byte[] Png)> made;
        try
        {
            made = await work.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Decoding image {Sha256} took longer than {Timeout}; the upload is refused", sha256, timeout);
            throw FleepErrors.InvalidImage($"it takes longer than {timeout.TotalSeconds:0.###} s to decode");
        }

        foreach (var (size, png) in made)
        {
            await store.PutDerivedAsync(Thumbnails.ObjectName(sha256, size), png, ct);
        }
    }

    private bool Exists(string sha256, int size)
    {
        using var existing = store.OpenDerived(Thumbnails.ObjectName(sha256, size));
        return existing is not null;
    }

    /// <summary>Decodes the image (its first frame) once and draws every size from it, upright.</summary>
    private static List<(int Size, byte[] Png)> Render(string path, IReadOnlyList<int> sizes)
    {
        using var codec = SKCodec.Create(path, out var created);
        if (codec is null || created != SKCodecResult.Success)
        {
            throw FleepErrors.InvalidImage("the image cannot be read");
        }

        var width = codec.Info.Width;
        var height = codec.Info.Height;
        var origin = codec.EncodedOrigin;
        var largest = Math.Min(sizes.Max(), Math.Max(width, height));

        // A JPEG decodes at k/8 of its size for almost nothing; take the smallest scale that still
        // covers the largest copy. Other codecs answer their full size for every scale.
        var scaled = new SKSizeI(width, height);
        for (var eighths = 1; eighths < 8; eighths++)
        {
            var candidate = codec.GetScaledDimensions(eighths / 8f);
            if (candidate.Width > 0 && candidate.Height > 0 && Math.Max(candidate.Width, candidate.Height) >= largest)
            {
                scaled = candidate;
                break;
            }
        }

        var info = new SKImageInfo(scaled.Width, scaled.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var decoded = new SKBitmap();
        if (!decoded.TryAllocPixels(info))
        {
            throw FleepErrors.InvalidImage("there is no memory to decode it");
        }

        var result = codec.GetPixels(info, decoded.GetPixels());
        if (result != SKCodecResult.Success)
        {
            throw FleepErrors.InvalidImage(result switch
            {
                SKCodecResult.IncompleteInput => "the image is truncated",
                SKCodecResult.ErrorInInput or SKCodecResult.InvalidInput => "the image is corrupt",
                _ => $"the image cannot be decoded ({result})",
            });
        }

        using var pixels = decoded.PeekPixels();
        using var image = SKImage.FromPixels(pixels);
        var quarterTurn = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (uprightWidth, uprightHeight) = quarterTurn ? (height, width) : (width, height);
        var made = new List<(int, byte[])>(sizes.Count);
        foreach (var size in sizes)
        {
            var (w, h) = ImageSizes.Fit(uprightWidth, uprightHeight, size);
            made.Add((size, Draw(image, origin, w, h)));
        }

        return made;
    }

    /// <summary>Draws the stored image into a <paramref name="width"/>×<paramref name="height"/> PNG, turned upright.</summary>
    private static byte[] Draw(SKImage image, SKEncodedOrigin origin, int width, int height)
    {
        using var target = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(target))
        {
            canvas.Clear(SKColors.Transparent);
            // The stored image is drawn into a (dw × dh) rectangle, then turned: dw × dh is the copy's
            // size before the turn, which swaps the sides for a quarter turn.
            var (dw, dh) = origin >= SKEncodedOrigin.LeftTop ? ((float)height, (float)width) : ((float)width, (float)height);
            canvas.SetMatrix(Upright(origin, dw, dh));
            canvas.DrawImage(image, SKRect.Create(dw, dh), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        using var png = target.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>
    /// The transform taking a point of the stored image (drawn at <paramref name="dw"/>×<paramref name="dh"/>)
    /// to where it is seen upright, for each EXIF orientation.
    /// </summary>
    private static SKMatrix Upright(SKEncodedOrigin origin, float dw, float dh) => origin switch
    {
        // x' = scaleX·x + skewX·y + transX;  y' = skewY·x + scaleY·y + transY
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, dw, 0, 1, 0, 0, 0, 1), // mirrored
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, dw, 0, -1, dh, 0, 0, 1), // half turn
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, dh, 0, 0, 1), // upside down mirrored
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1), // transposed
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, dh, 1, 0, 0, 0, 0, 1), // a quarter turn clockwise
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, dh, -1, 0, dw, 0, 0, 1), // transverse
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, dw, 0, 0, 1), // a quarter turn counter-clockwise
        _ => SKMatrix.Identity,
    };
}

/// <summary>Names of the thumbnails the content store keeps for an image.</summary>
public static class Thumbnails
{
    public static string ObjectName(string fileSha256, int size) => $"thumb/{fileSha256[..2]}/{fileSha256}/{size}.png";
}
