using System.Security.Cryptography;
using System.Text;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// The ids of the two sections every conversation's taskboard has, To Do and Archived, derived
/// from the conversation id so every member and every call names them alike, stored or not
/// (docs/boards.md, "Sections"). A new task's <c>section_id</c> is To Do; an archived task's
/// (tag is_archived) Archived; inside a section tasks run by ascending <c>task_weight</c>, the
/// first task getting <see cref="WeightStep"/>.
/// </summary>
public readonly record struct TaskSections(Guid ToDo, Guid Archived)
{
    /// <summary>The first task's weight and the gap between tasks appended one after another.</summary>
    public const double WeightStep = 4294967296;

    public static TaskSections Of(Guid conversationId) => new(Derive(conversationId, "todo"), Derive(conversationId, "archived"));

    public bool Contains(Guid sectionId) => sectionId == ToDo || sectionId == Archived;

    private static Guid Derive(Guid conversationId, string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"fleep-task-section:{conversationId:D}:{name}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        // A name-based (version 5 style) UUID, RFC 4122 variant.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
