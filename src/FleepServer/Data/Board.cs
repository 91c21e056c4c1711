namespace FleepServer.Data;

/// <summary>
/// A taskboard column (docs/boards.md): a section of a conversation's taskboard
/// (<see cref="ConversationId"/> set, <c>mk_section_type</c> task) or of one account's personal
/// board (<see cref="AccountId"/> set, my_task). Every conversation has To Do and Archived, whose
/// ids are derived from the conversation id (<c>TaskSections</c>), so a row for them is only
/// stored once one of them changes; user sections are always stored. A deleted section keeps its
/// row with <see cref="IsDeleted"/> so the deletion reaches every session.
/// </summary>
public sealed class Section
{
    public Guid Id { get; set; }

    /// <summary>The conversation whose taskboard this is; null for a personal board section.</summary>
    public Guid? ConversationId { get; set; }

    /// <summary>The owner of a personal board section; null for a conversation's section.</summary>
    public Guid? AccountId { get; set; }

    public required string Name { get; set; }

    /// <summary>The last part of <c>mk_section_type</c>: task (conversation) or my_task (personal board).</summary>
    public required string MkSectionType { get; set; }

    /// <summary>The last part of <c>mk_section_subtype</c>: default (To Do), archived or user.</summary>
    public required string MkSectionSubtype { get; set; }

    /// <summary>Board order, highest first: To Do 4294967296, Archived 0.</summary>
    public double Weight { get; set; }

    public bool IsDeleted { get; set; }

    public DateTimeOffset CreatedTime { get; set; }

    /// <summary>The time of the last change; the order of section sync.</summary>
    public DateTimeOffset StoreTime { get; set; }
}

/// <summary>
/// An item of one account's own, private list that is not a conversation message (docs/boards.md):
/// a personal task (<see cref="Kind"/> task, from my_message:add_todo) or a canned response
/// (canned, from my_message:add_canned). Only its owner ever sees it. <see cref="Id"/> is its
/// <c>message_id</c>; a deleted item keeps its row with <see cref="IsDeleted"/>.
/// </summary>
public sealed class MyMessage
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }

    /// <summary>task or canned.</summary>
    public required string Kind { get; set; }

    /// <summary>The text as Fleep message XML (<c>&lt;msg&gt;…&lt;/msg&gt;</c>); "" when deleted.</summary>
    public required string Body { get; set; }

    /// <summary>The name a canned response is picked by; null for tasks.</summary>
    public string? CannedName { get; set; }

    /// <summary>Attached files, as on conversation messages; null when it never had any.</summary>
    public List<MessageFile>? Files { get; set; }

    /// <summary>A task's personal board section and its order there (ascending); null for canned responses.</summary>
    public Guid? SectionId { get; set; }

    public double? TaskWeight { get; set; }

    /// <summary>The last part of <c>mk_message_state</c>: todo or done for tasks, plain for canned responses, deleted.</summary>
    public required string MkMessageState { get; set; }

    public bool IsArchived { get; set; }
    public bool IsDeleted { get; set; }

    public DateTimeOffset PostedTime { get; set; }

    /// <summary>The time of the last change; the order (with the id) of contact:sync_canned paging.</summary>
    public DateTimeOffset StoreTime { get; set; }
}

/// <summary>
/// Where a conversation task (by its <see cref="Message.MessageId"/>) sits on one account's
/// personal board (task:set_position, task:archive, task:unarchive): the account's own order and
/// archive state for a task assigned to it, which no other member sees.
/// </summary>
public sealed class MyTaskPlace
{
    public Guid AccountId { get; set; }
    public Guid MessageId { get; set; }
    public Guid? SectionId { get; set; }
    public double? TaskWeight { get; set; }
    public bool IsArchived { get; set; }
    public DateTimeOffset StoreTime { get; set; }
}
