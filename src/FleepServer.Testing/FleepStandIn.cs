using System.Xml.Linq;
using FleepServer.Api;
using FleepServer.Data;
using FleepServer.Hosting;
using FleepServer.TestControl;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FleepServer.Testing;

/// <summary>
/// A real FleepServer for another project's tests, in one line:
/// <code>await using var fleep = await FleepStandIn.StartAsync();</code>
/// It is the production server (same composition, no test doubles inside) running in this process
/// in test mode, on a free 127.0.0.1 port, over a database of its own cloned from a migrated
/// template. The first stand-in of a process starts the PostgreSQL side (seconds); every later one
/// takes a fraction of that. Disposing stops the server and drops its database and folder.
/// </summary>
public sealed class FleepStandIn : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ThrowawayDatabases databases;
    private readonly string folder;
    private readonly List<FleepClient> clients = [];
    private bool disposed;

    private FleepStandIn(WebApplication app, ThrowawayDatabases databases, string connectionString, string folder)
    {
        this.app = app;
        this.databases = databases;
        this.folder = folder;
        ConnectionString = connectionString;
        BaseAddress = new Uri(FleepServerHost.AddressOf(app) + "/");
    }

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234/</c>: give it to the system under test as Fleep's base URL.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The connection string of this stand-in's own database.</summary>
    public string ConnectionString { get; }

    /// <summary>The server's clock: <see cref="TestClock.Advance"/> moves "now" forward for expiries.</summary>
    public TestClock Clock => app.Services.GetRequiredService<TestClock>();

    /// <summary>The calls the server made to outgoing webhooks so far, oldest first.</summary>
    public IReadOnlyList<OutgoingCall> OutgoingCalls => app.Services.GetRequiredService<OutgoingCalls>().All();

    /// <summary>
    /// The mails the server sent so far, oldest first (no SMTP server is needed: without one they
    /// go to the log): read the links and codes of the flows your tests cause, e.g.
    /// <c>fleep.Mails.Last(m =&gt; m.To == email).Text</c>. A mail is listed once it was sent, an
    /// instant after the change that queued it; <see cref="MailsAsync"/> lists queued ones too.
    /// </summary>
    public IReadOnlyList<TestMail> Mails => app.Services.GetRequiredService<SentMails>().All();

    /// <summary>Every mail queued so far, oldest first: the sent ones and those still waiting in the outbox (<see cref="TestMail.State"/>).</summary>
    public async Task<IReadOnlyList<TestMail>> MailsAsync(CancellationToken ct = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await app.Services.GetRequiredService<SentMails>().AllWithQueuedAsync(scope.ServiceProvider.GetRequiredService<FleepDbContext>(), ct);
    }

    /// <summary>
    /// Waits until a sent mail to <paramref name="to"/> (any case) matching <paramref name="match"/>
    /// is listed in <see cref="Mails"/>, and answers it; a <see cref="TimeoutException"/> after
    /// <paramref name="timeout"/> (10 s).
    /// </summary>
    public async Task<TestMail> WaitForMailAsync(string to, Func<TestMail, bool>? match = null, TimeSpan? timeout = null,
        CancellationToken ct = default)
    {
        var sent = app.Services.GetRequiredService<SentMails>();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var next = sent.NextSent;
            var found = Mails.LastOrDefault(m => string.Equals(m.To, to, StringComparison.OrdinalIgnoreCase) && (match?.Invoke(m) ?? true));
            if (found is not null)
            {
                return found;
            }

            try
            {
                await next.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"No mail to {to} was sent; sent: {string.Join(", ", Mails.Select(m => $"{m.To} '{m.Subject}'"))}");
            }
        }
    }

    /// <summary>
    /// Mails the digests of unread messages due now (after <see cref="TestClock.Advance"/>), instead
    /// of waiting for the server's next sweep; answers how many were queued. They are then sent as
    /// every mail is (<see cref="WaitForMailAsync"/>).
    /// </summary>
    public async Task<int> SendDigestsAsync(CancellationToken ct = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FleepServer.Domain.Mail.MailDigests>().SweepAsync(ct);
    }

    /// <summary>The server's services, for a test that needs to look deeper.</summary>
    public IServiceProvider Services => app.Services;

    /// <summary>The stand-in's own folder (the server's content root); deleted on dispose.</summary>
    internal string Folder => folder;

    /// <summary>Where this stand-in's databases come from (a private cluster's folder, or a server's address).</summary>
    public string DatabaseSource => databases.Source;

    /// <summary>Starts a stand-in; see <see cref="FleepStandInOptions"/> for what can be chosen.</summary>
    public static async Task<FleepStandIn> StartAsync(FleepStandInOptions? options = null, CancellationToken ct = default)
    {
        options ??= new FleepStandInOptions();
        var databases = await StandInDatabases.ForAsync(options.ConnectionString);
        var connection = await databases.CreateAsync(ct);
        var folder = Directory.CreateTempSubdirectory("fleep-standin-").FullName;
        try
        {
            var settings = new Dictionary<string, string?>(EphemeralServer.TestModeSettings().ToDictionary(s => s.Key, s => (string?)s.Value))
            {
                ["Fleep:Logging:Console"] = options.ShowLog ? "stderr" : "off",
            };
            foreach (var (key, value) in options.Settings)
            {
                settings[key] = value;
            }

            settings["urls"] = $"http://127.0.0.1:{options.Port}";
            settings["ConnectionStrings:Fleep"] = connection;
            var args = settings.SelectMany(s => new[] { $"--{s.Key}", s.Value ?? "" }).ToArray();
            var app = await FleepServerHost.BuildAsync(args, builder => options.ConfigureServices?.Invoke(builder.Services),
                new HostMode(TestControl: true, ContentRoot: folder));
            await app.StartAsync(ct);
            return new FleepStandIn(app, databases, connection, folder);
        }
        catch
        {
            await databases.DropAsync(connection, CancellationToken.None);
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>A client with no session yet (for register/login flows of your own).</summary>
    public FleepClient NewClient()
    {
        var client = new FleepClient(BaseAddress);
        lock (clients)
        {
            clients.Add(client);
        }

        return client;
    }

    /// <summary>
    /// Makes an active account (no rate limits, whatever the registration mode) and returns a
    /// client logged in as it: cookie and ticket set, and its <see cref="FleepClient.EventHorizon"/>
    /// past the account's first snapshot, so its polls see everything that happens from now on.
    /// </summary>
    public async Task<FleepClient> CreateAccountAsync(string email, string? displayName = null, string? password = null,
        CancellationToken ct = default)
    {
        var client = NewClient();
        var created = await client.PostAsync("_test/account", new { email, display_name = displayName, password }, ct);
        await client.LoginAsync(email, created.GetProperty("password").GetString()!, ct);
        await client.PollAsync(wait: false, ct);
        return client;
    }

    /// <summary>Empties every account, conversation, message, session and hook, much faster than a new stand-in.</summary>
    public async Task ResetAsync(CancellationToken ct = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DataReset>().ResetAsync(ct);
    }

    /// <summary>
    /// Every message of a conversation as stored, oldest first, whoever can see it: what the system
    /// under test posted, by its own account or through a hook.
    /// </summary>
    public async Task<IReadOnlyList<StoredMessage>> MessagesAsync(string conversationId, CancellationToken ct = default)
    {
        var id = Guid.Parse(conversationId);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleepDbContext>();
        var rows = await (
            from m in db.Messages.AsNoTracking()
            where m.ConversationId == id
            join a in db.Accounts.AsNoTracking() on m.AccountId equals a.Id
            orderby m.MessageNr
            select new { m.MessageNr, m.MkMessageType, m.MkMessageState, m.Body, a.Email, m.HookKey, m.SenderName, m.PostedTime }).ToListAsync(ct);
        return rows.Select(r => new StoredMessage(r.MessageNr, r.MkMessageType, r.Body, TextOf(r.Body), r.Email, r.HookKey, r.SenderName,
            r.PostedTime, r.MkMessageState == "deleted")).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        lock (clients)
        {
            clients.ForEach(c => c.Dispose());
        }

        await app.StopAsync();
        await app.DisposeAsync();
        await databases.DropAsync(ConnectionString);
        Directory.Delete(folder, recursive: true);
    }

    private static string TextOf(string body)
    {
        try
        {
            return XElement.Parse(body).Value;
        }
        catch (System.Xml.XmlException)
        {
            return body;
        }
    }
}

/// <summary>
/// One message as the server stored it. <see cref="Xml"/> is Fleep's message body
/// (<c>&lt;msg&gt;&lt;p&gt;…&lt;/p&gt;&lt;/msg&gt;</c>), <see cref="Text"/> its text without markup;
/// <see cref="HookKey"/> is set when the message came through a hook.
/// </summary>
public sealed record StoredMessage(
    long MessageNr,
    string MkMessageType,
    string Xml,
    string Text,
    string AuthorEmail,
    string? HookKey,
    string? SenderName,
    DateTimeOffset PostedTime,
    bool IsDeleted);
