using FleepServer.Auth;
using FleepServer.Data;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.TestControl;

/// <summary>
/// Empties a test-mode server's data between tests, much faster than starting a new server: every
/// table of the model is truncated in one statement (the migration history stays), and what this
/// process remembers about the old data goes with it (cached sessions, captured outgoing calls and sent mails,
/// the clock's offset). Polls parked on accounts that no longer exist simply time out.
/// </summary>
public sealed class DataReset(FleepDbContext db, SessionCache sessions, OutgoingCalls outgoing, SentMails mails, TestClock clock)
{
    public async Task ResetAsync(CancellationToken ct)
    {
        var tables = db.Model.GetEntityTypes()
            .Select(e => e.GetTableName())
            .OfType<string>()
            .Distinct()
            .Order()
            .Select(t => $"\"{t}\"");
        // The names come from the model, not from input.
        var sql = "TRUNCATE " + string.Join(", ", tables) + " RESTART IDENTITY CASCADE";
        await db.Database.ExecuteSqlRawAsync(sql, ct);
        sessions.Clear();
        outgoing.Clear();
        mails.Clear();
        clock.Reset();
    }
}
