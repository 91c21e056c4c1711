using System.Net;
using System.Net.Http.Headers;
using FleepServer.Data;
using FleepServer.Domain.Hooks;
using FleepServer.Errors;
using FleepServer.Records;
using FleepServer.Streams;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FleepServer.Domain.Files;

/// <summary>
/// One external upload's fetch (docs/files.md, "External uploads"), in three steps:
/// <list type="number">
/// <item>claim: one statement takes the oldest due row with <c>FOR UPDATE SKIP LOCKED</c>, counts
/// the attempt and pushes its due time past the longest fetch (a lease), then commits — so no other
/// process takes it meanwhile, no transaction stays open during the fetch, and a row whose fetcher
/// died becomes due again when the lease runs out;</item>
/// <item>fetch: GET with the outgoing-hook address rule checked on every connection (redirects
/// included), a total and an idle timeout, the body streamed into the store under the size cap,
/// its facts read by <see cref="FileFactsReader"/>;</item>
/// <item>finish, in one unit of work: the row deleted, and an <see cref="Upload"/> with the
/// <c>success</c> record, or the <c>failure</c> record; a transient failure with attempts left
/// instead puts the row back with a doubling delay and no record.</item>
/// </list>
/// </summary>
public sealed class ExternalFetch(
    FleepDbContext db, UnitOfWork unit, StreamAppender streams, IFileStore store, FileFactsReader factsReader,
    IHttpClientFactory httpClients, IOptions<FleepOptions> options, TimeProvider time, ILogger<ExternalFetch> logger)
{
    /// <summary>The named HTTP client of external uploads (<see cref="Handler"/>).</summary>
    public const string HttpClientName = "FleepServer.Files.External";

    private ExternalUploadOptions Settings => options.Value.Files.External;

    /// <summary>The HTTP client: no proxy, no cookies, at most 5 redirects, connections only to allowed addresses (<see cref="OutgoingAddresses"/>).</summary>
    public static SocketsHttpHandler Handler(ExternalUploadOptions options) => new()
    {
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 5,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = options.IdleTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        // Every connection, a redirect's too, goes to addresses the rule allows, checked when it is made (no DNS rebinding).
        ConnectCallback = (context, ct) => OutgoingAddresses.ConnectAsync(context.DnsEndPoint, options.AllowPrivateAddresses, ct),
    };

    /// <summary>Claims, fetches and finishes the oldest due upload; false when none was due (or all were held elsewhere).</summary>
    public async Task<bool> RunNextAsync(CancellationToken ct)
    {
        var item = await ClaimAsync(ct);
        if (item is null)
        {
            return false;
        }

        Outcome outcome;
        if (item.Attempts > Math.Max(1, Settings.MaxAttempts))
        {
            // Its fetchers kept stopping midway (the lease ran out each time): give up.
            outcome = Outcome.Failed($"gave up after {item.Attempts - 1} attempts: {item.LastError ?? "interrupted"}", transient: false);
        }
        else
        {
            try
            {
                outcome = await FetchAsync(item, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The process is stopping: hand the row back at once, this attempt uncounted.
                await ReleaseAsync(item.Id);
                throw;
            }
        }

        await FinishAsync(item, outcome, ct);
        return true;
    }

    private Task<ExternalUpload?> ClaimAsync(CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var lease = Settings.Timeout + TimeSpan.FromMinutes(1);
            var claimed = await db.ExternalUploads.FromSql($"""
                UPDATE external_uploads SET attempts = attempts + 1, next_attempt_time = clock_timestamp() + {lease}
                WHERE request_id = (
                    SELECT request_id FROM external_uploads
                    WHERE next_attempt_time <= clock_timestamp()
                    ORDER BY next_attempt_time, created_time
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED)
                RETURNING *
                """).AsNoTracking().ToListAsync(token);
            return claimed.SingleOrDefault();
        }, ct);

    private Task ReleaseAsync(Guid id) =>
        unit.RunAsync(token => db.Database.ExecuteSqlAsync(
            $"UPDATE external_uploads SET attempts = attempts - 1, next_attempt_time = clock_timestamp() WHERE request_id = {id}", token),
            CancellationToken.None);

    private async Task<Outcome> FetchAsync(ExternalUpload item, CancellationToken ct)
    {
        var cap = ExternalUploads.Cap(options.Value);
        var deadline = DateTime.UtcNow + Settings.Timeout;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Before each wait (the answer, every read): the idle timeout, never past the total one.
        void Arm()
        {
            var left = deadline - DateTime.UtcNow;
            timer.CancelAfter(left < Settings.IdleTimeout ? (left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)) : Settings.IdleTimeout);
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, item.FileUrl);
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("FleepServer-Files", "1.0"));
            Arm();
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timer.Token);
            var status = (int)response.StatusCode;
            if (status is < 200 or >= 300)
            {
                // The source said no: a client error is final, a server error (or 408/429) may pass.
                return Outcome.Failed($"the source answered HTTP {status}", transient: status is >= 500 or 408 or 429);
            }

            if (response.Content.Headers.ContentLength > cap)
            {
                return Outcome.Failed(TooLarge(cap), transient: false);
            }

            await using var body = new ArmedStream(await response.Content.ReadAsStreamAsync(timer.Token), Arm);
            var (staged, facts) = await factsReader.StageAsync(body, cap, timer.Token);
            using (staged)
            {
                store.Keep(staged);
                return Outcome.Fetched(facts);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Outcome.Failed("timed out fetching the file", transient: true);
        }
        catch (FleepException e) when (e.ErrorId == "file_too_large")
        {
            return Outcome.Failed(TooLarge(cap), transient: false);
        }
        catch (FleepException e)
        {
            // Content the server refuses (a broken or oversized image).
            return Outcome.Failed(e.ErrorMessage, transient: false);
        }
        catch (HttpRequestException e) when (!ct.IsCancellationRequested)
        {
            if (e.InnerException is AddressNotAllowedException)
            {
                return Outcome.Failed("the file's address is not allowed (a loopback, private or link-local address)", transient: false);
            }

            return e.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => Outcome.Failed("the file's host name was not found", transient: true),
                HttpRequestError.ConnectionError => Outcome.Failed("could not connect to the file's host", transient: true),
                HttpRequestError.SecureConnectionError => Outcome.Failed("TLS with the file's host failed", transient: true),
                _ when e.Message.Contains("redirect", StringComparison.OrdinalIgnoreCase) => Outcome.Failed("too many redirects", transient: false),
                _ => Outcome.Failed("the file could not be fetched", transient: true),
            };
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            return Outcome.Failed("the connection to the file's host was lost", transient: true);
        }
    }

    private static string TooLarge(long cap) => $"the file is larger than {cap} bytes";

    private Task FinishAsync(ExternalUpload item, Outcome outcome, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            if (outcome is { Facts: null, Transient: true } && item.Attempts < Settings.MaxAttempts)
            {
                var retryIn = Backoff(item.Attempts);
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE external_uploads SET last_error = {outcome.Error}, next_attempt_time = clock_timestamp() + {retryIn}
                    WHERE request_id = {item.Id}
                    """, token);
                logger.LogInformation("External upload {RequestId} failed ({Error:l}), attempt {Attempt}; retry in {RetryIn}",
                    item.Id, outcome.Error, item.Attempts, retryIn);
                return;
            }

            // Gone: finished by another fetcher whose lease this one outlived, or its account was deleted.
            if (await db.Database.ExecuteSqlAsync($"DELETE FROM external_uploads WHERE request_id = {item.Id}", token) == 0)
            {
                return;
            }

            UploadRecord record;
            if (outcome.Facts is { } facts)
            {
                var upload = new Upload
                {
                    Id = Guid.NewGuid(),
                    AccountId = item.AccountId,
                    FileName = item.FileName,
                    Facts = facts,
                    CreatedTime = time.GetUtcNow(),
                };
                db.Uploads.Add(upload);
                record = UploadRecord.Succeeded(item, upload);
            }
            else
            {
                logger.LogInformation("External upload {RequestId} failed for good: {Error:l}", item.Id, outcome.Error);
                record = UploadRecord.For(item, UploadRecord.Failure, outcome.Error!);
            }

            streams.Add([new StreamAppend(item.AccountId, record)]);
        }, ct);

    /// <summary>The delay before retry number <paramref name="failures"/>: doubling from BaseDelay up to MaxDelay, the second half of it at random.</summary>
    private TimeSpan Backoff(int failures)
    {
        var full = Math.Min(Settings.MaxDelay.TotalMilliseconds, Settings.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)));
        return TimeSpan.FromMilliseconds(full * (0.5 + Random.Shared.NextDouble() / 2));
    }

    private sealed record Outcome(FileFacts? Facts, string? Error, bool Transient)
    {
        public static Outcome Fetched(FileFacts facts) => new(facts, null, false);
        public static Outcome Failed(string error, bool transient) => new(null, error, transient);
    }

    /// <summary>A read-only stream that re-arms the idle timeout before every read.</summary>
    private sealed class ArmedStream(Stream inner, Action arm) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            arm();
            return inner.Read(buffer, offset, count);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            arm();
            return inner.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// Runs external uploads' fetches (docs/files.md, "External uploads"): wakes when a request of this
/// process queued one (<see cref="ExternalUploadSignal"/>), and every
/// <see cref="ExternalUploadOptions.SweepInterval"/> looks whether any row is due (uploads queued
/// elsewhere, retries, expired leases) with one query on its own pooled connection, not a database
/// context: an idle queue costs one small command per sweep and nothing in any request's
/// accounting. When there is work it keeps up to <see cref="ExternalUploadOptions.MaxConcurrency"/>
/// fetchers claiming rows until none is due. Any number of processes may run it on one database.
/// </summary>
public sealed class ExternalUploadWorker(
    IServiceProvider services, ExternalUploadSignal signal, IConfiguration configuration, IOptions<FleepOptions> options,
    ILogger<ExternalUploadWorker> logger) : BackgroundService
{
    private readonly List<Task> runners = [];

    private ExternalUploadOptions Settings => options.Value.Files.External;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Settings.Enabled)
        {
            return;
        }

        var woke = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                runners.RemoveAll(r => r.IsCompleted);
                if (woke || await AnyDueAsync(stoppingToken))
                {
                    while (runners.Count < Math.Max(1, Settings.MaxConcurrency))
                    {
                        runners.Add(RunAsync(stoppingToken));
                    }
                }

                woke = await signal.WaitAsync(Settings.SweepInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(runners).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task<bool> AnyDueAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(configuration.GetConnectionString("Fleep"));
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                "SELECT EXISTS (SELECT 1 FROM external_uploads WHERE next_attempt_time <= clock_timestamp())", connection);
            return (bool)(await command.ExecuteScalarAsync(ct))!;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The next sweep looks again; a failed look must not stop the server.
            logger.LogWarning(e, "Looking for external uploads failed");
            return false;
        }
    }

    /// <summary>One fetcher: claims and fetches until nothing is due.</summary>
    private async Task RunAsync(CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await using var scope = services.CreateAsyncScope();
                if (!await scope.ServiceProvider.GetRequiredService<ExternalFetch>().RunNextAsync(ct))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The row stays queued (its lease runs out); a failed fetcher must not stop the server.
            logger.LogWarning(e, "External upload fetch failed");
        }
    }
}
