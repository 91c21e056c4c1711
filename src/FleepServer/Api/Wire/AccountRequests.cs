using System.ComponentModel.DataAnnotations;
using FleepServer.Http;

namespace FleepServer.Api.Wire;

// Request bodies of api/account/*. Limits are the max_len values of Fleep's published event
// catalogue: names and passwords 128, phone numbers 16, everything else 1024.

/// <summary><c>api/account/login</c>.</summary>
public sealed record LoginRequest(
    [property: Required] string? Email,
    [property: Required] string? Password,
    bool? RememberMe) : IFleepRequest<LoginRequest>;

/// <summary><c>api/account/register</c>.</summary>
public sealed record RegisterRequest(
    [property: Required] string? Email,
    [property: Required, MaxLength(128)] string? Password,
    [property: MaxLength(128)] string? DisplayName) : IFleepRequest<RegisterRequest>;

/// <summary><c>api/account/register/v2</c>: <c>referer</c> and <c>landing</c> are accepted and unused.</summary>
public sealed record RegisterV2Request(
    [property: Required, MaxLength(1024)] string? Email,
    [property: MaxLength(1024)] string? Referer,
    [property: MaxLength(1024)] string? Landing) : IFleepRequest<RegisterV2Request>;

/// <summary><c>api/account/prepare/v2</c>: the mailed code with its address, or the id of the mailed link.</summary>
public sealed record PrepareV2Request(
    [property: MaxLength(1024)] string? RegistrationMail,
    [property: MaxLength(32)] string? RegistrationCode,
    [property: MaxLength(128)] string? NotificationId) : IFleepRequest<PrepareV2Request>;

/// <summary><c>api/account/confirm/v2</c>.</summary>
public sealed record ConfirmV2Request(
    [property: Required, MaxLength(128)] string? NotificationId,
    [property: MaxLength(128)] string? DisplayName,
    [property: Required, MaxLength(128)] string? Password,
    [property: MaxLength(1024)] string? FleepAddress,
    [property: MaxLength(16)] string? PhoneNr,
    bool? IsNewsletterDisabled) : IFleepRequest<ConfirmV2Request>;

/// <summary><c>api/account/confirm</c>: the id of the mailed confirmation link.</summary>
public sealed record ConfirmRequest([property: Required, MaxLength(128)] string? NotificationId) : IFleepRequest<ConfirmRequest>;

/// <summary><c>api/account/reset_password</c>.</summary>
public sealed record ResetPasswordRequest([property: Required, MaxLength(1024)] string? Email) : IFleepRequest<ResetPasswordRequest>;

/// <summary><c>api/account/confirm_password</c>: the notification id of the mailed link and the new password.</summary>
public sealed record ConfirmPasswordRequest(
    [property: Required, MaxLength(128)] string? NotificationId,
    [property: Required, MaxLength(128)] string? Password) : IFleepRequest<ConfirmPasswordRequest>;

/// <summary><c>api/account/configure_email_interval</c>: the id of a digest's preference link and the new interval.</summary>
public sealed record ConfigureEmailIntervalRequest(
    [property: Required, MaxLength(128)] string? NotificationId,
    [property: MaxLength(16)] string? EmailInterval) : IFleepRequest<ConfigureEmailIntervalRequest>;

/// <summary><c>api/account/unsubscribe</c>: the id of a digest's unsubscribe link.</summary>
public sealed record UnsubscribeRequest([property: Required, MaxLength(128)] string? NotificationId) : IFleepRequest<UnsubscribeRequest>;

/// <summary><c>api/account/set_flag</c>: <c>bool_value</c> false clears the flag.</summary>
public sealed record SetFlagRequest(
    [property: Required] string? ClientFlag,
    bool? BoolValue) : IFleepRequest<SetFlagRequest>;

/// <summary><c>api/account/poll</c>; <c>download_url</c> and other extras are ignored.</summary>
public sealed record PollRequest(
    long? EventHorizon,
    bool? Wait,
    List<string>? PollFlags) : IFleepRequest<PollRequest>;

/// <summary><c>api/account/sync_conversations</c>.</summary>
public sealed record SyncConversationsRequest([property: Required] List<Guid>? ConversationIds, string? MkInitMode)
    : IFleepRequest<SyncConversationsRequest>;

/// <summary><c>api/account/listen</c>; <c>download_url</c> is accepted and not used.</summary>
public sealed record ListenRequest(
    long? EventHorizon,
    bool? Wait,
    string? DownloadUrl) : IFleepRequest<ListenRequest>;

/// <summary><c>api/account/configure_primary_email</c>: a confirmed alias of the caller.</summary>
public sealed record ConfigurePrimaryEmailRequest([property: Required, MaxLength(1024)] string? PrimaryEmail) : IFleepRequest<ConfigurePrimaryEmailRequest>;
