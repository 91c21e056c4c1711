using FleepServer.Tests.Infrastructure;
using FleepServer.Tests.MyBoard;
using FleepServer.Tests.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FleepServer.Tests.Operations;

/// <summary>The server's outgoing sender stays off, so queued hook deliveries stay in their table.</summary>
public sealed class QueuedDeliveriesFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Hooks:Outgoing:Enabled"] = "false",
        ["Fleep:Hooks:Outgoing:AllowPrivateAddresses"] = "true",
        // Queued external uploads and mail stay queued too, and no digest is mailed but the one the test asks for.
        ["Fleep:Files:External:Enabled"] = "false",
        ["Fleep:Mail:SenderEnabled"] = "false",
        ["Fleep:Mail:DigestEnabled"] = "false",
    };
}

/// <summary>
/// An upgrade keeps every row: a database with data in every table of the previous schema (the
/// migration before the newest) is migrated forward by the server's own start, and every row of
/// every column that schema had is still there, unchanged; the server then serves the old data.
/// The data is written through the API, then the database is taken back one migration.
/// </summary>
public sealed class MigrationForwardTests(QueuedDeliveriesFixture server) : IClassFixture<QueuedDeliveriesFixture>
{
    [Fact]
    public async Task A_database_of_the_previous_schema_with_data_in_every_table_migrates_forward_without_loss()
    {
        var ct = TestContext.Current.CancellationToken;
        var (alice, conversationId) = await WriteSomethingEverywhereAsync();

        await using (var db = server.OpenDb())
        {
            var migrations = db.Database.GetMigrations().ToList();
            Assert.True(migrations.Count >= 2, "there is a previous schema to upgrade from");
            await db.GetService<IMigrator>().MigrateAsync(migrations[^2], cancellationToken: ct);
        }

        var before = await SnapshotAsync(columns: null);
        Assert.NotEmpty(before);
        Assert.All(before, table => Assert.True(table.Value.Rows > 0, $"table {table.Key} of the previous schema has no rows"));

        // The upgrade is what a server start does: its migration service runs, then it serves.
        var peer = await server.StartPeerAsync();
        var after = await SnapshotAsync(before.ToDictionary(t => t.Key, t => t.Value.Columns));
        Assert.Equal(before.Count, after.Count);
        foreach (var (table, old) in before)
        {
            Assert.Equal(old.Rows, after[table].Rows);
            Assert.Equal(old.Content, after[table].Content);
        }

        await using (var db = server.OpenDb())
        {
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(ct));
        }

        using var again = new FleepTestClient(peer.BaseAddress);
        await again.LoginAsync(alice.Email, "correct horse");
        var history = (await again.ConvAsync("sync", conversationId)).EnsureOk().Messages().Select(m => m.Str("message")).ToList();
        Assert.Contains(history, m => m.Contains("written before the upgrade", StringComparison.Ordinal));
    }

    /// <summary>Traffic that leaves rows in every table: accounts, sessions, streams, requests, conversations, messages, contacts, hooks, deliveries, reminder clicks, uploads, queued external uploads, teams, labels, sections, personal tasks and task places, queued mail, notifications and digest windows.</summary>
    private async Task<(FleepTestClient Alice, Guid ConversationId)> WriteSomethingEverywhereAsync()
    {
        var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        var conversationId = await alice.CreateConversationAsync("before the upgrade", bob);
        (await alice.SendAsync(conversationId, "written before the upgrade", new { client_req_id = Guid.NewGuid() })).EnsureOk();
        (await alice.ContactAsync("describe", new { contact_id = bob.AccountId, contact_name = "Bobby" })).EnsureOk();
        var hook = (await alice.ConvAsync("create_hook", conversationId, new { hook_name = "CI" })).EnsureOk();
        var hookKey = hook.Json.GetProperty("hook_info").Str("hook_key");
        (await alice.ConvAsync("configure_hook", conversationId, new { hook_key = hookKey, outgoing_url = "http://127.0.0.1:9/nowhere" })).EnsureOk();
        (await bob.SendAsync(conversationId, "queued for the outgoing hook")).EnsureOk();
        (await alice.PostAsync("/api/account/click_reminder", new { reminder_id = Guid.NewGuid() })).EnsureOk();
        await alice.UploadFileAsync("before.txt", "uploaded before the upgrade"u8.ToArray());
        (await alice.PostAsync("/api/file/upload/external", new { file_url = "http://127.0.0.1:9/later.bin", file_name = "later.bin" })).EnsureOk();
        await alice.CreateTeamAsync("before the upgrade", [bob]);
        (await alice.PostAsync("/api/label/store", new { label = "before the upgrade" })).EnsureOk();
        await alice.OkAsync("section:task:add", new { conversation_id = conversationId, section_name = "Later" });
        await alice.AddTodoAsync("a personal task from before the upgrade");
        var (_, task) = await bob.AssignedTaskAsync(alice, "a task assigned before the upgrade");
        await alice.OkAsync("task:archive", new { message_id = task.Id() });
        (await server.NewClient().PostAsync("/api/account/reset_password", new { email = alice.Email }, withTicket: false)).EnsureOk();
        // Bob's message stays unread by Alice for an hour: her digest claims its window (and queues its mail).
        server.Clock.Advance(TimeSpan.FromMinutes(61));
        await using (var scope = server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<FleepServer.Domain.Mail.MailDigests>().SweepAsync(CancellationToken.None);
        }

        await using (var db = server.OpenDb())
        {
            Assert.True(await db.DigestWindows.AnyAsync(w => w.AccountId == alice.AccountId));
        }

        return (alice, conversationId);
    }

    private sealed record Table(IReadOnlyList<string> Columns, long Rows, string Content);

    /// <summary>Every table's rows as sorted JSON of the given columns (null: all of them), migration history left out.</summary>
    private async Task<Dictionary<string, Table>> SnapshotAsync(IReadOnlyDictionary<string, IReadOnlyList<string>>? columns)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var tables = new Dictionary<string, List<string>>();
        await using (var list = new NpgsqlCommand("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> '__ef_migrations_history'
            ORDER BY table_name, ordinal_position
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var table = reader.GetString(0);
                if (!tables.TryGetValue(table, out var names))
                {
                    tables[table] = names = [];
                }

                names.Add(reader.GetString(1));
            }
        }

        var snapshot = new Dictionary<string, Table>();
        foreach (var (table, all) in tables)
        {
            if (columns is not null && !columns.ContainsKey(table))
            {
                continue;
            }

            var wanted = columns?[table] ?? all;
            Assert.All(wanted, c => Assert.Contains(c, all));
            var select = string.Join(", ", wanted.Select(c => $"\"{c}\""));
            await using var read = new NpgsqlCommand(
                $"SELECT count(*), coalesce(string_agg(j, E'\\n' ORDER BY j), '') FROM (SELECT row_to_json(x)::text AS j FROM (SELECT {select} FROM \"{table}\") x) rows",
                connection);
            await using var reader = await read.ExecuteReaderAsync();
            await reader.ReadAsync();
            snapshot[table] = new Table(wanted, reader.GetInt64(0), reader.GetString(1));
        }

        return snapshot;
    }
}
