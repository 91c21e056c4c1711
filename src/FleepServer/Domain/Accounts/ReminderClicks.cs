using FleepServer.Data;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Accounts;

/// <summary>
/// Reminders an account reported as shown. This server creates no reminders
/// yet, so any reminder id is accepted and remembered; a second click of the same reminder keeps
/// the first one's time and changes nothing.
/// </summary>
public sealed class ReminderClicks(FleepDbContext db, UnitOfWork unit, TimeProvider time)
{
    /// <summary>One statement in one unit of work; the only lock is the key share its foreign key takes on the account row.</summary>
    public Task ClickAsync(Guid accountId, Guid reminderId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return unit.RunAsync(token => db.Database.ExecuteSqlAsync($"""
            INSERT INTO reminder_clicks (account_id, reminder_id, clicked_time) VALUES ({accountId}, {reminderId}, {now})
            ON CONFLICT (account_id, reminder_id) DO NOTHING
            """, token), ct);
    }
}
