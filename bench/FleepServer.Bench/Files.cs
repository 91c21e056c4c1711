using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FleepServer.Bench;

/// <summary>
/// P14: a file through the API. One file of 100 MB (10 MB with --quick), random bytes, on the run's
/// own disk: uploaded with PUT api/file/upload (raw body, as the iOS library sends it), attached to
/// a message, and downloaded from its file_url with the session cookie, in MB/s. Baselines in the
/// same run, on the same disk: <c>cp</c> of the file, and raw Kestrel receiving the same bytes into
/// a file (PUT /upload) and serving that file (GET /download). Each repetition measures the
/// baselines right before the server.
/// </summary>
public sealed partial class BenchRun
{
    private long FileBytes => quick ? 10_000_000 : 100_000_000;

    private async Task FilesAsync(AppProcess server)
    {
        var kestrel = baselineProcess ?? throw new InvalidOperationException("P14 needs the Kestrel baseline");
        var source = Path.Combine(work, "p14-source.bin");
        await WriteRandomFileAsync(source, FileBytes);
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { Timeout = TimeSpan.FromMinutes(5) };
        using var load = new LoadClient();
        var calls = new FleepCalls(load);
        const string email = "p14@example.org";
        await calls.RegisterAsync(server.BaseAddress, email);
        var (_, session) = await calls.LoginAsync(server.BaseAddress, email);
        if (session is null)
        {
            throw new InvalidOperationException("P14: could not log in");
        }

        var (_, conversationId) = await calls.CreateConversationAsync(server.BaseAddress, session, "P14", []);
        var mb = FileBytes / 1_000_000.0;
        var cp = new List<double>();
        var kestrelUp = new List<double>();
        var kestrelDown = new List<double>();
        var fleepUp = new List<(double, int, int, CpuUse?)>();
        var fleepDown = new List<(double, int, int, CpuUse?)>();
        for (var r = 0; r < sizes.Repetitions; r++)
        {
            var copy = Path.Combine(work, $"p14-copy-{r}.bin");
            cp.Add(mb / await TimeAsync(async () =>
            {
                using var process = Process.Start("cp", [source, copy]);
                await process.WaitForExitAsync();
                return process.ExitCode == 0;
            }));
            File.Delete(copy);

            kestrelUp.Add(mb / await TimeAsync(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(kestrel.BaseAddress, $"/upload/p14-{r}.bin")) { Content = FileContent(source, "p14.bin") };
                using var response = await http.SendAsync(request);
                return response.IsSuccessStatusCode;
            }));
            kestrelDown.Add(mb / await TimeAsync(() => DownloadAsync(http, new Uri(kestrel.BaseAddress, $"/download/p14-{r}.bin"), null)));

            string? uploadUrl = null;
            var upload = await TimeAsync(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Put,
                    new Uri(server.BaseAddress, $"/api/file/upload?ticket={Uri.EscapeDataString(session.Ticket)}")) { Content = FileContent(source, $"p14-{r}.bin") };
                request.Headers.TryAddWithoutValidation("Cookie", $"token_id={session.Token}");
                using var response = await http.SendAsync(request);
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }

                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                uploadUrl = json.RootElement.GetProperty("files")[0].GetProperty("upload_url").GetString();
                return true;
            });
            fleepUp.Add((mb / upload, double.IsNaN(upload) ? 1 : 0, 0, null));

            var fileUrl = await AttachAsync(load, server.BaseAddress, session, conversationId!.Value, uploadUrl!);
            var download = await TimeAsync(() => DownloadAsync(http, new Uri(server.BaseAddress, fileUrl), session.Token));
            fleepDown.Add((mb / download, double.IsNaN(download) ? 1 : 0, 0, null));
        }

        var sizeNote = $"{mb:0} MB file of random bytes";
        report.Add(new BaselineFigure("cp", Stats.Median(cp), cp, $"MB/s, {sizeNote}", null));
        report.Add(new BaselineFigure("kestrel upload", Stats.Median(kestrelUp), kestrelUp, $"MB/s, PUT into a file, {sizeNote}", null));
        report.Add(new BaselineFigure("kestrel download", Stats.Median(kestrelDown), kestrelDown, $"MB/s, GET of a file, {sizeNote}", null));
        foreach (var (name, value) in new[] { ("raw Kestrel PUT into a file", "kestrel upload"), ("cp", "cp") })
        {
            Add(new Metric
            {
                Id = "P14", What = $"upload MB/s, PUT api/file/upload of a {mb:0} MB file", Baseline = name, BaselineValue = report.BaselineValue(value),
                Note = "the server also hashes the bytes (SHA-256) and reads their type; one client",
            }, fleepUp);
        }

        foreach (var (name, value) in new[] { ("raw Kestrel GET of a file", "kestrel download"), ("cp", "cp") })
        {
            Add(new Metric
            {
                Id = "P14", What = $"download MB/s, GET of its file_url ({mb:0} MB)", Baseline = name, BaselineValue = report.BaselineValue(value),
                Note = "cookie-authenticated, the attachment found through its message; one client",
            }, fleepDown);
        }
    }

    /// <summary>Seconds <paramref name="transfer"/> took; NaN when it failed.</summary>
    private static async Task<double> TimeAsync(Func<Task<bool>> transfer)
    {
        var watch = Stopwatch.StartNew();
        var ok = await transfer();
        return ok ? watch.Elapsed.TotalSeconds : double.NaN;
    }

    private static StreamContent FileContent(string path, string name)
    {
        var content = new StreamContent(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.TryAddWithoutValidation("Content-Disposition", $"attachment; filename=\"{name}\"");
        return content;
    }

    private static async Task<bool> DownloadAsync(HttpClient http, Uri url, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", $"token_id={token}");
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        await using var body = await response.Content.ReadAsStreamAsync();
        await body.CopyToAsync(Stream.Null);
        return true;
    }

    /// <summary>Sends a message with the upload attached; answers the attachment's file_url.</summary>
    private static async Task<string> AttachAsync(LoadClient client, Uri server, Session session, Guid conversationId, string uploadUrl)
    {
        var answer = await client.PostAsync(new Uri(server, $"/api/message/send/{conversationId}"),
            session.Body($"\"message\":\"P14\",\"attachments\":[{JsonSerializer.Serialize(uploadUrl)}]"), session.Token);
        if (!answer.Ok)
        {
            throw new InvalidOperationException($"P14: message/send with the attachment failed: {answer.Status}");
        }

        using var json = answer.Json();
        foreach (var record in json.RootElement.GetProperty("stream").EnumerateArray())
        {
            if (record.GetProperty("mk_rec_type").ValueEquals("file"))
            {
                return record.GetProperty("file_url").GetString()!;
            }
        }

        throw new InvalidOperationException("P14: the sent message has no file record");
    }

    private static async Task WriteRandomFileAsync(string path, long size)
    {
        var buffer = new byte[1 << 20];
        await using var file = File.Create(path);
        for (long written = 0; written < size; written += buffer.Length)
        {
            Random.Shared.NextBytes(buffer);
            await file.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - written)));
        }
    }
}
