using System.ComponentModel.DataAnnotations;
using FleepServer.Http;

namespace FleepServer.Domain.Conversations;

// The commands of the conversation actions, bound as they are from the bodies of
// api/conversation/* and built by the conversation events. Limits are the max_len values of
// Fleep's published event catalogue: topic 256 on create, 1024 on set_topic and store.
// from_message_nr 0 means "not given" (FleepSharp sends 0 for an unset number).

/// <summary>
/// <c>conversation/create</c>. <c>fork_conversation_id</c> starts a new
/// conversation with the members of an existing one (a dialog that needs a third person) plus the
/// invitees; the source stays as it is.
/// </summary>
public sealed record CreateConversation : IFleepRequest<CreateConversation>
{
    [MaxLength(256)] public string? Topic { get; init; }
    public List<Guid>? AccountIds { get; init; }
    public AddressList? Emails { get; init; }
    [MaxLength(Limits.MessageBody)] public string? Message { get; init; }
    public string? Subject { get; init; }
    public bool? IsAutojoin { get; init; }
    public bool? IsDisclose { get; init; }
    public bool? IsList { get; init; }
    public bool? IsUrlPreviewDisabled { get; init; }
    public string? MkConvType { get; init; }
    public bool? IsInvite { get; init; }
    public List<string>? Attachments { get; init; }
    public Guid? ForkConversationId { get; init; }

    /// <summary>Teams that join the new conversation (the caller must be in each; docs/teams.md).</summary>
    public List<Guid>? TeamIds { get; init; }

    // Managed conversations need organisations: refused with not_supported when set (docs/compatibility.md, "Conversation calls").
    public bool? IsManaged { get; init; }
    public List<Guid>? AddAdmins { get; init; }
    public List<Guid>? RemoveAdmins { get; init; }
    public bool? IsDeletedByAdmin { get; init; }
}

/// <summary>The managed-conversation inputs this server refuses until organisations exist: a true or non-empty value is 431 not_supported; false, null and empty are accepted.</summary>
public static class ManagedInputs
{
    public static void Refuse(bool? isManaged, List<Guid>? addAdmins, List<Guid>? removeAdmins, bool? isDeletedByAdmin)
    {
        const string feature = "managed conversations";
        if (isManaged == true)
        {
            throw Errors.FleepErrors.NotSupported("is_managed", feature);
        }

        if (addAdmins is { Count: > 0 })
        {
            throw Errors.FleepErrors.NotSupported("add_admins", feature);
        }

        if (removeAdmins is { Count: > 0 })
        {
            throw Errors.FleepErrors.NotSupported("remove_admins", feature);
        }

        if (isDeletedByAdmin == true)
        {
            throw Errors.FleepErrors.NotSupported("is_deleted_by_admin", feature);
        }
    }
}

/// <summary><c>conversation/add_members</c>, <c>remove_members</c>, <c>disclose</c>, <c>disclose_all</c>.</summary>
public sealed record ChangeMembers : IFleepRequest<ChangeMembers>
{
    public AddressList? Emails { get; init; }
    public List<Guid>? AccountIds { get; init; }

    /// <summary>add_members: mail an invitation to every address that has no account yet.</summary>
    public bool? IsInvite { get; init; }

    public long? MessageNr { get; init; }
    public long? FromMessageNr { get; init; }
}

/// <summary><c>conversation/set_topic</c>.</summary>
public sealed record SetTopic : IFleepRequest<SetTopic>
{
    public string? Topic { get; init; }
    public long? FromMessageNr { get; init; }
}

/// <summary><c>conversation/set_alerts</c>.</summary>
public sealed record SetAlerts : IFleepRequest<SetAlerts>
{
    [Required] public string? MkAlertLevel { get; init; }
    public long? FromMessageNr { get; init; }
}

/// <summary><c>conversation/store</c>: every field optional, only the given ones change.</summary>
public sealed record StoreConversation : IFleepRequest<StoreConversation>
{
    public long? ReadMessageNr { get; init; }
    public long? FromMessageNr { get; init; }
    public string? Topic { get; init; }
    public string? MkAlertLevel { get; init; }
    public long? SnoozeInterval { get; init; }
    public AddressList? AddEmails { get; init; }
    public AddressList? RemoveEmails { get; init; }
    public AddressList? DiscloseEmails { get; init; }
    public List<Guid>? AddAccountIds { get; init; }
    public List<Guid>? RemoveAccountIds { get; init; }
    public List<Guid>? KickAccountIds { get; init; }
    public List<Guid>? DiscloseAccountIds { get; init; }
    public List<Guid>? AddIds { get; init; }
    public List<Guid>? RemoveIds { get; init; }
    public List<Guid>? DiscloseIds { get; init; }
    public long? HideMessageNr { get; init; }
    public bool? IsDeleted { get; init; }
    public bool? CanPost { get; init; }
    public bool? IsAutojoin { get; init; }
    public bool? IsDisclose { get; init; }
    public bool? IsUrlPreviewDisabled { get; init; }
    public bool? IsList { get; init; }
    public string? MkConvType { get; init; }
    public bool? HasDoneNotifications { get; init; }
    public string? DefaultCallRoom { get; init; }

    /// <summary>Teams that join or leave the conversation (docs/teams.md).</summary>
    public List<Guid>? AddTeamIds { get; init; }
    public List<Guid>? RemoveTeamIds { get; init; }
    public Guid? ClientReqId { get; init; }

    /// <summary>The caller's labels on the conversation by name, replacing its set (docs/labels.md).</summary>
    public List<string>? Labels { get; init; }

    /// <summary>The same by id.</summary>
    public List<Guid>? LabelIds { get; init; }

    public bool? IsManaged { get; init; }
    public List<Guid>? AddAdmins { get; init; }
    public List<Guid>? RemoveAdmins { get; init; }
    public bool? IsDeletedByAdmin { get; init; }
}

/// <summary>
/// <c>conversation/poke</c>: <c>message_nr</c> is any number the client chooses and
/// comes back in the poke record. <c>is_bg_poke</c> takes the same path (docs/compatibility.md).
/// </summary>
public sealed record PokeConversation : IFleepRequest<PokeConversation>
{
    [Required] public long? MessageNr { get; init; }
    public bool? IsBgPoke { get; init; }
    public long? FromMessageNr { get; init; }
}

/// <summary><c>conversation/unsubscribe</c>: <c>email</c>, when given, must be the caller's own address.</summary>
public sealed record UnsubscribeConversation : IFleepRequest<UnsubscribeConversation>
{
    [MaxLength(1024)] public string? Email { get; init; }
    public long? FromMessageNr { get; init; }
}
