using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Files;

/// <summary>
/// A 1 GiB upload streams through the server: a separate server process (<c>--ephemeral</c>) takes
/// a 1 GiB PUT, generated on the fly by the test, with its peak resident memory (VmHWM in
/// /proc/&lt;pid&gt;/status) growing less than 50 MB over what a warm-up upload left. The file
/// lands in the process's own files folder, removed when it stops. Skipped when the temporary
/// folder has less than 3 GB free.
/// </summary>
[Collection(typeof(RunsAlone))]
public sealed class LargeUploadMemoryTests
{
    private const long Size = 1L << 30;
    private const long MaxGrowth = 50L * 1000 * 1000;

    [Fact]
    public async Task A_1_GiB_upload_grows_server_memory_by_less_than_50_MB()
    {
        var free = new DriveInfo(Path.GetTempPath()).AvailableFreeSpace;
        Assert.SkipWhen(free < 3_000_000_000L,
            $"Needs 3 GB free in {Path.GetTempPath()} for a 1 GiB upload and its temporary copy; {free / 1_000_000} MB free.");
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Reads the server's memory from /proc.");

        await using var server = await EphemeralProcess.StartAsync();
        using var client = new FleepTestClient(server.Url);
        await client.RegisterAsync("big@example.org", "correct horse", "Big");
        await client.LoginAsync("big@example.org", "correct horse");

        // Warm-up: the upload path, its buffers and the JIT are in place before the baseline.
        var warm = await PutAsync(client, "warm.bin", 64L << 20);
        Assert.Equal(64L << 20, warm.Long("size"));
        var before = Memory(server.ProcessId);

        var big = await PutAsync(client, "big.bin", Size);
        var after = Memory(server.ProcessId);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"VmHWM {before.Hwm / 1_000_000} → {after.Hwm / 1_000_000} MB, VmRSS {before.Rss / 1_000_000} → {after.Rss / 1_000_000} MB");
        Assert.Equal(Size, big.Long("size"));
        Assert.Equal(GeneratedContent.Sha256(Size), big.Str("file_sha256"));
        Assert.True(after.Hwm - before.Hwm < MaxGrowth,
            $"peak resident memory grew {(after.Hwm - before.Hwm) / 1_000_000} MB (VmHWM {before.Hwm / 1_000_000} → {after.Hwm / 1_000_000} MB, " +
            $"VmRSS {before.Rss / 1_000_000} → {after.Rss / 1_000_000} MB)");
    }

    private static async Task<System.Text.Json.JsonElement> PutAsync(FleepTestClient client, string name, long size)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/file/upload?ticket={Uri.EscapeDataString(client.Ticket!)}")
        {
            Content = new GeneratedContent(size),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Disposition", $"attachment; filename=\"{name}\"");
        var response = (await client.SendAsync(request)).EnsureOk();
        return Assert.Single(response.Json.GetProperty("files").EnumerateArray().ToList());
    }

    private static (long Hwm, long Rss) Memory(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/status");
        long Kb(string key) => long.Parse(lines.Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim().Split(' ')[0]) * 1024;
        return (Kb("VmHWM"), Kb("VmRSS"));
    }

    /// <summary>A body of <c>size</c> bytes made while it is sent (a repeating 1 MiB pattern), never held whole.</summary>
    private sealed class GeneratedContent : HttpContent
    {
        private static readonly byte[] Pattern = MakePattern();
        private readonly long size;

        public GeneratedContent(long size)
        {
            this.size = size;
            Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            Headers.ContentLength = size;
        }

        /// <summary>The SHA-256 of the first <paramref name="size"/> bytes of the pattern, in lower-case hex.</summary>
        public static string Sha256(long size)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            for (long sent = 0; sent < size; sent += Pattern.Length)
            {
                hash.AppendData(Pattern, 0, (int)Math.Min(Pattern.Length, size - sent));
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (long sent = 0; sent < size; sent += Pattern.Length)
            {
                await stream.WriteAsync(Pattern.AsMemory(0, (int)Math.Min(Pattern.Length, size - sent)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = size;
            return true;
        }

        private static byte[] MakePattern()
        {
            var pattern = new byte[1 << 20];
            new Random(1).NextBytes(pattern);
            return pattern;
        }
    }
}
