using System.ComponentModel.DataAnnotations;
using FleepServer.Domain.Conversations;
using FleepServer.Http;

namespace FleepServer.Domain.Teams;

// The commands of the team actions, bound from the bodies of api/team/* (docs/teams.md).

/// <summary><c>team/create</c>: the creator is the first member and the admin.</summary>
public sealed record CreateTeam : IFleepRequest<CreateTeam>
{
    [Required, MaxLength(1024)] public string? TeamName { get; init; }
    public List<Guid>? AccountIds { get; init; }
    public AddressList? Emails { get; init; }
    public List<Guid>? Conversations { get; init; }
    public bool? IsAutojoin { get; init; }
    public bool? IsManaged { get; init; }
    public bool? IsOrgWide { get; init; }
}

/// <summary>
/// <c>team/configure</c>: every field optional. <c>kick_account_ids</c> removes like
/// <c>remove_account_ids</c>; <c>added_*</c>/<c>removed_*</c> are the older client's names.
/// </summary>
public sealed record ConfigureTeam : IFleepRequest<ConfigureTeam>
{
    [MaxLength(1024)] public string? TeamName { get; init; }
    public AddressList? AddEmails { get; init; }
    public AddressList? RemoveEmails { get; init; }
    public AddressList? AddedEmails { get; init; }
    public AddressList? RemovedEmails { get; init; }
    public List<Guid>? AddConversations { get; init; }
    public List<Guid>? RemoveConversations { get; init; }
    public List<Guid>? AddedConversations { get; init; }
    public List<Guid>? RemovedConversations { get; init; }
    public List<Guid>? AddAccountIds { get; init; }
    public List<Guid>? RemoveAccountIds { get; init; }
    public List<Guid>? KickAccountIds { get; init; }
    public List<Guid>? AddAdminIds { get; init; }
    public List<Guid>? RemoveAdminIds { get; init; }
    public bool? IsAutojoin { get; init; }
    public bool? IsManaged { get; init; }
    public bool? IsOrgWide { get; init; }
}

/// <summary><c>team/sync</c> and the <c>team:get</c> event: a conversation that has the team lets its members read it.</summary>
public sealed record SyncTeam : IFleepRequest<SyncTeam>
{
    public Guid? ConversationId { get; init; }
}

/// <summary><c>team/autojoin</c>: the team id, the KEY of its autojoin_url, or the whole URL.</summary>
public sealed record AutojoinTeam : IFleepRequest<AutojoinTeam>
{
    [Required, MaxLength(2048)] public string? TeamUrlKey { get; init; }
}

/// <summary>The legacy <c>conversation/add_team</c> and <c>remove_team</c> calls.</summary>
public sealed record ConversationTeam : IFleepRequest<ConversationTeam>
{
    [Required] public Guid? TeamId { get; init; }
    public long? FromMessageNr { get; init; }
}
