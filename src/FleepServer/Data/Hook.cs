namespace FleepServer.Data;

/// <summary>
/// A conversation hook (HookInfo): an integration's way into the
/// conversation (<c>POST /hook/&lt;token&gt;</c>) and, with <see cref="OutgoingUrl"/>, out of it.
/// Messages posted through it are messages of its owner (<see cref="AccountId"/>) marked with
/// <see cref="HookKey"/>. A dropped hook keeps its row (<see cref="IsActive"/> false) so the
/// flow's hook messages still render. The URL token itself is never stored: only its SHA-256
/// (docs/hooks.md).
/// </summary>
public sealed class Hook
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }

    /// <summary>The owner: creator of the hook and author of every message posted through it.</summary>
    public Guid AccountId { get; set; }

    /// <summary>Short public identifier, unique in the conversation: management calls and MessageInfo.hook_key use it.</summary>
    public required string HookKey { get; set; }

    /// <summary>SHA-256 of the URL token; the token is derived from the hook id and the server's hook key.</summary>
    public required byte[] TokenHash { get; set; }

    public required string HookName { get; set; }

    /// <summary><c>mk_hook_type</c>: one of <see cref="HookTypes.All"/>.</summary>
    public required string MkHookType { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>
    /// Where new messages of the conversation are POSTed (docs/hooks.md, "Outgoing deliveries");
    /// <c>""</c> when none.
    /// </summary>
    public string OutgoingUrl { get; set; } = "";

    public bool OutgoingDisabled { get; set; }
    public string? OutgoingDisableReason { get; set; }

    /// <summary>Consecutive failed deliveries to <see cref="OutgoingUrl"/>; a success resets it.</summary>
    public int OutgoingFailures { get; set; }

    public Guid? ExternalAccountId { get; set; }
    public string? ExternalObjectId { get; set; }

    public DateTimeOffset CreatedTime { get; set; }

    /// <summary>
    /// Scheme and host of the request that created the hook: the base of <c>reply_url</c> in outgoing
    /// deliveries, which no request is there to name, unless <c>Fleep:PublicUrl</c> is configured.
    /// </summary>
    public required string BaseUrl { get; set; }

    /// <summary>True while new messages are to be delivered to <see cref="OutgoingUrl"/>.</summary>
    public bool Delivers => IsActive && OutgoingUrl.Length > 0 && !OutgoingDisabled;
}

/// <summary>
/// One message waiting to be POSTed to a hook's outgoing URL: the durable outbox of outgoing
/// webhooks, written in the transaction of the message it names (docs/hooks.md).
/// </summary>
public sealed class HookDelivery
{
    public long Id { get; set; }
    public Guid HookId { get; set; }
    public Guid ConversationId { get; set; }
    public long MessageNr { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptTime { get; set; }
    public DateTimeOffset CreatedTime { get; set; }
    public string? LastError { get; set; }
}

/// <summary><c>mk_hook_type</c> values.</summary>
public static class HookTypes
{
    public const string Plain = "plain";
    public const string Slack = "slack";
    public const string Import = "import";
    public const string GitHub = "github";

    public static readonly string[] All =
    [
        Plain, Slack, Import, GitHub, "gitlab", "bitbucket", "jira", "confluence", "newrelic", "pivotaltracker", "ifttt", "zapier",
        "sameroom", "trello",
    ];

    /// <summary>Only these may have an outgoing URL.</summary>
    public static bool HasOutgoing(string type) => type is Plain or Slack;
}
