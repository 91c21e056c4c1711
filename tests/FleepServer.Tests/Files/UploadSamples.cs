using System.Security.Cryptography;
using FleepServer.Tests.Infrastructure;
using SkiaSharp;

namespace FleepServer.Tests.Files;

/// <summary>The kinds of file the upload and download tests send.</summary>
public enum SampleKind
{
    Jpeg,
    Png,
    Pdf,
    Text,
}

/// <summary>
/// Files to upload, with what Fleep answers for them: JPEG and PNG drawn with SkiaSharp, a small
/// PDF, and the 5-byte text file Fleep types as <c>application/octet-stream</c>.
/// </summary>
public static class UploadSamples
{
    public const int ImageWidth = 40;
    public const int ImageHeight = 30;

    public static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray();
    public static readonly byte[] Text = "hello"u8.ToArray();

    public static byte[] Jpeg(int width = ImageWidth, int height = ImageHeight) => Image(SKEncodedImageFormat.Jpeg, width, height);

    public static byte[] Png(int width = ImageWidth, int height = ImageHeight) => Image(SKEncodedImageFormat.Png, width, height);

    /// <summary>Some bytes no other test uploads: a PDF with a random comment.</summary>
    public static byte[] UniquePdf(int size = 2000)
    {
        var bytes = new byte[size];
        Pdf.CopyTo(bytes, 0);
        RandomNumberGenerator.Fill(bytes.AsSpan(Pdf.Length));
        return bytes;
    }

    public static (string Name, byte[] Content, string FileType) Of(SampleKind kind) => kind switch
    {
        SampleKind.Jpeg => ("photo.jpg", Jpeg(), "image/jpeg"),
        SampleKind.Png => ("drawing.png", Png(), "image/png"),
        SampleKind.Pdf => ("report.pdf", Pdf, "application/pdf"),
        SampleKind.Text => ("note.txt", Text, "application/octet-stream"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Attaches an upload to a new message of <paramref name="conversation"/> and returns its file record.</summary>
    public static async Task<System.Text.Json.JsonElement> AttachAsync(this FleepTestClient client, Guid conversation, string uploadUrl,
        string text = "a file")
    {
        var sent = (await client.SendAsync(conversation, text, new { attachments = new[] { uploadUrl } })).EnsureOk();
        return Assert.Single(sent.Files());
    }

    /// <summary>Uploads, attaches to a new message of <paramref name="conversation"/> and returns the file_url.</summary>
    public static async Task<string> PostFileAsync(this FleepTestClient client, Guid conversation, string name, byte[] content)
    {
        var url = await client.UploadUrlAsync(name, content);
        return (await client.AttachAsync(conversation, url)).Str("file_url");
    }

    private static byte[] Image(SKEncodedImageFormat format, int width, int height) =>
        TestImages.Make(width, height, format, SKColors.CornflowerBlue, canvas =>
        {
            using var paint = new SKPaint { Color = SKColors.OrangeRed };
            canvas.DrawRect(2, 2, width / 2f, height / 2f, paint);
        });
}
