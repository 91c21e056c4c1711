using FleepServer.Hosting;

namespace FleepServer;

/// <summary>The <c>Fleep</c> configuration section (appsettings.json, or <c>Fleep__...</c> environment variables).</summary>
public sealed class FleepOptions
{
    public const string Section = "Fleep";

    public RegistrationOptions Registration { get; set; } = new();
    public LimitOptions Limits { get; set; } = new();
    public LoginOptions Login { get; set; } = new();
    public EmbeddedDatabaseOptions EmbeddedDatabase { get; set; } = new();
    public PollOptions Poll { get; set; } = new();
    public HookOptions Hooks { get; set; } = new();
    public ApiReferenceOptions ApiReference { get; set; } = new();
    public TelemetryOptions Telemetry { get; set; } = new();
    public FileStoreOptions Files { get; set; } = new();
    public SearchOptions Search { get; set; } = new();

    /// <summary>The SMTP server mail goes out through (<c>Fleep:Smtp</c>, docs/mail.md); no host: mail is written to the log.</summary>
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>The mail outbox and the notifications mailed links carry (<c>Fleep:Mail</c>, docs/mail.md).</summary>
    public MailOptions Mail { get; set; } = new();

    /// <summary>
    /// The address clients reach the server at (e.g. <c>https://chat.example.org</c>), for links the
    /// server puts into records (<c>hook_url</c>, <c>autojoin_url</c>). Empty: the scheme and host of
    /// the request that produced the record.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// How long a stopping server (SIGTERM, Ctrl+C) waits for requests in flight to finish, writes
    /// included, before it exits anyway. Parked polls do not wait: they are answered at once.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Trust X-Forwarded-Proto/For from these proxies (loopback is always trusted).</summary>
    public string[] KnownProxies { get; set; } = [];
}

/// <summary>Full-text search (docs/search.md).</summary>
public sealed class SearchOptions
{
    /// <summary>
    /// The PostgreSQL text search configuration messages are indexed and searched with (a name in
    /// <c>pg_ts_config</c>, e.g. <c>english</c>). <c>simple</c> (lower-casing only, no stemming, no
    /// stop words) suits every language; a change re-indexes every message once at start.
    /// </summary>
    public string TextSearchConfig { get; set; } = "simple";
}

public sealed class RegistrationOptions
{
    /// <summary><c>open</c>: anyone may call account/register. <c>closed</c>: accounts come from the <c>account add</c> command.</summary>
    public string Mode { get; set; } = "open";

    public int MinPasswordLength { get; set; } = 8;

    /// <summary>
    /// Whether <c>account/register</c> makes an unconfirmed account and mails a confirmation link
    /// (docs/mail.md, "Registration"). Unset: only when an SMTP server is configured; without one
    /// a registered account is active at once.
    /// </summary>
    public bool? ConfirmEmail { get; set; }

    public bool IsOpen => string.Equals(Mode, "open", StringComparison.OrdinalIgnoreCase);
}

public sealed class LimitOptions
{
    /// <summary>Largest request body accepted; a 307,200-character message body in 4-byte UTF-8 still fits.</summary>
    public long MaxBodyBytes { get; set; } = 2 * 1024 * 1024;
}

public sealed class LoginOptions
{
    /// <summary>Consecutive wrong passwords after which the account is locked.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Login and register calls allowed per client IP in one window.</summary>
    public int PermitsPerIp { get; set; } = 20;

    /// <summary>Login calls allowed per e-mail address in one window.</summary>
    public int PermitsPerAccount { get; set; } = 10;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sessions idle longer than this stop working; remember_me sessions use <see cref="RememberedSessionLifetime"/>.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(1);

    public TimeSpan RememberedSessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a session this process checked is trusted without reading the database again. An
    /// ended session is normally dropped at once (in this process) or as soon as the notification
    /// arrives (other processes); this is the bound when a notification is lost, and for accounts
    /// closed directly in the database.
    /// </summary>
    public TimeSpan SessionCacheMaxAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most sessions one process keeps checked in memory.</summary>
    public int SessionCacheCapacity { get; set; } = 100_000;
}

public sealed class EmbeddedDatabaseOptions
{
    /// <summary>Where the private PostgreSQL cluster lives when no connection string is configured.</summary>
    public string DataDirectory { get; set; } = "data";

    public int Port { get; set; } = 55432;

    /// <summary>Folder with initdb/pg_ctl/postgres; found automatically when empty.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>
    /// The OS user PostgreSQL runs as when the server runs as root (PostgreSQL refuses to run as
    /// root). A cluster folder this user cannot reach is kept in its home folder instead.
    /// </summary>
    public string ServiceUser { get; set; } = LocalPostgresCluster.DefaultServiceUser;
}

/// <summary>Uploaded files, thumbnails and avatars (<c>Fleep:Files</c>, docs/files.md).</summary>
public sealed class FileStoreOptions
{
    /// <summary>
    /// The folder file contents are kept in, relative to the working directory. Several server
    /// processes on one machine share it; the compose file mounts a named volume here.
    /// </summary>
    public string Directory { get; set; } = "files";

    /// <summary>Largest file one upload may carry; a larger one is refused with 413 and leaves nothing behind.</summary>
    public long MaxUploadBytes { get; set; } = 1L << 30;

    /// <summary>Most pixels (width × height) an image may have to get dimensions and thumbnails; larger ones are refused.</summary>
    public long MaxImagePixels { get; set; } = 50_000_000;

    /// <summary>How long decoding one image for its thumbnails may take before the upload is refused.</summary>
    public TimeSpan ImageDecodeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Unfinished uploads older than this are removed from the folder's temporary area at start.</summary>
    public TimeSpan StaleUploadAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary><c>max-age</c> of the private caching a download allows.</summary>
    public TimeSpan CacheMaxAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Files the server fetches from a URL (<c>Fleep:Files:External</c>, docs/files.md "External uploads").</summary>
    public ExternalUploadOptions External { get; set; } = new();
}

public sealed class ExternalUploadOptions
{
    /// <summary>Whether this process fetches; the queue is shared, so any process that runs the fetcher fetches for all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The longest one fetch may take in all (connect, answer, every byte).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The longest a fetch may wait for the source's answer or its next bytes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Fetches tried for one upload (the first included) before a transient failure is its end.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The wait after the first transient failure; each further one doubles it, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the queue is checked for uploads no request of this process announced (other processes', retries).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Fetches this process runs at the same time.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>
    /// Allows source URLs on loopback, private, link-local and unique-local addresses. Off in
    /// production: an external upload must not reach into the server's own network.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }
}

public sealed class PollOptions
{
    /// <summary>How long a poll with nothing to deliver waits; under the 80 s that the strictest client allows.</summary>
    public TimeSpan Wait { get; set; } = TimeSpan.FromSeconds(55);

    /// <summary>Most records one poll returns; a client far behind gets consecutive batches.</summary>
    public int BatchSize { get; set; } = 500;
}

public sealed class HookOptions
{
    /// <summary>
    /// The secret hook URL tokens are derived from: base64 of at least 32 bytes. Every server process
    /// on one database needs the same one; changing it changes every hook URL. Empty: read from
    /// (or, the first time, written to) <see cref="TokenKeyFile"/>.
    /// </summary>
    public string? TokenKey { get; set; }

    /// <summary>Where the hook token key is kept when <see cref="TokenKey"/> is not set; relative to the working directory.</summary>
    public string TokenKeyFile { get; set; } = "secrets/hook-token.key";

    /// <summary>Posts one hook accepts in one <see cref="Window"/> (per server process); more are refused with 429. 0 (or a zero window): no limit.</summary>
    public int PostsPerWindow { get; set; } = 60;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Largest body a <c>/hook/&lt;token&gt;</c> post may have; larger ones are refused with 413.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Delivery of new messages to hooks' outgoing URLs (<c>Fleep:Hooks:Outgoing</c>, docs/hooks.md).</summary>
    public OutgoingHookOptions Outgoing { get; set; } = new();
}

public sealed class OutgoingHookOptions
{
    /// <summary>Whether this process delivers; the queue is shared, so any process that runs the sender delivers for all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The longest one delivery (connect, send, answer) may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Consecutive failed deliveries after which the hook's delivery is switched off.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failure; each further failure doubles it, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the queue is checked for items no commit of this process announced (other processes', retries).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Hooks this process delivers to at the same time, each with one item in flight.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>
    /// Allows outgoing URLs on loopback, private, link-local and unique-local addresses. Off in
    /// production: a hook must not reach into the server's own network.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }
}

public sealed class ApiReferenceOptions
{
    /// <summary>
    /// Serves the OpenAPI document (<c>/openapi/v1.json</c>) and the reference page built from it
    /// (<c>/docs</c>). Unset: served in the Development environment only.
    /// </summary>
    public bool? Enabled { get; set; }
}

/// <summary>Metrics and traces (docs/operations.md, "Metrics and traces").</summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// An OpenTelemetry collector to push metrics and traces to (e.g. <c>http://collector:4317</c>).
    /// Empty: the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> if set, else no OTLP export.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>, for <see cref="OtlpEndpoint"/>.</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    public MetricsEndpointOptions Metrics { get; set; } = new();
}

/// <summary>
/// The Prometheus scrape endpoint. It has its own listener (<see cref="Host"/>:<see cref="Port"/>),
/// never the API's: only a request that arrived on that port is answered.
/// </summary>
public sealed class MetricsEndpointOptions
{
    public bool Enabled { get; set; }

    /// <summary>The address the scrape listener binds: loopback unless a scraper elsewhere must reach it.</summary>
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 9464;

    public string Path { get; set; } = "/metrics";
}

/// <summary>How the connection to the SMTP server is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain SMTP, no TLS.</summary>
    None,

    /// <summary>Connect in plain text and require STARTTLS.</summary>
    StartTls,

    /// <summary>TLS from the first byte (usually port 465).</summary>
    SslOnConnect,

    /// <summary>TLS on port 465, else STARTTLS when the server offers it.</summary>
    Auto,
}

public sealed class SmtpOptions
{
    /// <summary>The SMTP server; empty: no mail is sent, each one is written to the log at Information level instead.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>Empty: no authentication.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address, e.g. <c>Fleep &lt;chat@example.org&gt;</c>.</summary>
    public string From { get; set; } = "FleepServer <fleep@localhost>";

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    /// <summary>The longest one connection (connect, authenticate, send) may take before the attempt counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

public sealed class MailOptions
{
    /// <summary>Whether this process sends from the outbox; the outbox is shared, so any process that sends sends for all.</summary>
    public bool SenderEnabled { get; set; } = true;

    /// <summary>How often the sender looks for mail queued by other processes or left by one that stopped.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first retry delay after a failed send; each further failure doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A mail not accepted after this long is dropped (and logged as a warning).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a password reset link works.</summary>
    public TimeSpan ResetLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a registration code, an alias confirmation or an invitation works.</summary>
    public TimeSpan ConfirmLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Mails of one kind (password resets, registration codes, …) one address may be sent in an hour; the next request is refused (431).</summary>
    public int PerAddressPerHour { get; set; } = 4;

    /// <summary>Whether this process mails digests of unread messages (docs/mail.md, "Digest"); any number of processes may, each window is mailed once.</summary>
    public bool DigestEnabled { get; set; } = true;

    /// <summary>How often the digest job looks for accounts with a digest due.</summary>
    public TimeSpan DigestSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the e-mail preference link of a digest (unsubscribe, change the interval) works; it may be used any number of times until then.</summary>
    public TimeSpan PreferencesLifetime { get; set; } = TimeSpan.FromDays(30);
}
