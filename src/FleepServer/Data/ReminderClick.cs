namespace FleepServer.Data;

/// <summary>
/// A reminder an account reported as shown (<c>account/click_reminder</c>): one
/// row per (account, reminder), kept with the time of the first click.
/// </summary>
public sealed class ReminderClick
{
    public Guid AccountId { get; set; }
    public Guid ReminderId { get; set; }
    public DateTimeOffset ClickedTime { get; set; }
}
