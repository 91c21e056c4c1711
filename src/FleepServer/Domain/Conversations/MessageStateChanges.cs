using FleepServer.Data;
using FleepServer.Errors;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// The state rules of a message, applied by one member (<see cref="ViewerId"/>) at one moment
/// (<see cref="Now"/>): tag transitions, edits, reactions, spam, the url
/// preview flag and a task's place on the taskboard. Each change works on the message alone, with
/// no database, and answers whether it changed anything; the caller turns a change into one
/// revision. System messages refuse every change (431 invalid_edit); a deleted message stays
/// deleted and takes no change.
/// </summary>
public readonly record struct MessageStateChanges(Guid ViewerId, DateTimeOffset Now)
{
    /// <summary>The tags message/store understands: Fleep's state tags and this server's <c>plain</c> and <c>unarchive</c>.</summary>
    public static readonly IReadOnlySet<string> KnownTags = new HashSet<string>(StringComparer.Ordinal)
    {
        MessageTags.Pin, MessageTags.Unpin, MessageTags.IsTodo, MessageTags.IsDone, MessageTags.IsArchived, MessageTags.IsDeleted,
        MessageTags.Plain, MessageTags.Unarchive,
    };

    /// <summary>System messages are the flow's own record of events: they cannot be edited, tagged or deleted.</summary>
    public static void RequireUserMessage(Message message)
    {
        if (message.MkMessageState == MessageStates.System)
        {
            throw FleepErrors.BusinessRule("invalid_edit", "System messages cannot be changed.");
        }
    }

    /// <summary>The state tags a new message may carry: one of them at most, with their record companions.</summary>
    private static readonly string[] NewStates = [MessageTags.Pin, MessageTags.IsTodo, MessageTags.IsDone];

    /// <summary>
    /// The tags of a new message (message/send, message/store without message_nr), checked: at most
    /// one state of pin, is_todo and is_done (a new message is pinned, a task to do or a task done,
    /// docs/boards.md "New messages"), and the companions records show with them (is_shared with
    /// any of them, is_task with is_todo or is_done) accepted and implied. Answers the one state
    /// tag to apply, or none for a plain message; anything else is 400 invalid_field.
    /// </summary>
    public static IReadOnlyList<string> NewMessageTags(IReadOnlyCollection<string?> tags)
    {
        foreach (var tag in tags)
        {
            if (tag is null || !(NewStates.Contains(tag) || tag is MessageTags.IsShared or MessageTags.IsTask))
            {
                throw FleepErrors.InvalidField("tags", $"a new message takes pin, is_todo or is_done (with is_shared, is_task), not {tag ?? "null"}");
            }
        }

        var states = NewStates.Where(tags.Contains).ToList();
        if (states.Count > 1)
        {
            throw FleepErrors.InvalidField("tags", $"{string.Join(" and ", states)} exclude each other: a new message takes one of them");
        }

        if (tags.Contains(MessageTags.IsTask) && !states.Any(s => s is MessageTags.IsTodo or MessageTags.IsDone))
        {
            throw FleepErrors.InvalidField("tags", "is_task comes with is_todo or is_done");
        }

        if (tags.Contains(MessageTags.IsShared) && states.Count == 0)
        {
            throw FleepErrors.InvalidField("tags", "is_shared comes with pin, is_todo or is_done");
        }

        return states;
    }

    /// <summary>Whether these tags make the message a task that has no place on the taskboard yet.</summary>
    public static bool MakesTask(IReadOnlyCollection<string> tags, Message message) =>
        message.TaskWeight is null && (tags.Contains(MessageTags.IsTodo) || tags.Contains(MessageTags.IsDone));

    /// <summary>
    /// A deleted message: an empty body, no subject, state deleted and only the tag is_deleted; its
    /// attachments are removed by <paramref name="deleterId"/> (their file records say so).
    /// </summary>
    public static void MarkDeleted(Message message, Guid deleterId)
    {
        message.MkMessageState = MessageStates.Deleted;
        message.Tags = [MessageTags.IsDeleted];
        message.Body = "";
        message.Subject = null;
        if (message.Files is { } files && files.Any(f => !f.IsDeleted))
        {
            message.Files = [.. files.Select(f => f.IsDeleted ? f : f with { IsDeleted = true, DeleterId = deleterId })];
        }
    }

    /// <summary>
    /// Replaces the attachment list with <paramref name="wanted"/> (the message's kept attachments
    /// and new ones): every current attachment not in it is removed by <paramref name="deleterId"/>
    /// (it stays in the list, <c>is_deleted</c>, so the message XML and the file records show the
    /// removal); new ones go to the end. False when nothing changed.
    /// </summary>
    public static bool ReplaceFiles(Message message, IReadOnlyList<MessageFile> wanted, Guid deleterId)
    {
        var kept = wanted.Select(f => f.AttachmentId).ToHashSet(StringComparer.Ordinal);
        var current = message.Files ?? [];
        var changed = false;
        var files = new List<MessageFile>(current.Count + wanted.Count);
        foreach (var f in current)
        {
            if (!f.IsDeleted && !kept.Contains(f.AttachmentId))
            {
                files.Add(f with { IsDeleted = true, DeleterId = deleterId });
                changed = true;
            }
            else
            {
                files.Add(f);
            }
        }

        var existing = current.Select(f => f.AttachmentId).ToHashSet(StringComparer.Ordinal);
        foreach (var f in wanted.Where(f => !existing.Contains(f.AttachmentId)))
        {
            files.Add(f);
            changed = true;
        }

        if (changed)
        {
            message.Files = files.Count == 0 ? null : files;
        }

        return changed;
    }

    /// <summary>Removes one attachment; false when it was removed already. An unknown id is <c>not_found</c>.</summary>
    public static bool RemoveFile(Message message, string attachmentId, Guid deleterId)
    {
        var file = message.Files?.FirstOrDefault(f => f.AttachmentId == attachmentId) ?? throw FleepErrors.AttachmentNotFound();
        if (file.IsDeleted)
        {
            return false;
        }

        message.Files = [.. message.Files!.Select(f => f.AttachmentId == attachmentId ? f with { IsDeleted = true, DeleterId = deleterId } : f)];
        return true;
    }

    /// <summary>Whether the message still shows a file (a message with files may have no text).</summary>
    public static bool HasFiles(Message message) => message.Files?.Any(f => !f.IsDeleted) == true;

    /// <summary>
    /// Changes the body and/or subject. Only the author edits a plain message; pinned and task
    /// messages are shared and any member may edit them; a member holding the edit lock keeps
    /// others out; a deleted message stays deleted. Saving ends the editor's lock.
    /// <paramref name="files"/>, when given, is the full new attachment list (<see cref="ReplaceFiles"/>).
    /// An empty text is allowed while the message keeps a file: its body is then only the files.
    /// </summary>
    public bool Edit(Message message, string? text, string? subject, IReadOnlyList<MessageFile>? files = null)
    {
        if (!IsChangeable(message))
        {
            return false;
        }

        if (!message.Tags.Contains(MessageTags.IsShared) && message.AccountId != ViewerId)
        {
            throw FleepErrors.InvalidEdit();
        }

        if (ConversationActivity.LockHolder(message, Now) is { } holder && holder != ViewerId)
        {
            throw ConversationActivity.Locked();
        }

        message.LockAccountId = null;
        message.LockedUntil = null;
        if (files is not null)
        {
            ReplaceFiles(message, files, ViewerId);
        }

        if (text is not null)
        {
            message.Body = !string.IsNullOrWhiteSpace(text) ? Markup.ToXml(text)
                : HasFiles(message) ? MessageActions.FileMessageBody
                : throw FleepErrors.EmptyMessage();
        }
        else if (files is not null && !HasFiles(message) && message.Body == MessageActions.FileMessageBody)
        {
            // Taking the last file away from a message that is only files leaves nothing to show.
            throw FleepErrors.EmptyMessage();
        }

        if (subject is not null)
        {
            message.Subject = subject.Length == 0 ? null : subject;
        }

        return true;
    }

    /// <summary>
    /// Gives an attachment a new name: allowed to whoever may edit the message (<see cref="Edit"/>'s
    /// rule). A removed attachment or an unknown id is <c>not_found</c>; false when the name is the same.
    /// </summary>
    public bool RenameFile(Message message, string attachmentId, string name)
    {
        if (!IsChangeable(message))
        {
            throw FleepErrors.AttachmentNotFound();
        }

        if (!message.Tags.Contains(MessageTags.IsShared) && message.AccountId != ViewerId)
        {
            throw FleepErrors.InvalidEdit();
        }

        var file = message.Files?.FirstOrDefault(f => f.AttachmentId == attachmentId && !f.IsDeleted) ?? throw FleepErrors.AttachmentNotFound();
        if (file.FileName == name)
        {
            return false;
        }

        message.Files = [.. message.Files!.Select(f => f.AttachmentId == attachmentId ? f with { FileName = name } : f)];
        return true;
    }

    /// <summary>
    /// State changes through tags: pin, unpin, is_todo, is_done, is_archived,
    /// is_deleted, and this server's <c>plain</c> (back to a plain message) and <c>unarchive</c>.
    /// A message that becomes a task joins the To Do section at <paramref name="taskWeight"/> (the
    /// end of the board); archiving a task moves it to the Archived section, archiving a pin unpins it.
    /// </summary>
    public bool ApplyTags(Message message, IReadOnlyCollection<string> tags, double? pinWeight = null, List<Guid>? assignees = null,
        double? taskWeight = null)
    {
        RequireUserMessage(message);
        foreach (var tag in tags.Where(t => t is null || !KnownTags.Contains(t)))
        {
            throw FleepErrors.InvalidField("tags", $"unknown tag {tag}");
        }

        if (message.MkMessageState == MessageStates.Deleted)
        {
            return false;
        }

        ApplyState(message, tags, pinWeight, taskWeight);
        if (assignees is not null)
        {
            message.AssigneeIds = assignees.Distinct().ToList();
        }

        return true;
    }

    private void ApplyState(Message message, IReadOnlyCollection<string> tags, double? pinWeight, double? taskWeight)
    {
        var sections = TaskSections.Of(message.ConversationId);
        var state = message.MkMessageState;
        if (tags.Contains(MessageTags.IsDeleted))
        {
            MarkDeleted(message, ViewerId);
        }
        else if (tags.Contains(MessageTags.Plain))
        {
            ToPlain(message);
        }
        else if ((tags.Contains(MessageTags.Pin) && tags.Contains(MessageTags.IsArchived)) || tags.Contains(MessageTags.Unpin)
                 || (tags.Contains(MessageTags.IsArchived) && state == MessageStates.Pinned))
        {
            message.MkMessageState = MessageStates.Unpinned;
            message.Tags = [MessageTags.IsArchived, MessageTags.IsShared, MessageTags.Unpin];
            message.RefMessageNr = message.MessageNr;
        }
        else if (tags.Contains(MessageTags.Pin) || (tags.Contains(MessageTags.Unarchive) && state == MessageStates.Unpinned))
        {
            message.MkMessageState = MessageStates.Pinned;
            message.Tags = [MessageTags.IsShared, MessageTags.Pin];
            message.PinWeight = pinWeight ?? message.PinWeight ?? Now.ToUnixTimeSeconds();
            message.PinnedAccountId = ViewerId;
        }
        else if (tags.Contains(MessageTags.Unarchive))
        {
            message.Tags = [.. message.Tags.Where(t => t != MessageTags.IsArchived)];
            message.SectionId = message.Tags.Contains(MessageTags.IsTask) ? sections.ToDo : message.SectionId;
        }
        else if (tags.Contains(MessageTags.IsDone))
        {
            message.MkMessageState = MessageStates.Done;
            message.Tags = [MessageTags.IsDone, MessageTags.IsShared, MessageTags.IsTask];
            message.TaskedAccountId ??= ViewerId;
            message.SectionId ??= sections.ToDo;
            message.TaskWeight ??= taskWeight;
        }
        else if (tags.Contains(MessageTags.IsTodo))
        {
            message.MkMessageState = MessageStates.Todo;
            message.Tags = [MessageTags.IsShared, MessageTags.IsTask, MessageTags.IsTodo];
            message.TaskedAccountId = ViewerId;
            message.SectionId = sections.ToDo;
            message.TaskWeight ??= taskWeight;
        }
        else if (tags.Contains(MessageTags.IsArchived))
        {
            message.Tags = [.. message.Tags.Where(t => t != MessageTags.IsArchived).Append(MessageTags.IsArchived).Order()];
            message.SectionId = message.Tags.Contains(MessageTags.IsTask) ? sections.Archived : message.SectionId;
        }
    }

    private static void ToPlain(Message message)
    {
        message.MkMessageState = MessageStates.Plain;
        message.Tags = [];
        message.PinWeight = null;
        message.PinnedAccountId = null;
        message.TaskedAccountId = null;
        message.SectionId = null;
        message.TaskWeight = null;
        message.AssigneeIds = [];
    }

    /// <summary>
    /// Adds and removes the viewer's reactions (reaction text → account ids, reactions in ordinal
    /// order). An empty reaction text is ignored; a reaction nobody keeps disappears, and a message
    /// without reactions has none (null).
    /// </summary>
    public bool React(Message message, IEnumerable<string> add, IEnumerable<string> remove)
    {
        if (!IsChangeable(message))
        {
            return false;
        }

        var reactions = new SortedDictionary<string, List<Guid>>(StringComparer.Ordinal);
        foreach (var (reaction, who) in message.Reactions ?? [])
        {
            reactions[reaction] = [.. who];
        }

        var changed = false;
        foreach (var reaction in add.Where(x => x.Length > 0))
        {
            var who = reactions.TryGetValue(reaction, out var list) ? list : reactions[reaction] = [];
            if (!who.Contains(ViewerId))
            {
                who.Add(ViewerId);
                changed = true;
            }
        }

        foreach (var reaction in remove)
        {
            if (reactions.TryGetValue(reaction, out var who) && who.Remove(ViewerId))
            {
                changed = true;
                if (who.Count == 0)
                {
                    reactions.Remove(reaction);
                }
            }
        }

        message.Reactions = reactions.Count == 0 ? null : new Dictionary<string, List<Guid>>(reactions, StringComparer.Ordinal);
        return changed;
    }

    /// <summary>Replaces the assignees (each once) of a message that is neither deleted nor a system message; false when they are the same.</summary>
    public static bool Assign(Message message, List<Guid> assignees)
    {
        if (message.MkMessageState is MessageStates.Deleted or MessageStates.System
            || assignees.Distinct().Order().SequenceEqual(message.AssigneeIds.Order()))
        {
            return false;
        }

        message.AssigneeIds = assignees.Distinct().ToList();
        return true;
    }

    /// <summary>A new place on the pinboard, for a pinned message only.</summary>
    public static bool SetPinWeight(Message message, double weight)
    {
        if (!message.Tags.Contains(MessageTags.Pin))
        {
            return false;
        }

        message.PinWeight = weight;
        return true;
    }

    /// <summary>Turns the url preview off or on again; a deleted message keeps its flag.</summary>
    public static bool SetUrlPreviewDisabled(Message message, bool disabled)
    {
        if (disabled == message.IsUrlPreviewDisabled || message.MkMessageState == MessageStates.Deleted)
        {
            return false;
        }

        message.IsUrlPreviewDisabled = disabled;
        return true;
    }

    /// <summary>Marks or unmarks spam; deleted and system messages keep their mark.</summary>
    public static bool SetSpam(Message message, bool spam)
    {
        if (spam == message.IsSpam || message.MkMessageState is MessageStates.Deleted or MessageStates.System)
        {
            return false;
        }

        message.IsSpam = spam;
        return true;
    }

    /// <summary>
    /// Moves a task (section_id and/or task_weight): the Archived section archives it, any other
    /// section of the board (To Do or a user section, checked by the caller) unarchives it. A
    /// message that is not a task stays where it is.
    /// </summary>
    public bool PlaceTask(Message message, Guid? sectionId, double? weight)
    {
        if (!message.Tags.Contains(MessageTags.IsTask) || !IsChangeable(message))
        {
            return false;
        }

        var changed = false;
        if (weight is { } w && w != message.TaskWeight)
        {
            message.TaskWeight = w;
            changed = true;
        }

        if (sectionId is { } section && section != message.SectionId)
        {
            // The Archived section archives the task; any other section (To Do or a user section)
            // takes it out of the archive first.
            if (section == TaskSections.Of(message.ConversationId).Archived)
            {
                ApplyTags(message, [MessageTags.IsArchived]);
            }
            else
            {
                if (message.Tags.Contains(MessageTags.IsArchived))
                {
                    ApplyTags(message, [MessageTags.Unarchive]);
                }

                message.SectionId = section;
            }

            changed = true;
        }

        return changed;
    }

    /// <summary>Refuses system messages; false for a deleted message, which takes no change.</summary>
    private static bool IsChangeable(Message message)
    {
        RequireUserMessage(message);
        return message.MkMessageState != MessageStates.Deleted;
    }
}
