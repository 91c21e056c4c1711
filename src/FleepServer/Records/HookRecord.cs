using System.Text.Json.Serialization;
using FleepServer.Data;
using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>
/// HookInfo, <c>mk_rec_type: "hook"</c>, for one viewer: the owner sees
/// <c>hook_url</c> and the outgoing settings, every other member sees <c>hook_url: null</c> and no
/// outgoing fields, except <c>outgoing_disabled: true</c> with its reason once the server has
/// switched delivery off after repeated failures.
/// </summary>
public sealed record HookRecord : IStreamRecord
{
    public string MkRecType => "hook";
    public required Guid ConversationId { get; init; }
    public required Guid AccountId { get; init; }
    public required Guid HookId { get; init; }
    public required string HookKey { get; init; }
    public required string HookName { get; init; }

    /// <summary>Always present: the incoming URL for the owner, null for everyone else.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? HookUrl { get; init; }

    public required bool IsActive { get; init; }
    public required string MkHookType { get; init; }

    /// <summary>Hook avatars are not served: always null (docs/compatibility.md).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? AvatarUrls { get; init; }

    public string? OutgoingUrl { get; init; }
    public bool? OutgoingDisabled { get; init; }

    /// <summary>Present for the owner; null unless delivery was switched off.</summary>
    public string? OutgoingDisableReason { get; init; }

    public Guid? ExternalAccountId { get; init; }
    public string? ExternalObjectId { get; init; }
}

/// <summary>The one builder of <see cref="HookRecord"/>s.</summary>
public static class HookRecords
{
    /// <summary>Switched off by the sender after repeated failures (it gives a reason), not by the owner.</summary>
    private static bool SwitchedOff(Hook hook) => hook.OutgoingDisabled && hook.OutgoingDisableReason is not null;

    /// <param name="hookUrl">The incoming URL; given only when <paramref name="viewerId"/> owns the hook.</param>
    public static HookRecord For(Hook hook, Guid viewerId, string? hookUrl)
    {
        var owner = viewerId == hook.AccountId;
        return new HookRecord
        {
            ConversationId = hook.ConversationId,
            AccountId = hook.AccountId,
            HookId = hook.Id,
            HookKey = hook.HookKey,
            HookName = hook.HookName,
            HookUrl = owner ? hookUrl : null,
            IsActive = hook.IsActive,
            MkHookType = hook.MkHookType,
            OutgoingUrl = owner ? hook.OutgoingUrl : null,
            // Delivery the server switched off after failures is every member's news (the integration
            // stopped); the owner's own settings, the URL above all, stay the owner's.
            OutgoingDisabled = owner ? hook.OutgoingDisabled : SwitchedOff(hook) ? true : null,
            OutgoingDisableReason = owner || SwitchedOff(hook) ? hook.OutgoingDisableReason : null,
            ExternalAccountId = hook.ExternalAccountId,
            ExternalObjectId = hook.ExternalObjectId,
        };
    }
}
