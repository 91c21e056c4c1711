namespace FleepServer.Domain.Conversations;

/// <summary>
/// The rule of membership reasons (docs/conversations.md, "Membership reasons"), as plain values:
/// a member stays while it is a member in its own right or through at least one team of the
/// conversation.
/// </summary>
public static class MembershipReasons
{
    /// <summary>The teams a member is in through once <paramref name="team"/> is no longer one of them.</summary>
    public static List<Guid> Without(IEnumerable<Guid> viaTeamIds, Guid team) => viaTeamIds.Where(t => t != team).Distinct().ToList();

    /// <summary>The teams a member is in through once <paramref name="team"/> is one of them too.</summary>
    public static List<Guid> With(IReadOnlyCollection<Guid> viaTeamIds, Guid team) => viaTeamIds.Contains(team) ? [.. viaTeamIds] : [.. viaTeamIds, team];

    /// <summary>True while the member has a reason left after losing <paramref name="team"/>.</summary>
    public static bool StaysWithout(bool inOwnRight, IEnumerable<Guid> viaTeamIds, Guid team) => inOwnRight || Without(viaTeamIds, team).Count > 0;
}
