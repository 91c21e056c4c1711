using FleepServer.Errors;
using SkiaSharp;

namespace FleepServer.Domain.Files;

/// <summary>
/// Reads an image's header: dimensions, whether it is animated and its EXIF orientation. Only the
/// header is read, so a huge image costs nothing here; one over the pixel limit is refused before
/// anything decodes it (docs/files.md, "Images").
/// </summary>
public static class ImageProbe
{
    public sealed record Shape(int Width, int Height, bool IsAnimated, int Orientation);

    public static Shape Read(string path, long maxPixels)
    {
        using var codec = SKCodec.Create(path, out var result);
        if (codec is null || result != SKCodecResult.Success)
        {
            throw FleepErrors.InvalidImage("the image cannot be read");
        }

        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw FleepErrors.InvalidImage("the image has no pixels");
        }

        if ((long)info.Width * info.Height > maxPixels)
        {
            throw FleepErrors.InvalidImage($"the image has more than {maxPixels} pixels");
        }

        return new Shape(info.Width, info.Height, codec.FrameCount > 1, (int)codec.EncodedOrigin);
    }
}
