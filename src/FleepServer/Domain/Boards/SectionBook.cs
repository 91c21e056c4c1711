using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Boards;

/// <summary>
/// The sections of a conversation's taskboard (docs/boards.md, "Sections"): the stored
/// <c>sections</c> rows merged with the two every conversation has, To Do and Archived, whose ids
/// <see cref="TaskSections"/> derives from the conversation id. A default section gets its row
/// the first time it changes (a rename, a move), so conversations made before sections were
/// stored need nothing written.
/// </summary>
public sealed class SectionBook(FleepDbContext db)
{
    public const string ToDoName = "To Do";
    public const string ArchivedName = "Archived";
    public const int MaxNameLength = 1024;

    /// <summary>The two default sections as they are until changed.</summary>
    public static Section[] Defaults(Conversation conversation)
    {
        var ids = TaskSections.Of(conversation.Id);
        return
        [
            Default(conversation, ids.ToDo, ToDoName, SectionSubtypes.Default, SectionPositions.Step),
            Default(conversation, ids.Archived, ArchivedName, SectionSubtypes.Archived, 0),
        ];
    }

    private static Section Default(Conversation c, Guid id, string name, string subtype, double weight) => new()
    {
        Id = id,
        ConversationId = c.Id,
        Name = name,
        MkSectionType = SectionTypes.Task,
        MkSectionSubtype = subtype,
        Weight = weight,
        CreatedTime = c.CreatedTime,
        StoreTime = c.CreatedTime,
    };

    /// <summary>The live sections of the conversation in board order (read only).</summary>
    public async Task<List<Section>> ListAsync(Conversation conversation, CancellationToken ct)
    {
        var stored = await db.Sections.AsNoTracking().Where(s => s.ConversationId == conversation.Id).ToListAsync(ct);
        return Merge(conversation, stored);
    }

    /// <summary>The conversation's sections, tracked for change, in board order (inside a change, under the conversation lock).</summary>
    public async Task<List<Section>> ListForChangeAsync(Conversation conversation, CancellationToken ct)
    {
        var stored = await db.Sections.Where(s => s.ConversationId == conversation.Id).ToListAsync(ct);
        return Merge(conversation, stored);
    }

    private static List<Section> Merge(Conversation conversation, List<Section> stored)
    {
        var ids = stored.Select(s => s.Id).ToHashSet();
        return SectionPositions.Ordered(stored.Where(s => !s.IsDeleted).Concat(Defaults(conversation).Where(d => !ids.Contains(d.Id))),
            s => new SectionEntry(s.Id, s.Weight));
    }

    /// <summary>
    /// One live section of the list; an unknown id, a deleted section or another conversation's
    /// section is <c>430 not_found</c>, as an unknown message is.
    /// </summary>
    public static Section Require(IEnumerable<Section> sections, Guid sectionId, string field = "section_id") =>
        sections.FirstOrDefault(s => s.Id == sectionId) ?? throw FleepErrors.SectionNotFound(field);

    /// <summary>Makes a default section a stored row before its first change (it is not tracked yet).</summary>
    public void Store(Section section, DateTimeOffset now)
    {
        if (db.Entry(section).State == EntityState.Detached)
        {
            db.Sections.Add(section);
        }

        section.StoreTime = now;
    }

    /// <summary>A new user section.</summary>
    public Section Add(Conversation conversation, string name, double weight, DateTimeOffset now)
    {
        var section = new Section
        {
            Id = Guid.CreateVersion7(now),
            ConversationId = conversation.Id,
            Name = name,
            MkSectionType = SectionTypes.Task,
            MkSectionSubtype = SectionSubtypes.User,
            Weight = weight,
            CreatedTime = now,
            StoreTime = now,
        };
        db.Sections.Add(section);
        return section;
    }

    /// <summary>A section name: trimmed, 1 to <see cref="MaxNameLength"/> characters.</summary>
    public static string ValidName(string? name, string field = "section_name")
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw name is null ? FleepErrors.MissingField(field) : FleepErrors.InvalidField(field, "a non-empty name");
        }

        return trimmed.Length <= MaxNameLength ? trimmed : throw FleepErrors.InvalidField(field, $"at most {MaxNameLength} characters");
    }
}

/// <summary>The last part of <c>mk_section_type</c> of a conversation's sections.</summary>
public static class SectionTypes
{
    public const string Task = "task";
}

/// <summary>The last part of <c>mk_section_subtype</c>.</summary>
public static class SectionSubtypes
{
    public const string Default = "default";
    public const string Archived = "archived";
    public const string User = "user";
}
