using System.Text.Json.Serialization;
using FleepServer.Data;
using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>TeamInfo, <c>mk_rec_type: "team"</c> (docs/teams.md).</summary>
public sealed record TeamRecord : IStreamRecord
{
    public string MkRecType => "team";
    public required Guid TeamId { get; init; }
    public required string TeamName { get; init; }
    public required IReadOnlyList<Guid> Members { get; init; }
    public required IReadOnlyList<Guid> Admins { get; init; }

    /// <summary>Invited accounts that have not joined yet; none until invitations by mail exist.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IReadOnlyList<Guid>? Pending { get; init; }

    public required bool IsAutojoin { get; init; }
    public required string AutojoinUrl { get; init; }
    public required bool IsDeleted { get; init; }
    public bool IsManaged => false;
    public bool IsOrgWide => false;
    public bool IsTiny => false;
    public string MkSyncMode => "tsm_full";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public Guid? OrganisationId => null;

    public required long TeamVersionNr { get; init; }
}

/// <summary>The one builder of <see cref="TeamRecord"/>s.</summary>
public static class TeamRecords
{
    public static TeamRecord For(Team t, string publicBaseUrl) => new()
    {
        TeamId = t.Id,
        TeamName = t.TeamName,
        Members = t.Members,
        Admins = t.Admins,
        IsAutojoin = t.IsAutojoin,
        AutojoinUrl = $"{publicBaseUrl.TrimEnd('/')}/team/{t.AutojoinKey}",
        IsDeleted = t.IsDeleted,
        TeamVersionNr = t.VersionNr,
    };
}
