namespace FleepServer.Data;

/// <summary>
/// One queued external upload (<c>api/file/upload/external</c>, docs/files.md "External uploads"):
/// a file the server is to fetch from a URL for an account. Written in the unit of work of the
/// request that asked for it, claimed by the fetcher of any server process, and deleted when it
/// ended (its <c>upload</c> record says how); a row survives restarts until then.
/// </summary>
public sealed class ExternalUpload
{
    /// <summary>The <c>request_id</c> the caller got and its <c>upload</c> records carry.</summary>
    public Guid Id { get; set; }

    /// <summary>The caller: the owner of the upload when it succeeds, the one whose stream hears of it.</summary>
    public Guid AccountId { get; set; }

    public Guid? ConversationId { get; set; }
    public required string FileUrl { get; set; }
    public required string FileName { get; set; }

    /// <summary>The size the caller declared (0: unknown); informative only, the bytes fetched are what count.</summary>
    public long FileSize { get; set; }

    public string? FileOrigin { get; set; }

    /// <summary>The client's own id of the upload, echoed in the records.</summary>
    public string? UploadId { get; set; }

    /// <summary>Fetches begun, failed ones included.</summary>
    public int Attempts { get; set; }

    /// <summary>When the row may be claimed: after a retry's delay, or when a claim's lease ran out (a fetcher that stopped).</summary>
    public DateTimeOffset NextAttemptTime { get; set; }

    public DateTimeOffset CreatedTime { get; set; }
    public string? LastError { get; set; }
}
