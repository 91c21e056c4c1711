using System.Text.Json.Serialization;
using FleepServer.Data;
using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>
/// SectionInfo, <c>mk_rec_type: "section"</c> (docs/boards.md): a column of a conversation's
/// taskboard (sent to its members) or of one account's personal board (sent to that account only,
/// <c>conversation_id</c> null).
/// </summary>
public sealed record SectionRecord : IStreamRecord
{
    public string MkRecType => "section";
    public required Guid? ConversationId { get; init; }
    public required Guid SectionId { get; init; }
    public required string Name { get; init; }
    public required string MkSectionType { get; init; }
    public required string MkSectionSubtype { get; init; }
    public required double Weight { get; init; }
    public required bool IsDeleted { get; init; }

    /// <summary>Section sync paging: the cursor of the next batch as JSON text; null when not paging or done (sent as null, so a client's cursor ends).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? SyncCursor { get; init; }

    /// <summary>Section sync paging state ("partial" while a next batch remains); null when not paging or done.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? SyncState { get; init; }
}

/// <summary>The one builder of <see cref="SectionRecord"/>s.</summary>
public static class SectionRecords
{
    public const string TypePrefix = "urn:fleep:section:mk_section_type:";
    public const string MyTypePrefix = "urn:fleep:my_section:mk_section_type:";
    public const string SubtypePrefix = "urn:fleep:section:mk_section_subtype:";

    public static SectionRecord For(Section s) => new()
    {
        ConversationId = s.ConversationId,
        SectionId = s.Id,
        Name = s.Name,
        MkSectionType = (s.ConversationId is null ? MyTypePrefix : TypePrefix) + s.MkSectionType,
        MkSectionSubtype = SubtypePrefix + s.MkSectionSubtype,
        Weight = s.Weight,
        IsDeleted = s.IsDeleted,
    };
}
