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

    public static TaskSections Of(Guid conversationId) =>
        new(DerivedKeys.Id($"fleep-task-section:{conversationId:D}:todo"), DerivedKeys.Id($"fleep-task-section:{conversationId:D}:archived"));

    public bool Contains(Guid sectionId) => sectionId == ToDo || sectionId == Archived;
}
