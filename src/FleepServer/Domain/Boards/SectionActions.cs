using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Boards;

/// <summary>
/// The section events of a conversation's taskboard (docs/boards.md, "Sections"): add, rename,
/// delete, set_position, archive_done and archive_all. Each is one conversation change
/// (<see cref="ConversationWriter"/>): the conversation row locked, so concurrent changes of one
/// board apply one after another; members only; the section records and every moved task go to
/// every member's stream in the change's own transaction. A task moved by a section change is a
/// revision of its message, as message/store makes it.
/// </summary>
public sealed class SectionActions(FleepDbContext db, ConversationWriter writer, SectionBook book, BoardFlags flags)
{
    /// <summary>section:task:add: a user section right after <paramref name="prevSectionId"/>; without it, the last one before Archived.</summary>
    public Task<ConvResult> AddAsync(Guid accountId, Guid conversationId, string? sectionName, Guid? prevSectionId, Guid? clientReqId,
        CancellationToken ct)
    {
        var name = SectionBook.ValidName(sectionName);
        return Change(accountId, conversationId, clientReqId, async (change, sections, token) =>
        {
            var prev = prevSectionId is { } id ? Above(sections, id, "prev_section_id") : sections.Last(s => s.MkSectionSubtype != SectionSubtypes.Archived);
            var weight = SectionPositions.After(sections.Select(Entry), prev.Id);
            change.Sections.Add(book.Add(change.Conversation, name, weight, change.Now));
            await Task.CompletedTask;
        }, ct);
    }

    /// <summary>section:task:rename: any live section, the defaults included.</summary>
    public Task<ConvResult> RenameAsync(Guid accountId, Guid conversationId, Guid sectionId, string? sectionName, Guid? clientReqId,
        CancellationToken ct)
    {
        var name = SectionBook.ValidName(sectionName);
        return Change(accountId, conversationId, clientReqId, (change, sections, _) =>
        {
            var section = SectionBook.Require(sections, sectionId);
            if (section.Name != name)
            {
                book.Store(section, change.Now);
                section.Name = name;
                change.Sections.Add(section);
            }

            return Task.CompletedTask;
        }, ct);
    }

    /// <summary>
    /// section:task:set_position: right after <paramref name="prevSectionId"/> (null: first).
    /// Archived stays last: it does not move and nothing goes after it.
    /// </summary>
    public Task<ConvResult> SetPositionAsync(Guid accountId, Guid conversationId, Guid sectionId, Guid? prevSectionId, Guid? clientReqId,
        CancellationToken ct) =>
        Change(accountId, conversationId, clientReqId, (change, sections, _) =>
        {
            var section = SectionBook.Require(sections, sectionId);
            if (section.MkSectionSubtype == SectionSubtypes.Archived)
            {
                throw FleepErrors.DefaultSection("moved (Archived stays last)");
            }

            if (prevSectionId == sectionId)
            {
                throw FleepErrors.InvalidField("prev_section_id", "another section than section_id");
            }

            var others = sections.Where(s => s.Id != sectionId).ToList();
            var prev = prevSectionId is { } id ? Above(others, id, "prev_section_id") : null;
            var weight = SectionPositions.After(others.Select(Entry), prev?.Id);
            if (weight != section.Weight)
            {
                book.Store(section, change.Now);
                section.Weight = weight;
                change.Sections.Add(section);
            }

            return Task.CompletedTask;
        }, ct);

    /// <summary>section:task:delete: a user section; its tasks move to the end of To Do, in their order.</summary>
    public Task<ConvResult> DeleteAsync(Guid accountId, Guid conversationId, Guid sectionId, Guid? clientReqId, CancellationToken ct) =>
        Change(accountId, conversationId, clientReqId, async (change, sections, token) =>
        {
            var section = SectionBook.Require(sections, sectionId);
            if (section.MkSectionSubtype != SectionSubtypes.User)
            {
                throw FleepErrors.DefaultSection("deleted");
            }

            book.Store(section, change.Now);
            section.IsDeleted = true;
            change.Sections.Add(section);

            // Every task of the section moves, also one the caller cannot see: none may be left in a deleted section.
            var tasks = await TasksAsync(change, sectionId, visibleOnly: false, token);
            var before = BoardFlags.Before(tasks);
            var toDo = TaskSections.Of(conversationId).ToDo;
            var next = await NextTaskWeightAsync(change, token);
            foreach (var task in tasks.OrderBy(t => t.TaskWeight).ThenBy(t => t.MessageNr))
            {
                task.SectionId = toDo;
                task.TaskWeight = next;
                next += TaskSections.WeightStep;
                change.Revise(task);
            }

            await flags.KeepAsync(change.Conversation, tasks, before, token);
        }, ct);

    /// <summary>
    /// section:task:archive_done (<paramref name="doneOnly"/>) and archive_all: the section's tasks
    /// that the caller sees (done ones only, or all) are archived as message:archive archives them.
    /// </summary>
    public Task<ConvResult> ArchiveAsync(Guid accountId, Guid conversationId, Guid sectionId, bool doneOnly, Guid? clientReqId, CancellationToken ct) =>
        Change(accountId, conversationId, clientReqId, async (change, sections, token) =>
        {
            SectionBook.Require(sections, sectionId);
            var tasks = (await TasksAsync(change, sectionId, visibleOnly: true, token))
                .Where(t => !t.Tags.Contains(MessageTags.IsArchived) && (!doneOnly || t.MkMessageState == MessageStates.Done)).ToList();
            var before = BoardFlags.Before(tasks);
            var rules = new MessageStateChanges(change.Viewer.AccountId, change.Now);
            foreach (var task in tasks.OrderBy(t => t.TaskWeight).ThenBy(t => t.MessageNr))
            {
                if (rules.ApplyTags(task, [MessageTags.IsArchived]))
                {
                    change.Revise(task);
                }
            }

            await flags.KeepAsync(change.Conversation, tasks, before, token);
        }, ct);

    private Task<ConvResult> Change(Guid accountId, Guid conversationId, Guid? clientReqId,
        Func<ConversationChange, List<Section>, CancellationToken, Task> apply, CancellationToken ct) =>
        writer.ChangeAsync(new(accountId, conversationId) { ClientReqId = clientReqId }, async (change, token) =>
        {
            var sections = await book.ListForChangeAsync(change.Conversation, token);
            await apply(change, sections, token);
        }, ct);

    /// <summary>A section something may go after: a live section of this board other than Archived.</summary>
    private static Section Above(IEnumerable<Section> sections, Guid id, string field)
    {
        var section = SectionBook.Require(sections, id, field);
        return section.MkSectionSubtype != SectionSubtypes.Archived ? section
            : throw FleepErrors.InvalidField(field, "a section above Archived (Archived stays last)");
    }

    private static SectionEntry Entry(Section s) => new(s.Id, s.Weight);

    /// <summary>The live tasks of a section, tracked for change.</summary>
    private async Task<List<Message>> TasksAsync(ConversationChange change, Guid sectionId, bool visibleOnly, CancellationToken ct)
    {
        var id = change.Conversation.Id;
        var tasks = await db.Messages.Where(m => m.ConversationId == id && m.SectionId == sectionId && m.Tags.Contains(MessageTags.IsTask)
            && m.MkMessageState != MessageStates.Deleted).ToListAsync(ct);
        return visibleOnly ? tasks.Where(t => ViewerState.Sees(change.Viewer, t.MessageNr)).ToList() : tasks;
    }

    /// <summary>One step past the conversation's highest task_weight, where new tasks go.</summary>
    private async Task<double> NextTaskWeightAsync(ConversationChange change, CancellationToken ct)
    {
        var id = change.Conversation.Id;
        var max = await db.Messages.Where(m => m.ConversationId == id && m.TaskWeight != null).MaxAsync(m => m.TaskWeight, ct);
        return (max ?? 0) + TaskSections.WeightStep;
    }
}
