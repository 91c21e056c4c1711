using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Concurrency;

/// <summary>account/click_reminder from many sessions at once: every call succeeds and each (account, reminder) is stored once.</summary>
public sealed class ReminderClickConcurrencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Concurrent_clicks_of_the_same_and_of_different_reminders_are_each_stored_once()
    {
        const int Accounts = 4, ClicksEach = 12;
        var clients = await Task.WhenAll(Enumerable.Range(0, Accounts).Select(i => server.NewAccountAsync($"clicker{i}")));
        try
        {
            var shared = Guid.NewGuid();
            var own = clients.Select(_ => Guid.NewGuid()).ToArray();
            // Each account clicks the shared reminder and its own one many times over, all at once.
            var calls = Enumerable.Range(0, Accounts * ClicksEach).Select(i =>
            {
                var client = clients[i % Accounts];
                var reminder = i / Accounts % 2 == 0 ? shared : own[i % Accounts];
                return (Func<Task<FleepResponse>>)(() => client.PostAsync("/api/account/click_reminder", new { reminder_id = reminder }));
            }).ToList();

            var responses = await ConcurrentCalls.RunAsync(calls);

            Assert.Equal(Accounts * ClicksEach, responses.Length);
            server.AssertAllOk(responses);
            await using var db = server.OpenDb();
            var accountIds = clients.Select(c => c.AccountId).ToList();
            var rows = await db.ReminderClicks.AsNoTracking().Where(c => accountIds.Contains(c.AccountId)).ToListAsync();
            Assert.Equal(Accounts * 2, rows.Count);
            for (var i = 0; i < Accounts; i++)
            {
                var mine = rows.Where(r => r.AccountId == clients[i].AccountId).Select(r => r.ReminderId).Order().ToList();
                Assert.Equal(new[] { shared, own[i] }.Order(), mine);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
