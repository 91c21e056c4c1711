using Microsoft.EntityFrameworkCore;

namespace FleepServer.Data;

public sealed class FleepDbContext : DbContext
{
    public FleepDbContext(DbContextOptions<FleepDbContext> options)
        : base(options)
    {
        // Every action saves once inside its own explicit transaction and rolls it back whole on
        // failure, so EF's automatic savepoints around SaveChanges would only cost two round trips.
        Database.AutoSavepointsEnabled = false;
    }

    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<AccountStream> AccountStreams => Set<AccountStream>();
    public DbSet<StreamEvent> StreamEvents => Set<StreamEvent>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<ConversationMember> ConversationMembers => Set<ConversationMember>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<ClientRequest> ClientRequests => Set<ClientRequest>();
    public DbSet<ContactEntry> Contacts => Set<ContactEntry>();
    public DbSet<Hook> Hooks => Set<Hook>();
    public DbSet<HookDelivery> HookDeliveries => Set<HookDelivery>();
    public DbSet<ReminderClick> ReminderClicks => Set<ReminderClick>();
    public DbSet<Upload> Uploads => Set<Upload>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<Label> Labels => Set<Label>();
    public DbSet<ExternalUpload> ExternalUploads => Set<ExternalUpload>();
    public DbSet<Section> Sections => Set<Section>();
    public DbSet<MyMessage> MyMessages => Set<MyMessage>();
    public DbSet<MyTaskPlace> MyTaskPlaces => Set<MyTaskPlace>();
    public DbSet<OutgoingMail> OutgoingMails => Set<OutgoingMail>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<DigestWindow> DigestWindows => Set<DigestWindow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(FleepDbContext).Assembly);

    /// <summary>Configures Npgsql with the snake_case naming every table and column follows.</summary>
    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(ServerConnectionString(connectionString), npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    /// <summary>Statements Npgsql keeps prepared per connection unless the connection string sets <c>Max Auto Prepare</c> (0 turns it off).</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// Seconds to wait for a connection (a new one, or a free one from the pool) unless the
    /// connection string sets <c>Timeout</c>: a database that does not answer turns into a 503
    /// within 5 s instead of Npgsql's 15 s (docs/operations.md, "Database outages").
    /// </summary>
    public const int DefaultConnectTimeout = 4;

    /// <summary>
    /// Seconds a command may run unless the connection string sets <c>Command Timeout</c>; every
    /// request's commands take milliseconds, so this only ends a command stuck on a database that
    /// stopped answering. Migrations set their own, longer timeout.
    /// </summary>
    public const int DefaultCommandTimeout = 5;

    // Every request opens a pooled connection once or twice; Npgsql's DISCARD ALL on each return
    // costs a round trip and measurable PostgreSQL CPU (bench P8). The server keeps no session
    // state on pooled connections (no SET, temporary tables or LISTEN), so there is nothing to reset,
    // and the statements prepared on a connection stay prepared. The hot statements (poll read,
    // conversation lock, member read, send writes, stream append) are the same text every time, so
    // Npgsql's automatic preparation spares PostgreSQL parsing and planning them on every call
    // (bench P3, P7, P8: 20-50 % more calls per second). The schema changes only at start
    // (migrations run before any request), so no prepared statement outlives its plan.
    // The connect and command timeouts default to a few seconds so a call fails fast (503) while the
    // database is unreachable; settings the connection string gives are kept.
    /// <summary>The connection string the server's contexts use, which also names their Npgsql pool.</summary>
    public static string ServerConnectionString(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Given(params string[] keys) => keys.Any(given.ContainsKey);
        if (!Given("Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }

        if (!Given("Timeout"))
        {
            builder.Timeout = DefaultConnectTimeout;
        }

        if (!Given("Command Timeout", "CommandTimeout"))
        {
            builder.CommandTimeout = DefaultCommandTimeout;
        }

        return builder.ConnectionString;
    }
}
