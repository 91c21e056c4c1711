using FleepServer.Data;
using FleepServer.Errors;
using FleepServer.Http;
using FleepServer.Records;
using FleepServer.Streams;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Files;

/// <summary>An external upload as asked for (<c>api/file/upload/external</c> or the <c>upload_external</c> events).</summary>
public sealed record QueueExternalUpload
{
    public required string? FileUrl { get; init; }
    public string? FileName { get; init; }
    public long? FileSize { get; init; }
    public string? FileOrigin { get; init; }
    public Guid? ConversationId { get; init; }
    public string? UploadId { get; init; }
}

/// <summary>
/// Accepts external uploads (docs/files.md, "External uploads"): checks the request, and in one
/// unit of work queues a row in <c>external_uploads</c> and appends the <c>pending</c>
/// <see cref="UploadRecord"/> to the caller's stream. The fetch happens later, in the background
/// (<see cref="ExternalFetch"/>); the queued row outlives a restart.
/// </summary>
public sealed class ExternalUploads(FleepDbContext db, UnitOfWork unit, StreamAppender streams, ExternalUploadSignal signal,
    IOptions<FleepOptions> options, TimeProvider time)
{
    /// <summary>The most any one external upload may bring, whatever Fleep:Files:MaxUploadBytes says (Fleep's own limit).</summary>
    public const long MaxBytes = 1L << 30;

    public const int MaxUrlLength = 2048;

    /// <summary>The largest file an external upload may fetch: Fleep:Files:MaxUploadBytes, at most 1 GiB.</summary>
    public static long Cap(FleepOptions options) => Math.Min(options.Files.MaxUploadBytes, MaxBytes);

    public async Task<UploadRecord> QueueAsync(Guid accountId, QueueExternalUpload request, CancellationToken ct)
    {
        var url = SourceUrl(request.FileUrl);
        if (request.FileSize is < 0)
        {
            throw FleepErrors.InvalidField("file_size", "a size in bytes, 0 when not known");
        }

        var cap = Cap(options.Value);
        if (request.FileSize > cap)
        {
            throw FleepErrors.FileTooLarge(cap);
        }

        if (request.ConversationId is { } conversationId
            && !await db.ConversationMembers.AnyAsync(m => m.ConversationId == conversationId && m.AccountId == accountId && !m.IsRemoved, ct))
        {
            throw FleepErrors.ConversationNotFound();
        }

        var name = UploadParts.CleanName(string.IsNullOrWhiteSpace(request.FileName) ? NameOf(url) : request.FileName);
        var now = time.GetUtcNow();
        var record = await unit.RunAsync(token =>
        {
            var queued = new ExternalUpload
            {
                Id = Guid.NewGuid(),
                AccountId = accountId,
                ConversationId = request.ConversationId,
                FileUrl = url.AbsoluteUri,
                FileName = name,
                FileSize = request.FileSize ?? 0,
                FileOrigin = string.IsNullOrEmpty(request.FileOrigin) ? null : request.FileOrigin,
                UploadId = string.IsNullOrEmpty(request.UploadId) ? null : request.UploadId,
                // Due at once; later times are the database's clock (retries, leases).
                NextAttemptTime = DateTimeOffset.UnixEpoch,
                CreatedTime = now,
            };
            db.ExternalUploads.Add(queued);
            var pending = UploadRecord.For(queued, UploadRecord.Pending);
            streams.Add([new StreamAppend(accountId, pending)]);
            return Task.FromResult(pending);
        }, ct);
        // Committed: this process's fetcher may claim it now (others find it on their sweep).
        signal.Wake();
        return record;
    }

    /// <summary>An absolute http(s) URL of at most 2048 characters, or 400 invalid_param naming file_url.</summary>
    private static Uri SourceUrl(string? fileUrl)
    {
        if (string.IsNullOrWhiteSpace(fileUrl))
        {
            throw FleepErrors.MissingField("file_url");
        }

        if (fileUrl.Length > MaxUrlLength)
        {
            throw FleepErrors.InvalidField("file_url", $"longer than {MaxUrlLength} characters");
        }

        return Uri.TryCreate(fileUrl.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? uri
            : throw FleepErrors.InvalidField("file_url", "an absolute http or https URL");
    }

    /// <summary>The last path segment of the URL, for a request that names no file.</summary>
    private static string NameOf(Uri url) => Uri.UnescapeDataString(url.AbsolutePath.TrimEnd('/').Split('/')[^1]);
}

/// <summary>Wakes this process's <see cref="ExternalUploadWorker"/> (<see cref="WorkerSignal"/>) after a request queued an upload.</summary>
public sealed class ExternalUploadSignal : WorkerSignal;
