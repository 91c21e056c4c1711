namespace FleepServer.Data;

/// <summary>
/// One mail waiting to be sent (docs/mail.md): written in the transaction of the change that
/// causes it, so a rolled-back change sends nothing and a committed one is never lost; deleted once
/// the SMTP server accepted it. A sending process holds the row locked while the mail is on its
/// way, so no two processes send the same item.
/// </summary>
public sealed class OutgoingMail
{
    public long Id { get; set; }

    /// <summary>What the mail is for (confirm, reset_password, invite, alias, digest…): logs and metrics only.</summary>
    public required string Kind { get; set; }

    public required string ToAddress { get; set; }
    public string? ToName { get; set; }
    public required string Subject { get; set; }
    public required string TextBody { get; set; }
    public required string HtmlBody { get; set; }

    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptTime { get; set; }
    public DateTimeOffset CreatedTime { get; set; }
    public string? LastError { get; set; }
}

/// <summary>
/// A single-use, expiring id sent by mail (docs/mail.md, "Notifications"): the link or code of a
/// registration, a password reset, an alias confirmation, an invitation, or an e-mail preference
/// link. Only the SHA-256 of the id is stored, bound to its purpose and address; an id answers
/// once, until <see cref="ExpiresTime"/>.
/// </summary>
public sealed class Notification
{
    /// <summary>Hex SHA-256 of the random id the mail carries.</summary>
    public required string IdHash { get; set; }

    /// <summary>confirm, reset_password, alias, invite, preferences.</summary>
    public required string Purpose { get; set; }

    /// <summary>The account it acts on; null for a registration that has no account yet.</summary>
    public Guid? AccountId { get; set; }

    /// <summary>The address the mail went to, as typed (lower-cased key in <see cref="EmailKey"/>).</summary>
    public required string Email { get; set; }

    public required string EmailKey { get; set; }

    /// <summary>Hex SHA-256 of the confirmation code mailed with a registration (<c>NNN-NNN</c>, dashes stripped); null otherwise.</summary>
    public string? CodeHash { get; set; }

    public DateTimeOffset CreatedTime { get; set; }
    public DateTimeOffset ExpiresTime { get; set; }

    /// <summary>When it was used; a used notification answers no more.</summary>
    public DateTimeOffset? UsedTime { get; set; }
}

/// <summary>
/// The last digest window claimed for an account (docs/mail.md, "Digest"): one row per account.
/// The digest job takes the row under its lock, and only a window later than
/// <see cref="WindowStart"/> may be claimed, in the same unit of work that queues the digest; so two
/// processes never mail one window twice, and a digest that rolls back claims nothing.
/// </summary>
public sealed class DigestWindow
{
    public Guid AccountId { get; set; }

    /// <summary>The start of the window of the last digest (UTC, aligned to the window's length); the Unix epoch before the first.</summary>
    public DateTimeOffset WindowStart { get; set; }

    /// <summary>Messages posted at or before this time were considered by the last digest; null before the first.</summary>
    public DateTimeOffset? CoveredUntil { get; set; }

    /// <summary>When the last digest was queued.</summary>
    public DateTimeOffset? SentTime { get; set; }
}
