using FleepServer.Data;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// The team operations of a conversation change (docs/teams.md, docs/conversations.md "Membership
/// reasons"): a team joins or leaves the conversation, and a team's members join or leave with it.
/// A member's reasons are <see cref="ConversationMember.InOwnRight"/> and
/// <see cref="ConversationMember.ViaTeamIds"/>; its membership ends when the last one goes.
/// </summary>
public sealed partial class ConversationChange
{
    /// <summary>True when a member gained or lost a team as a reason in this change.</summary>
    public bool ReasonsChanged { get; private set; }

    /// <summary>
    /// The team joins: <see cref="Conversation.TeamIds"/> gains it, its members who are not members
    /// join through it (an <c>add_teamV2</c> message names them), members already here gain the
    /// team as a reason. Nothing happens when the team is here already.
    /// </summary>
    public void AddTeam(Team team)
    {
        if (Conversation.TeamIds.Contains(team.Id))
        {
            return;
        }

        Conversation.TeamIds = [.. Conversation.TeamIds, team.Id];
        var joiners = team.Members.Distinct().Where(id => Member(id) is not { IsActive: true }).ToList();
        var message = AppendSystem(SystemTypes.AddTeam, FlowWriter.SystemBody(("members", joiners),
            ("sysmsg_text", "{author} added {members} using {team_name}"), ("team_id", team.Id), ("team_name", team.TeamName),
            ("teams", new[] { team.Id })));
        GainTeam(team, team.Members, message.MessageNr);
    }

    /// <summary>
    /// The team leaves: a <c>kick_team</c> message; its members lose it as a reason, and those left
    /// with none become leavers, as removed members do.
    /// </summary>
    public void RemoveTeam(Team team)
    {
        if (!Conversation.TeamIds.Contains(team.Id))
        {
            return;
        }

        Conversation.TeamIds = Conversation.TeamIds.Where(id => id != team.Id).ToList();
        var through = Members.Where(m => m.IsActive && m.ViaTeamIds.Contains(team.Id)).Select(m => m.AccountId).ToList();
        LoseTeam(team, through, always: true);
    }

    /// <summary>Accounts that joined a team of this conversation: they join through it, or gain it as a reason.</summary>
    public void TeamMembersJoined(Team team, IReadOnlyCollection<Guid> accountIds)
    {
        var joiners = accountIds.Distinct().Where(id => Member(id) is not { IsActive: true }).ToList();
        long? at = null;
        if (joiners.Count > 0)
        {
            at = AppendSystem(SystemTypes.AddTeam, FlowWriter.SystemBody(("members", joiners),
                ("sysmsg_text", "{author} added {members} using {team_name}"), ("team_id", team.Id), ("team_name", team.TeamName),
                ("teams", new[] { team.Id }))).MessageNr;
        }

        GainTeam(team, accountIds, at);
    }

    /// <summary>Accounts that left a team of this conversation: they lose it as a reason; those left with none become leavers.</summary>
    public void TeamMembersLeft(Team team, IReadOnlyCollection<Guid> accountIds) => LoseTeam(team, accountIds, always: false);

    private void GainTeam(Team team, IEnumerable<Guid> accountIds, long? joinAt)
    {
        foreach (var id in accountIds.Distinct())
        {
            if (Member(id) is { IsActive: true } present)
            {
                if (!present.ViaTeamIds.Contains(team.Id))
                {
                    present.ViaTeamIds = MembershipReasons.With(present.ViaTeamIds, team.Id);
                    ReasonsChanged = true;
                }
            }
            else if (joinAt is { } nr)
            {
                Join(id, joinAt: nr, readTo: nr - 1, readInbox: Conversation.LastInboxNr, viaTeam: team.Id);
            }
        }
    }

    /// <param name="always">Append the <c>kick_team</c> message even when nobody leaves (the team itself leaves).</param>
    private void LoseTeam(Team team, IEnumerable<Guid> accountIds, bool always)
    {
        var affected = accountIds.Distinct().Select(Member).Where(m => m is { IsActive: true } && m.ViaTeamIds.Contains(team.Id))
            .Select(m => m!).ToList();
        var leaving = affected.Where(m => !MembershipReasons.StaysWithout(m.InOwnRight, m.ViaTeamIds, team.Id)).ToList();
        foreach (var member in affected)
        {
            member.ViaTeamIds = MembershipReasons.Without(member.ViaTeamIds, team.Id);
            ReasonsChanged = true;
        }

        if (leaving.Count == 0 && !always)
        {
            return;
        }

        var message = AppendSystem(SystemTypes.KickTeam, FlowWriter.SystemBody(("members", leaving.Select(m => m.AccountId).ToList()),
            ("teams", new[] { team.Id }), ("team_id", team.Id), ("team_name", team.TeamName)));
        foreach (var member in leaving)
        {
            End(member, message);
            // As a member removed by someone else: the conversation is gone from its list. The caller
            // itself leaves as by leave.
            member.IsRemoved = member.AccountId != Viewer.AccountId;
        }
    }
}
