using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FleepServer.Data;

/// <summary>
/// Applies pending EF Core migrations before the server takes traffic (hosted services start
/// before Kestrel). Migrations are forward-only; EF Core takes a database lock while migrating, so
/// several server processes starting together against one database is safe.
/// </summary>
public sealed class MigrationHostedService(IServiceScopeFactory scopes, ILogger<MigrationHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleepDbContext>();
        // A migration may rewrite a large table; the server's short default command timeout
        // (FleepDbContext.DefaultCommandTimeout) is for requests.
        var requestTimeout = db.Database.GetCommandTimeout();
        db.Database.SetCommandTimeout(MigrationCommandTimeout);
        try
        {
            await MigrateAsync(db, cancellationToken);
        }
        finally
        {
            db.Database.SetCommandTimeout(requestTimeout);
        }
    }

    /// <summary>How long one migration statement may run.</summary>
    public static readonly TimeSpan MigrationCommandTimeout = TimeSpan.FromMinutes(30);

    private async Task MigrateAsync(FleepDbContext db, CancellationToken cancellationToken)
    {
        // Creating the history table first spares a fresh database the failed probe query that
        // MigrateAsync would otherwise log as an error.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        logger.LogInformation("Database schema is at migration {Migration}",
            (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).LastOrDefault());
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
