using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Api;

/// <summary>account/click_reminder {reminder_id}: the click is remembered once per account and reminder.</summary>
public sealed class ReminderClickTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private async Task<List<(Guid AccountId, Guid ReminderId, DateTimeOffset Clicked)>> ClicksAsync(Guid reminderId)
    {
        await using var db = server.OpenDb();
        return (await db.ReminderClicks.AsNoTracking().Where(c => c.ReminderId == reminderId).OrderBy(c => c.AccountId).ToListAsync())
            .Select(c => (c.AccountId, c.ReminderId, c.ClickedTime)).ToList();
    }

    [Fact]
    public async Task A_click_is_recorded_for_the_caller_and_a_second_click_changes_nothing()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var reminder = Guid.NewGuid();
        var horizon = await a.HorizonAsync();

        var first = (await a.PostAsync("/api/account/click_reminder", new { reminder_id = reminder })).EnsureOk();
        Assert.Empty(first.Stream());
        var clicks = await ClicksAsync(reminder);
        Assert.Single(clicks);
        Assert.Equal((a.AccountId, reminder), (clicks[0].AccountId, clicks[0].ReminderId));

        server.Clock.Advance(TimeSpan.FromMinutes(5));
        (await a.PostAsync("/api/account/click_reminder", new { reminder_id = reminder.ToString().ToUpperInvariant() })).EnsureOk();
        var again = await ClicksAsync(reminder);
        Assert.Single(again);
        Assert.Equal(clicks[0].Clicked, again[0].Clicked);

        // Another account's click of the same reminder is its own.
        (await b.PostAsync("/api/account/click_reminder", new { reminder_id = reminder })).EnsureOk();
        Assert.Equal(2, (await ClicksAsync(reminder)).Count);

        // Nothing is announced: reminders are not listed anywhere.
        Assert.Empty(await a.PollToEndAsync(horizon));
    }

    [Theory]
    [InlineData("""{}""", "missing_param")]
    [InlineData("""{"reminder_id": null}""", "missing_param")]
    [InlineData("""{"reminder_id": "not-a-uuid"}""", "invalid_param")]
    [InlineData("""{"reminder_id": 42}""", "invalid_param")]
    [InlineData("""{"reminder_id": ["00000000-0000-0000-0000-000000000001"]}""", "invalid_param")]
    [InlineData("""{"reminder_id": "00000000-0000-0000-0000-000000000000"}""", "invalid_param")]
    public async Task A_missing_or_malformed_reminder_id_is_400_and_writes_nothing(string body, string errorId)
    {
        using var a = await server.NewAccountAsync();
        var json = body.Insert(1, $"\"ticket\": \"{a.Ticket}\"{(body.Length > 2 ? ", " : "")}");

        var response = await a.PostRawAsync("/api/account/click_reminder", json);

        response.AssertError(400, errorId);
        Assert.Contains("reminder_id", response.Json.Str("error_message"));
        await using var db = server.OpenDb();
        Assert.False(await db.ReminderClicks.AnyAsync(c => c.AccountId == a.AccountId));
    }

    [Fact]
    public async Task A_truncated_body_is_400()
    {
        using var a = await server.NewAccountAsync();
        (await a.PostRawAsync("/api/account/click_reminder", $$"""{"ticket": "{{a.Ticket}}", "reminder_id": """)).AssertError(400, "bad_request");
    }
}
