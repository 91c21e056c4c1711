using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace FleepServer.Tests.Files;

/// <summary>Image fixtures made in the test (SkiaSharp encodes them; the odd ones are written byte by byte) and readers of what the server answers.</summary>
public static class TestImages
{
    public static readonly byte[] PngMagic = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A <paramref name="width"/>×<paramref name="height"/> image filled with <paramref name="color"/>, then painted by <paramref name="paint"/>.</summary>
    public static byte[] Make(int width, int height, SKEncodedImageFormat format = SKEncodedImageFormat.Png, SKColor? color = null,
        Action<SKCanvas>? paint = null)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(color ?? SKColors.SteelBlue);
            paint?.Invoke(canvas);
        }

        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>An image of random pixels: its data is spread over the whole file, so a cut anywhere loses pixels.</summary>
    public static byte[] Noise(int width, int height, SKEncodedImageFormat format, int seed = 1)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new byte[width * height * 4];
        random.NextBytes(pixels);
        for (var i = 3; i < pixels.Length; i += 4)
        {
            pixels[i] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>
    /// The JPEG with an APP1 EXIF segment saying <paramref name="orientation"/> inserted right after
    /// its SOI marker: a big-endian TIFF header and one IFD with the Orientation tag (0x0112, SHORT).
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        Assert.True(jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG");
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // header, first IFD at 8
            0x00, 0x01, // one entry
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, (byte)orientation, 0x00, 0x00, // Orientation, SHORT, 1, value
            0x00, 0x00, 0x00, 0x00, // no next IFD
        ];
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var length = payload.Length + 2;
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>
    /// A PNG whose header says <paramref name="width"/>×<paramref name="height"/> (8-bit greyscale)
    /// but whose data is a few hundred bytes of compressed zeros: a decompression bomb, tiny on the wire.
    /// </summary>
    public static byte[] PngBomb(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 0; // greyscale
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[64 * 1024]);
        }

        using var png = new MemoryStream();
        png.Write(PngMagic);
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A 1×1 GIF89a of two frames (black, then white), looping: an animated GIF written byte by byte.</summary>
    public static byte[] AnimatedGif()
    {
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange([0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00]); // 1×1, global colour table of 2 entries
        gif.AddRange([0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF]); // black, white
        gif.AddRange([0x21, 0xFF, 0x0B, .. "NETSCAPE2.0"u8.ToArray(), 0x03, 0x01, 0x00, 0x00, 0x00]); // loop for ever
        foreach (var data in (byte[][])[[0x44, 0x01], [0x4C, 0x01]])
        {
            gif.AddRange([0x21, 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00]); // 0.1 s per frame
            gif.AddRange([0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]); // the whole 1×1 screen
            // LZW, minimum code size 2: clear, colour index 0 (0x44 0x01) or 1 (0x4C 0x01), end.
            gif.AddRange([0x02, 0x02, .. data, 0x00]);
        }

        gif.Add(0x3B);
        return gif.ToArray();
    }

    public static bool IsPng(byte[] bytes) => bytes.AsSpan().StartsWith(PngMagic);

    /// <summary>A PNG's dimensions read from its IHDR chunk.</summary>
    public static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.True(IsPng(png), "not a PNG");
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>One pixel of an encoded image.</summary>
    public static SKColor Pixel(byte[] image, int x, int y)
    {
        using var bitmap = SKBitmap.Decode(image);
        Assert.NotNull(bitmap);
        return bitmap.GetPixel(x, y);
    }

    /// <summary>Mostly red (allowing for JPEG's blur).</summary>
    public static bool IsRed(SKColor c) => c.Red > 180 && c.Green < 90 && c.Blue < 90;

    /// <summary>Mostly blue.</summary>
    public static bool IsBlue(SKColor c) => c.Blue > 180 && c.Red < 90;

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, reflected, polynomial 0xEDB88320).</summary>
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return crc ^ 0xFFFFFFFFu;
    }
}
