using System.ComponentModel.DataAnnotations;
using FleepServer.Http;

namespace FleepServer.Domain.Accounts;

// The commands of the account settings, bound as they are from api/account/configure and built by
// the account events. Limits are the max_len values of Fleep's published event catalogue: names
// and passwords 128, phone numbers 16, everything else 1024.

/// <summary>
/// <c>api/account/configure</c>; every field is optional, null means unchanged.
/// <c>sleep_interval</c>, <c>mk_push_new_message</c> and the status fields are the settings of the
/// account events that have no classic call of their own (docs/compatibility.md, "Account events").
/// </summary>
public sealed record ConfigureAccount : IFleepRequest<ConfigureAccount>
{
    [MaxLength(AccountRules.DisplayNameMaxLength)] public string? DisplayName { get; init; }
    public string? OldPassword { get; init; }
    [MaxLength(128)] public string? Password { get; init; }
    [MaxLength(16)] public string? PhoneNr { get; init; }
    public string? EmailInterval { get; init; }
    public bool? IsFullPrivacy { get; init; }
    public bool? IsNewsletterDisabled { get; init; }
    public bool? IsAutomuteEnabled { get; init; }
    public string? ClientSettings { get; init; }
    public string? PrimaryEmail { get; init; }
    [MaxLength(128)] public string? FleepAddress { get; init; }
    public long? SleepInterval { get; init; }
    public string? MkPushNewMessage { get; init; }
    public string? StatusMessage { get; init; }
    public string? StatusEmoji { get; init; }
}

/// <summary><c>api/account/click_reminder</c>: the reminder that was shown to the account.</summary>
public sealed record ClickReminder : IFleepRequest<ClickReminder>
{
    [Required] public Guid? ReminderId { get; init; }
}
