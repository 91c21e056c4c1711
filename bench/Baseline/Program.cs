using System.Collections.Concurrent;
using System.Text.Json;

// Raw Kestrel: what the hardware and ASP.NET Core give before any Fleep code runs.
//   GET  /plaintext        a constant string
//   POST /json             parses the JSON body and sends it back (the shape of a Fleep call)
//   POST /park/{key}       parks until /signal/{key} (or 10 minutes), then answers the signalled
//                          numbers; numbers signalled while nobody waits are kept for the next park
//   POST /signal/{key}?seq wakes every request parked on key with seq
//   PUT  /upload/{name}    writes the body into a file of the --files folder (P14's baseline)
//   GET  /download/{name}  serves that file
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
// The server's one Kestrel change from the defaults (Fleep:Limits:MaxBodyBytes).
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 2 * 1024 * 1024);
var app = builder.Build();
var keys = new ConcurrentDictionary<string, Parking>();
var files = Directory.CreateDirectory(builder.Configuration["files"] ?? Path.Combine(Path.GetTempPath(), $"fleep-baseline-{Environment.ProcessId}")).FullName;

app.MapPut("/upload/{name}", async (string name, HttpContext context, CancellationToken ct) =>
{
    // As the server does for uploads: no body cap for this request.
    if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
    {
        size.MaxRequestBodySize = null;
    }

    await using var file = new FileStream(Path.Combine(files, Path.GetFileName(name)), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16,
        FileOptions.Asynchronous | FileOptions.SequentialScan);
    await context.Request.Body.CopyToAsync(file, ct);
    return Results.Json(new { size = file.Length });
});

app.MapGet("/download/{name}", (string name) =>
    Results.File(Path.Combine(files, Path.GetFileName(name)), "application/octet-stream", enableRangeProcessing: true));

app.MapGet("/plaintext", () => Results.Text("Hello, World!"));

app.MapPost("/json", async (HttpRequest request, CancellationToken ct) =>
{
    using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
    // The answer is written after this handler returns, so it must not point into the disposed document.
    return Results.Json(body.RootElement.Clone());
});

app.MapPost("/park/{key}", async (string key, CancellationToken ct) =>
{
    var parking = keys.GetOrAdd(key, _ => new Parking());
    var waiter = parking.Park();
    var numbers = await waiter.WaitAsync(TimeSpan.FromMinutes(10), ct);
    return Results.Json(new { seqs = numbers });
});

app.MapPost("/signal/{key}", (string key, long seq) =>
{
    keys.GetOrAdd(key, _ => new Parking()).Signal(seq);
    return Results.Json(new { ok = true });
});

app.Run();

/// <summary>Waiters of one key, and numbers signalled while none waited.</summary>
internal sealed class Parking
{
    private readonly Lock gate = new();
    private readonly List<TaskCompletionSource<long[]>> waiters = [];
    private readonly List<long> pending = [];

    public Task<long[]> Park()
    {
        lock (gate)
        {
            if (pending.Count > 0)
            {
                var ready = pending.ToArray();
                pending.Clear();
                return Task.FromResult(ready);
            }

            var waiter = new TaskCompletionSource<long[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add(waiter);
            return waiter.Task;
        }
    }

    public void Signal(long seq)
    {
        TaskCompletionSource<long[]>[] woken;
        lock (gate)
        {
            if (waiters.Count == 0)
            {
                pending.Add(seq);
                return;
            }

            woken = [.. waiters];
            waiters.Clear();
        }

        foreach (var waiter in woken)
        {
            waiter.TrySetResult([seq]);
        }
    }
}
