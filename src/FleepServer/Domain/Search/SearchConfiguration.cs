using FleepServer.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FleepServer.Domain.Search;

/// <summary>
/// Puts the configured text search configuration (<c>Fleep:Search:TextSearchConfig</c>) in force
/// at start, after the migrations (docs/search.md, "Configuration"). When it differs from what
/// <c>fleep_search_config()</c> returns, the function is replaced and every message's stored
/// words are computed again (and the indexes of people's and topics' words built again), in one
/// transaction under an advisory lock: several processes starting
/// together re-index once, and a failure leaves the old configuration in force. A name that is not
/// in <c>pg_ts_config</c> stops the start with an error naming it.
/// </summary>
public sealed class SearchConfiguration(IServiceScopeFactory scopes, IOptions<FleepOptions> options, ILogger<SearchConfiguration> logger)
    : IHostedService
{
    /// <summary>The advisory lock key of the re-index (any fixed number no other lock uses).</summary>
    public const long LockKey = 0x5EA_4C4_0001;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var wanted = (options.Value.Search.TextSearchConfig ?? "").Trim();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleepDbContext>();
        var requestTimeout = db.Database.GetCommandTimeout();
        db.Database.SetCommandTimeout(MigrationHostedService.MigrationCommandTimeout);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (await QualifiedNameAsync(db, wanted, cancellationToken) is not { } name)
            {
                throw new InvalidOperationException(
                    $"Fleep:Search:TextSearchConfig is '{wanted}', which is not a text search configuration of the database " +
                    "(SELECT cfgname FROM pg_ts_config lists them; 'simple' suits every language).");
            }

            if (await IsCurrentAsync(db, name, cancellationToken))
            {
                return;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await Execute(db, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
            // Another process may have done it while this one waited for the lock.
            if (await IsCurrentAsync(db, name, cancellationToken))
            {
                return;
            }

            logger.LogInformation("Changing the text search configuration to {Config}: every message is indexed again", name);
            var literal = name.Replace("'", "''");
            await Execute(db, $"""
                CREATE OR REPLACE FUNCTION fleep_search_config() RETURNS regconfig
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT '{literal}'::regconfig $$
                """, cancellationToken);
            // A stored generated column is computed again when a column it depends on is written
            // (writing the generated column itself, SET search_vector = DEFAULT, does not recompute it).
            var rows = await Execute(db, "UPDATE messages SET mk_message_type = mk_message_type", cancellationToken);
            // The people's and the topics' words are index expressions over the same function.
            await Execute(db, "REINDEX INDEX ix_accounts_search; REINDEX INDEX ix_conversations_topic_search", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Text search configuration is now {Config}; {Rows} messages indexed again", name, rows);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
            db.Database.SetCommandTimeout(requestTimeout);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The configuration's schema-qualified, quoted name, or null when the database has no such configuration.</summary>
    private static async Task<string?> QualifiedNameAsync(FleepDbContext db, string wanted, CancellationToken ct)
    {
        if (wanted.Length == 0)
        {
            return null;
        }

        await using var command = Command(db, """
            SELECT quote_ident(n.nspname) || '.' || quote_ident(c.cfgname)
            FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
            WHERE c.cfgname = @name OR n.nspname || '.' || c.cfgname = @name
            ORDER BY n.nspname = 'pg_catalog' DESC, n.nspname
            LIMIT 1
            """);
        command.Parameters.AddWithValue("name", wanted);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    private static async Task<bool> IsCurrentAsync(FleepDbContext db, string name, CancellationToken ct)
    {
        // Read through pg_proc: a statement over a table takes in the catalog changes other sessions
        // committed (the function another process replaced) before it runs, even as a prepared statement.
        await using var command = Command(db, """
            SELECT fleep_search_config() = @name::regconfig FROM pg_proc p WHERE p.oid = 'fleep_search_config'::regproc
            """);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteScalarAsync(ct) is true;
    }

    private static async Task<int> Execute(FleepDbContext db, string sql, CancellationToken ct)
    {
        await using var command = Command(db, sql);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlCommand Command(FleepDbContext db, string sql)
    {
        var command = (NpgsqlCommand)db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = (int)MigrationHostedService.MigrationCommandTimeout.TotalSeconds;
        command.Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }
}
