using System.ComponentModel.DataAnnotations;
using FleepServer.Http;

namespace FleepServer.Api.Wire;

// Request bodies of api/account/*. Limits are the max_len values of Fleep's event catalogue
// (seed 001): names and passwords 128, phone numbers 16, everything else 1024.

/// <summary><c>api/account/login</c> (core spec §3.1).</summary>
public sealed record LoginRequest(
    [property: Required] string? Email,
    [property: Required] string? Password,
    bool? RememberMe) : IFleepRequest<LoginRequest>;

/// <summary><c>api/account/register</c> (core spec §3.3).</summary>
public sealed record RegisterRequest(
    [property: Required] string? Email,
    [property: Required, MaxLength(128)] string? Password,
    [property: MaxLength(128)] string? DisplayName) : IFleepRequest<RegisterRequest>;

/// <summary>
/// <c>api/account/configure</c> (peripheral spec §15); every field is optional, null means unchanged.
/// <c>sleep_interval</c>, <c>mk_push_new_message</c> and the status fields are the settings of the
/// account events (§18.2) that have no classic call of their own.
/// </summary>
public sealed record ConfigureRequest(
    [property: MaxLength(128)] string? DisplayName,
    string? OldPassword,
    [property: MaxLength(128)] string? Password,
    [property: MaxLength(16)] string? PhoneNr,
    string? EmailInterval,
    bool? IsFullPrivacy,
    bool? IsNewsletterDisabled,
    bool? IsAutomuteEnabled,
    string? ClientSettings,
    string? PrimaryEmail,
    [property: MaxLength(128)] string? FleepAddress,
    long? SleepInterval,
    string? MkPushNewMessage,
    string? StatusMessage,
    string? StatusEmoji) : IFleepRequest<ConfigureRequest>
{
    /// <summary>A configure that changes nothing; events set the field they change with <c>with</c>.</summary>
    public static readonly ConfigureRequest None = new(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
}

/// <summary><c>api/account/set_flag</c>: <c>bool_value</c> false clears the flag.</summary>
public sealed record SetFlagRequest(
    [property: Required] string? ClientFlag,
    bool? BoolValue) : IFleepRequest<SetFlagRequest>;

/// <summary><c>api/account/poll</c> (core spec §3.6.1); <c>download_url</c> and other extras are ignored.</summary>
public sealed record PollRequest(
    long? EventHorizon,
    bool? Wait,
    List<string>? PollFlags) : IFleepRequest<PollRequest>;

/// <summary><c>api/account/sync_conversations</c> (core spec §3.8).</summary>
public sealed record SyncConversationsRequest([property: Required] List<Guid>? ConversationIds, string? MkInitMode)
    : IFleepRequest<SyncConversationsRequest>;
