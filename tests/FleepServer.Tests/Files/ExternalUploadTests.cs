using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FleepServer.Tests.Files;

/// <summary>
/// A server that may fetch from the test's own file source on 127.0.0.1, with a 1 MiB upload cap,
/// a 1 s idle timeout, two attempts per upload and short real delays between them.
/// </summary>
public class ExternalUploadFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    public const long Cap = 1 << 20;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Files:MaxUploadBytes"] = Cap.ToString(),
        ["Fleep:Files:External:AllowPrivateAddresses"] = "true",
        ["Fleep:Files:External:IdleTimeout"] = "00:00:01",
        ["Fleep:Files:External:Timeout"] = "00:00:10",
        ["Fleep:Files:External:MaxAttempts"] = "2",
        ["Fleep:Files:External:BaseDelay"] = "00:00:00.050",
        ["Fleep:Files:External:MaxDelay"] = "00:00:00.200",
        ["Fleep:Files:External:SweepInterval"] = "00:00:00.100",
    };
}

/// <summary>The production address rule: no loopback, private or link-local sources.</summary>
public sealed class PublicSourcesOnlyFixture(PostgresServer postgres) : ExternalUploadFixture(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Files:External:AllowPrivateAddresses"] = "false",
    };
}

/// <summary>This server queues but does not fetch: only peers started by the test do.</summary>
public sealed class QueueOnlyFixture(PostgresServer postgres) : ExternalUploadFixture(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Files:External:Enabled"] = "false",
    };
}

/// <summary>
/// A real HTTP file source on 127.0.0.1: <c>/files/{name}</c> serves bytes the test put there (with
/// their length); <c>/missing</c> answers 404; <c>/endless</c> streams bytes without a length and
/// without end; <c>/hang</c> never answers; <c>/flaky/{name}</c> answers 503 the first time, then
/// the file; <c>/hang-once/{name}</c> never answers the first time (<see cref="Hanging"/> completes
/// then), then serves the file; <c>/redirect/{name}</c> redirects to the file. Every request is
/// counted per path.
/// </summary>
public sealed class FileSource : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, byte[]> files = new();

    private FileSource(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;
    public ConcurrentDictionary<string, int> Hits { get; } = new();

    /// <summary>Completes when a request to <c>/hang-once/…</c> is being held.</summary>
    public TaskCompletionSource Hanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FileSource> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var source = new FileSource(builder.Build());
        source.app.Use(async (context, next) =>
        {
            source.Hits.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, n) => n + 1);
            await next(context);
        });
        source.app.MapGet("/files/{name}", (string name) => source.Serve(name));
        source.app.MapGet("/missing", () => Results.NotFound());
        source.app.MapGet("/flaky/{name}", (string name, HttpContext context) =>
            source.Hits[context.Request.Path.Value!] == 1 ? Results.StatusCode(503) : source.Serve(name));
        source.app.MapGet("/redirect/{name}", (string name) => Results.Redirect($"/files/{name}"));
        source.app.MapGet("/endless", async (HttpContext context) =>
        {
            var chunk = new byte[64 * 1024];
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        source.app.MapGet("/hang-once/{name}", async (string name, HttpContext context) =>
        {
            if (source.Hits[context.Request.Path.Value!] > 1)
            {
                return source.Serve(name);
            }

            source.Hanging.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
            return Results.Empty;
        });
        source.app.MapGet("/hang", async (HttpContext context) => await Task.Delay(Timeout.Infinite, context.RequestAborted));
        await source.app.StartAsync();
        source.BaseAddress = new Uri(source.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return source;
    }

    /// <summary>Puts a file at <c>/files/{name}</c> and answers its URL.</summary>
    public string Put(string name, byte[] content)
    {
        files[name] = content;
        return Url($"/files/{name}");
    }

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    private IResult Serve(string name) =>
        files.TryGetValue(name, out var content) ? Results.Bytes(content, "application/octet-stream") : Results.NotFound();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(new CancellationToken(canceled: true));
        await app.DisposeAsync();
    }
}

public static class ExternalUploadSteps
{
    /// <summary>POSTs api/file/upload/external.</summary>
    public static Task<FleepResponse> UploadExternalAsync(this FleepTestClient client, object body) =>
        client.PostAsync("/api/file/upload/external", body);

    /// <summary>
    /// Polls the caller's stream (long-polling, so it wakes when records commit) until the upload
    /// with <paramref name="requestId"/> ended; answers all its upload records, in stream order.
    /// Fails after 60 s.
    /// </summary>
    public static async Task<List<JsonElement>> UploadRecordsAsync(this FleepTestClient client, long horizon, Guid requestId)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var records = new List<JsonElement>();
        while (true)
        {
            var response = (await client.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = true }, ct: bound.Token)).EnsureOk();
            horizon = response.Horizon();
            records.AddRange(response.Stream().Where(r => r.Str("mk_rec_type") == "upload" && r.GetProperty("request_id").GetGuid() == requestId));
            if (records.Any(r => r.Str("status") is "success" or "failure"))
            {
                return records;
            }
        }
    }

    /// <summary>Queues an upload of <paramref name="url"/> and answers its records once it ended.</summary>
    public static async Task<List<JsonElement>> UploadExternalToEndAsync(this FleepTestClient client, string url, string name = "file.bin")
    {
        var horizon = await client.HorizonAsync();
        var requestId = (await client.UploadExternalAsync(new { file_url = url, file_name = name })).EnsureOk().Json.GetProperty("request_id").GetGuid();
        return await client.UploadRecordsAsync(horizon, requestId);
    }

    /// <summary>The one final record (success or failure), after exactly one pending record.</summary>
    public static JsonElement Final(List<JsonElement> records)
    {
        Assert.Equal(2, records.Count);
        Assert.Equal("pending", records[0].Str("status"));
        return records[1];
    }

    public static byte[] Content(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}

/// <summary>External uploads: <c>api/file/upload/external</c> and the upload_external events, fetched from a real local source.</summary>
public sealed class ExternalUploadTests(ExternalUploadFixture server) : IClassFixture<ExternalUploadFixture>
{
    [Fact]
    public async Task An_external_file_arrives_as_pending_then_success_and_attaches_like_an_upload()
    {
        await using var source = await FileSource.StartAsync();
        var pdf = (byte[])[.. "%PDF-1.4\n"u8, .. ExternalUploadSteps.Content(300_000, 1)];
        var url = source.Put("report.pdf", pdf);
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var conv = await alice.CreateConversationAsync("external", bob);
        var horizon = await alice.HorizonAsync();

        var answer = (await alice.UploadExternalAsync(new
        {
            file_url = url, file_name = "report.pdf", file_size = pdf.Length, file_origin = "Dropbox", conversation_id = conv, upload_id = "client-1",
        })).EnsureOk();
        var requestId = answer.Json.GetProperty("request_id").GetGuid();
        Assert.Equal(["request_id"], answer.Json.EnumerateObject().Select(p => p.Name).ToList());

        var records = await alice.UploadRecordsAsync(horizon, requestId);
        var success = ExternalUploadSteps.Final(records);
        var pending = records[0];
        Assert.Equal(0, pending.GetProperty("progress").GetInt32());
        Assert.Equal("client-1", pending.Str("upload_id"));
        Assert.Equal(conv, pending.GetProperty("conversation_id").GetGuid());
        Assert.Equal("report.pdf", pending.Str("name"));
        Assert.Equal("", pending.Str("error"));

        Assert.Equal("success", success.Str("status"));
        Assert.Equal(100, success.GetProperty("progress").GetInt32());
        Assert.Equal("", success.Str("error"));
        Assert.Equal("client-1", success.Str("upload_id"));
        Assert.Equal(conv, success.GetProperty("conversation_id").GetGuid());
        Assert.Equal("report.pdf", success.Str("name"));
        Assert.Equal(pdf.Length, success.Long("size"));
        Assert.Equal("application/pdf", success.Str("file_type"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), success.Str("file_sha256"));
        Assert.StartsWith("/upload/", success.Str("upload_url"));

        var sent = (await alice.SendAsync(conv, "from dropbox", new { attachments = new[] { success.Str("upload_url") } })).EnsureOk();
        var file = Assert.Single(sent.Files());
        Assert.Equal("report.pdf", file.Str("file_name"));
        Assert.Equal(alice.AccountId, file.GetProperty("account_id").GetGuid());
        using var download = await bob.GetFileAsync(file.Str("file_url"));
        Assert.Equal(200, (int)download.StatusCode);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());

        await using var db = server.OpenDb();
        Assert.False(await db.ExternalUploads.AnyAsync(u => u.Id == requestId));
    }

    [Fact]
    public async Task A_redirect_is_followed()
    {
        await using var source = await FileSource.StartAsync();
        var content = ExternalUploadSteps.Content(10_000, 2);
        source.Put("moved.bin", content);
        using var alice = await server.NewAccountAsync("alice");

        var success = ExternalUploadSteps.Final(await alice.UploadExternalToEndAsync(source.Url("/redirect/moved.bin"), "moved.bin"));

        Assert.Equal("success", success.Str("status"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), success.Str("file_sha256"));
    }

    [Fact]
    public async Task A_source_that_answers_404_ends_in_failure_after_one_try()
    {
        await using var source = await FileSource.StartAsync();
        using var alice = await server.NewAccountAsync("alice");

        var failure = ExternalUploadSteps.Final(await alice.UploadExternalToEndAsync(source.Url("/missing")));

        Assert.Equal("failure", failure.Str("status"));
        Assert.Contains("404", failure.Str("error"));
        Assert.False(failure.Has("upload_url"));
        Assert.Equal(1, source.Hits["/missing"]);
    }

    [Fact]
    public async Task A_source_over_the_cap_ends_in_failure_and_leaves_no_file()
    {
        await using var source = await FileSource.StartAsync();
        var url = source.Put("big.bin", new byte[ExternalUploadFixture.Cap + 1]);
        using var alice = await server.NewAccountAsync("alice");

        var declared = ExternalUploadSteps.Final(await alice.UploadExternalToEndAsync(url));
        var streamed = ExternalUploadSteps.Final(await alice.UploadExternalToEndAsync(source.Url("/endless")));

        Assert.Equal("failure", declared.Str("status"));
        Assert.Contains("larger than", declared.Str("error"));
        Assert.Equal("failure", streamed.Str("status"));
        Assert.Contains("larger than", streamed.Str("error"));
        Assert.Equal(1, source.Hits["/endless"]);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.FilesDirectory, "tmp")));
    }

    [Fact]
    public async Task A_source_that_never_answers_times_out_and_fails_after_its_attempts()
    {
        await using var source = await FileSource.StartAsync();
        using var alice = await server.NewAccountAsync("alice");

        var failure = ExternalUploadSteps.Final(await alice.UploadExternalToEndAsync(source.Url("/hang")));

        Assert.Equal("failure", failure.Str("status"));
        Assert.Contains("timed out", failure.Str("error"));
        Assert.Equal(2, source.Hits["/hang"]);
    }

    [Fact]
    public async Task A_source_that_fails_once_is_retried_and_succeeds()
    {
        await using var source = await FileSource.StartAsync();
        var content = ExternalUploadSteps.Content(5_000, 3);
        source.Put("flaky.bin", content);
        using var alice = await server.NewAccountAsync("alice");

        var success = ExternalUploadSteps.Final(await alice.UploadExternalToEndAsync(source.Url("/flaky/flaky.bin")));

        Assert.Equal("success", success.Str("status"));
        Assert.Equal(content.Length, success.Long("size"));
        Assert.Equal(2, source.Hits["/flaky/flaky.bin"]);
    }

    [Theory]
    [InlineData("ftp://example.org/file.bin")]
    [InlineData("/files/relative.bin")]
    [InlineData("file:///etc/passwd")]
    [InlineData("not a url")]
    public async Task A_url_that_is_not_absolute_http_is_refused_at_once(string url)
    {
        using var alice = await server.NewAccountAsync("alice");
        var horizon = await alice.HorizonAsync();

        var refused = (await alice.UploadExternalAsync(new { file_url = url, file_name = "x.bin" })).AssertError(400, "invalid_param");

        Assert.Contains("file_url", refused.Json.Str("error_message"));
        Assert.DoesNotContain((await alice.PollSinceAsync(horizon)), r => r.Str("mk_rec_type") == "upload");
    }

    [Fact]
    public async Task Missing_url_over_sized_declaration_and_foreign_conversation_are_refused()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var eve = await server.NewAccountAsync("eve");
        var conv = await alice.CreateConversationAsync("private");

        (await alice.UploadExternalAsync(new { file_name = "x.bin" })).AssertError(400);
        (await alice.UploadExternalAsync(new { file_url = "http://example.org/x", file_size = ExternalUploadFixture.Cap + 1 })).AssertError(413, "file_too_large");
        (await eve.UploadExternalAsync(new { file_url = "http://example.org/x", conversation_id = conv })).AssertError(430, "not_found");
    }

    [Fact]
    public async Task Concurrent_external_uploads_all_complete()
    {
        await using var source = await FileSource.StartAsync();
        var contents = Enumerable.Range(0, 8).Select(i => ExternalUploadSteps.Content(20_000 + i, 100 + i)).ToList();
        var clients = new List<FleepTestClient>();
        for (var i = 0; i < 4; i++)
        {
            clients.Add(await server.NewAccountAsync($"user{i}"));
        }

        try
        {
            var results = await Task.WhenAll(contents.Select((content, i) =>
                clients[i % clients.Count].UploadExternalToEndAsync(source.Put($"c{i}.bin", content), $"c{i}.bin")));

            Assert.Equal(8, results.Length);
            for (var i = 0; i < results.Length; i++)
            {
                var success = Assert.Single(results[i], r => r.Str("status") != "pending");
                Assert.Equal("success", success.Str("status"));
                Assert.Equal($"c{i}.bin", success.Str("name"));
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(contents[i])), success.Str("file_sha256"));
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task The_upload_external_events_queue_uploads_too()
    {
        await using var source = await FileSource.StartAsync();
        var content = ExternalUploadSteps.Content(4_000, 4);
        var url = source.Put("event.bin", content);
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("events");
        var horizon = await alice.HorizonAsync();

        var inConv = (await alice.EventAsync("urn:fleep:client:conv:upload_external",
            new { conversation_id = conv, file_url = url, file_name = "event.bin", upload_id = "e1" })).EnsureApplied();
        var inAccount = (await alice.EventAsync("urn:fleep:client:account:upload_external",
            new { file_url = url, file_name = "private.bin" })).EnsureApplied();

        var convPending = Assert.Single(inConv.OfType("upload"));
        Assert.Equal("pending", convPending.Str("status"));
        Assert.Equal(conv, convPending.GetProperty("conversation_id").GetGuid());
        Assert.Equal(conv, inConv.Identifier.GetProperty("conversation_id").GetGuid());
        var accountPending = Assert.Single(inAccount.OfType("upload"));
        Assert.Equal(JsonValueKind.Null, accountPending.GetProperty("conversation_id").ValueKind);
        Assert.Equal(alice.AccountId, inAccount.Identifier.GetProperty("account_id").GetGuid());

        var convDone = await alice.UploadRecordsAsync(horizon, convPending.GetProperty("request_id").GetGuid());
        var accountDone = await alice.UploadRecordsAsync(horizon, accountPending.GetProperty("request_id").GetGuid());
        Assert.Equal("success", ExternalUploadSteps.Final(convDone).Str("status"));
        Assert.Equal("e1", ExternalUploadSteps.Final(convDone).Str("upload_id"));
        Assert.Equal("private.bin", ExternalUploadSteps.Final(accountDone).Str("name"));
        Assert.Equal("success", ExternalUploadSteps.Final(accountDone).Str("status"));

        var refused = await alice.EventAsync("urn:fleep:client:conv:upload_external", new { conversation_id = conv, file_url = "ftp://example.org/x", file_name = "x" });
        refused.AssertRefused(400, "invalid_param");
    }
}

/// <summary>The production rule: sources on loopback, private and link-local addresses are refused, as a failure record.</summary>
public sealed class ExternalUploadAddressTests(PublicSourcesOnlyFixture server) : IClassFixture<PublicSourcesOnlyFixture>
{
    [Theory]
    [InlineData("http://127.0.0.1:{port}/files/secret.bin")]
    [InlineData("http://localhost:{port}/files/secret.bin")]
    [InlineData("http://10.0.0.1/secret.bin")]
    [InlineData("http://192.168.1.1/secret.bin")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:{port}/files/secret.bin")]
    public async Task A_source_on_an_internal_address_is_refused_without_a_request(string template)
    {
        await using var source = await FileSource.StartAsync();
        source.Put("secret.bin", "secret"u8.ToArray());
        using var alice = await server.NewAccountAsync("alice");

        var failure = ExternalUploadSteps.Final(await alice.UploadExternalToEndAsync(template.Replace("{port}", source.BaseAddress.Port.ToString())));

        Assert.Equal("failure", failure.Str("status"));
        Assert.Contains("not allowed", failure.Str("error"));
        Assert.Empty(source.Hits);
    }
}

/// <summary>The queue is durable: an upload accepted by a process that does not fetch is fetched by another one.</summary>
public sealed class ExternalUploadQueueTests(QueueOnlyFixture server) : IClassFixture<QueueOnlyFixture>
{
    [Fact]
    public async Task An_upload_queued_by_one_process_is_fetched_by_another()
    {
        await using var source = await FileSource.StartAsync();
        var content = ExternalUploadSteps.Content(50_000, 5);
        var url = source.Put("later.bin", content);
        using var alice = await server.NewAccountAsync("alice");
        var horizon = await alice.HorizonAsync();
        var requestId = (await alice.UploadExternalAsync(new { file_url = url, file_name = "later.bin" })).EnsureOk().Json.GetProperty("request_id").GetGuid();

        await using (var db = server.OpenDb())
        {
            var queued = await db.ExternalUploads.SingleAsync(u => u.Id == requestId);
            Assert.Equal(url, queued.FileUrl);
            Assert.Equal(0, queued.Attempts);
        }

        var peer = await server.StartPeerAsync(new Dictionary<string, string?> { ["Fleep:Files:External:Enabled"] = "true" });
        try
        {
            var success = ExternalUploadSteps.Final(await alice.UploadRecordsAsync(horizon, requestId));
            Assert.Equal("success", success.Str("status"));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), success.Str("file_sha256"));
        }
        finally
        {
            await server.StopPeerAsync(peer.Services);
        }
    }

    [Fact]
    public async Task A_fetch_cut_short_by_a_stop_is_handed_back_and_done_after_the_restart()
    {
        await using var source = await FileSource.StartAsync();
        var content = ExternalUploadSteps.Content(30_000, 6);
        source.Put("restart.bin", content);
        using var alice = await server.NewAccountAsync("alice");
        var horizon = await alice.HorizonAsync();
        var requestId = (await alice.UploadExternalAsync(new { file_url = source.Url("/hang-once/restart.bin"), file_name = "restart.bin" }))
            .EnsureOk().Json.GetProperty("request_id").GetGuid();

        // The first process takes the upload and waits for the source (a minute) when it is stopped.
        var first = await server.StartPeerAsync(new Dictionary<string, string?>
        {
            ["Fleep:Files:External:Enabled"] = "true",
            ["Fleep:Files:External:IdleTimeout"] = "00:01:00",
        });
        await source.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await server.StopPeerAsync(first.Services);

        await using (var db = server.OpenDb())
        {
            var queued = await db.ExternalUploads.SingleAsync(u => u.Id == requestId);
            Assert.Equal(0, queued.Attempts);
            Assert.True(await db.ExternalUploads.AnyAsync(u => u.Id == requestId && u.NextAttemptTime <= DateTimeOffset.UtcNow.AddSeconds(5)),
                "the stopped process handed the upload back instead of holding its lease");
        }

        var second = await server.StartPeerAsync(new Dictionary<string, string?> { ["Fleep:Files:External:Enabled"] = "true" });
        try
        {
            var records = await alice.UploadRecordsAsync(horizon, requestId);
            var success = ExternalUploadSteps.Final(records);
            Assert.Equal("success", success.Str("status"));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), success.Str("file_sha256"));
            Assert.Equal(2, source.Hits["/hang-once/restart.bin"]);
        }
        finally
        {
            await server.StopPeerAsync(second.Services);
        }
    }
}
