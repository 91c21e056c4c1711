namespace FleepServer.Data;

/// <summary>A Fleep account: the person (or bot) behind a <c>contact</c> record.</summary>
public sealed class Account
{
    public Guid Id { get; set; }

    /// <summary>The address as the user typed it; shown back in <c>email</c>.</summary>
    public required string Email { get; set; }

    /// <summary>Lower-cased <see cref="Email"/>; unique, so addresses match case-insensitively.</summary>
    public required string EmailKey { get; set; }

    public required string DisplayName { get; set; }
    public string? PasswordHash { get; set; }

    /// <summary><c>mk_account_status</c>: new, active, banned, closed, or alias (an e-mail alias of <see cref="AliasOfId"/>).</summary>
    public required string Status { get; set; }

    public string? PhoneNr { get; set; }

    /// <summary><c>mk_email_interval</c>: default, hourly, daily or never.</summary>
    public string EmailInterval { get; set; } = AccountDefaults.EmailInterval;

    /// <summary>Opaque JSON text owned by the clients (<c>client_settings</c>).</summary>
    public string? ClientSettings { get; set; }

    public List<string> ClientFlags { get; set; } = [];
    public bool IsFullPrivacy { get; set; }
    public bool IsNewsletterDisabled { get; set; }
    public bool IsAutomuteEnabled { get; set; }

    /// <summary><c>sleep_interval</c>: 1 (the default) or 0.</summary>
    public long SleepInterval { get; set; } = AccountDefaults.SleepInterval;

    /// <summary><c>mk_push_new_message</c>: push for the <c>first</c> unread message or for <c>all</c>; null until chosen.</summary>
    public string? MkPushNewMessage { get; set; }

    /// <summary>The user's status line and emoji, shown to everyone who sees the contact.</summary>
    public string? StatusMessage { get; set; }

    public string? StatusEmoji { get; set; }

    /// <summary>When the owner asked for the account to be deleted (account:delete); an administrator acts on it.</summary>
    public DateTimeOffset? DeleteRequestedTime { get; set; }
    public required string FleepAddress { get; set; }
    public required string FleepAutogen { get; set; }
    public DateTimeOffset CreatedTime { get; set; }
    public DateTimeOffset? ActivatedTime { get; set; }

    /// <summary>When the account last used the API (<c>activity_time</c>, <c>lastseen</c>); null if never.</summary>
    public DateTimeOffset? ActivityTime { get; set; }

    /// <summary>Wrong passwords in a row since the last successful login or expired lockout.</summary>
    public int FailedLoginCount { get; set; }

    public DateTimeOffset? LockoutEnd { get; set; }

    /// <summary>For an alias account (status <c>alias</c>, docs/mail.md, "Aliases"): the account whose address it is; null otherwise.</summary>
    public Guid? AliasOfId { get; set; }

    /// <summary>
    /// The owner's confirmed aliases (<c>alias_account_ids</c> of its own contact), kept with
    /// <see cref="AliasOfId"/> by the alias changes, which hold the owner's row locked.
    /// </summary>
    public List<Guid> AliasAccountIds { get; set; } = [];

    /// <summary>The avatar image's content and the sizes made of it (<c>avatar_urls</c>); null without an avatar.</summary>
    public FileFacts? Avatar { get; set; }
}

public static class AccountStatus
{
    public const string New = "new";
    public const string Active = "active";
    public const string Banned = "banned";
    public const string Closed = "closed";

    /// <summary>A confirmed e-mail alias of another account (docs/mail.md, "Aliases").</summary>
    public const string Alias = "alias";
}

public static class AccountDefaults
{
    public const string EmailInterval = "default";
    public const long SleepInterval = 1;

    /// <summary>The flags the live server gave new accounts.</summary>
    public static List<string> NewClientFlags() => ["emoticons_old", "send_email_on_enter", "show_onboarding"];
}
