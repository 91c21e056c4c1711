using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FleepServer.Tests.Concurrency;

/// <summary>
/// A deadlock forced between a send and an outside transaction: the outside transaction holds the
/// stream head of the second member, the send locks the conversation and waits for that head, then
/// the outside transaction asks for the conversation. PostgreSQL aborts one of the two with 40P01;
/// a send that was the victim is retried by the server and answered once.
/// </summary>
public sealed class DeadlockRetryTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task A_send_aborted_by_a_deadlock_is_retried_and_answered_once()
    {
        using var a = await server.NewAccountAsync("a");
        using var b = await server.NewAccountAsync("b");
        var conv = await a.CreateConversationAsync("deadlock", b);
        var text = $"through a deadlock {Guid.NewGuid():N}";

        await using var monitor = new NpgsqlConnection(server.ConnectionString);
        await monitor.OpenAsync();
        await using var blocker = new NpgsqlConnection(server.ConnectionString);
        await blocker.OpenAsync();
        // The server's backend starts waiting first, with the default deadlock_timeout of 1 s: with
        // ours long, it is the one that runs the deadlock check and is aborted. Only a superuser may
        // change the setting; without it either side may be picked, which the test allows too.
        var superuser = (string?)await ScalarAsync(blocker, null, "SHOW is_superuser") == "on";
        if (superuser)
        {
            await ScalarAsync(blocker, null, "SET deadlock_timeout = '10s'");
            Assert.Equal("10s", (string?)await ScalarAsync(blocker, null, "SHOW deadlock_timeout"));
        }

        var blockerPid = (int)(await ScalarAsync(blocker, null, "SELECT pg_backend_pid()"))!;
        await using var transaction = await blocker.BeginTransactionAsync();
        await ScalarAsync(blocker, transaction, "SELECT account_id FROM account_streams WHERE account_id = @id FOR UPDATE", b.AccountId);

        var send = Task.Run(() => a.SendAsync(conv, text));
        await WaitForAnotherBackendWaitingOnALockAsync(monitor, blockerPid, send);

        bool serverWasVictim;
        try
        {
            await ScalarAsync(blocker, transaction, "SELECT conversation_id FROM conversations WHERE conversation_id = @id FOR UPDATE", conv);
            serverWasVictim = true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected)
        {
            serverWasVictim = false;
        }

        await transaction.RollbackAsync();
        TestContext.Current.SendDiagnosticMessage($"deadlock victim: {(serverWasVictim ? "the server's send" : "the test's transaction")} (superuser: {superuser})");

        var response = await send.WaitAsync(TimeSpan.FromSeconds(60));
        server.AssertAllOk([response]);
        Assert.Equal(2, response.Json.Long("result_message_nr"));

        await using var db = server.OpenDb();
        var rows = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conv).OrderBy(m => m.MessageNr).ToListAsync();
        Assert.Equal([1L, 2L], rows.Select(m => m.MessageNr));
        Assert.Single(rows, m => m.Body == $"<msg><p>{text}</p></msg>" && m.AccountId == a.AccountId);

        if (serverWasVictim)
        {
            await server.Logs.WaitForAsync(line => line.Contains("retried after 40P01", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>Polls until a backend other than ours waits on a lock in this database (the send is blocked); fails if the send answers first.</summary>
    private static async Task WaitForAnotherBackendWaitingOnALockAsync(NpgsqlConnection monitor, int ours, Task<FleepResponse> send)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var waiting = (long)(await ScalarAsync(monitor, null,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> @id", ours))!;
            if (waiting > 0)
            {
                return;
            }

            if (send.IsCompleted)
            {
                Assert.Fail($"the send answered before it blocked: {(await send).StatusCode}");
            }

            Assert.True(DateTime.UtcNow < deadline, "the send never waited on the locked stream head");
            await Task.Delay(5);
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, object? id = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        if (id is not null)
        {
            command.Parameters.AddWithValue("id", id);
        }

        return await command.ExecuteScalarAsync();
    }
}
