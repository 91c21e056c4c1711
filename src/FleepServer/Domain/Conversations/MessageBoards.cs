using FleepServer.Data;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// Where a moved message lands on the pinboard or the taskboard (message:pin:set_position,
/// message:task:set_position): reads the board as the caller sees it, checks the moved message and
/// its new neighbour are on it, and answers the new weight from <see cref="BoardPositions"/>. It
/// changes nothing; the caller stores the weight through message/store.
/// </summary>
public sealed class MessageBoards(Membership membership, ConversationReader reader)
{
    /// <summary>
    /// The pin_weight that puts a pinned message right after <paramref name="prevMessageNr"/> on the
    /// pinboard (0 = first). The pinboard runs from the highest weight down (a new pin's weight is
    /// its pin time, so the newest pin comes first): the new weight lies halfway between the
    /// previous pin and the one after it, above the first pin, or below the last.
    /// </summary>
    public async Task<double> PinWeightAfterAsync(Guid accountId, Guid conversationId, long messageNr, long prevMessageNr, CancellationToken ct)
    {
        var isPin = (Message m) => m.MkMessageState == MessageStates.Pinned;
        var pins = await BoardAsync(accountId, conversationId, messageNr, prevMessageNr, isPin, isPin, m => m.PinWeight ?? 0, "a pinned message", ct);
        return BoardPositions.PinAfter(pins.Others, prevMessageNr, pins.Moved);
    }

    /// <summary>
    /// The task_weight that puts a task right after <paramref name="prevMessageNr"/> in section
    /// <paramref name="sectionId"/> (0 = first). A section runs from the lowest weight up (each new
    /// task is appended with the highest weight + <see cref="TaskSections.WeightStep"/>): the new
    /// weight lies halfway between the previous task and the next, below the first, or one step
    /// after the last.
    /// </summary>
    public async Task<double> TaskWeightAfterAsync(Guid accountId, Guid conversationId, long messageNr, Guid sectionId, long prevMessageNr,
        CancellationToken ct)
    {
        if (!TaskSections.Of(conversationId).Contains(sectionId))
        {
            throw FleepErrors.InvalidField("section_id", "the To Do or Archived section of this conversation");
        }

        var tasks = await BoardAsync(accountId, conversationId, messageNr, prevMessageNr, m => m.Tags.Contains(MessageTags.IsTask),
            m => m.Tags.Contains(MessageTags.IsTask) && m.SectionId == sectionId, m => m.TaskWeight ?? 0, "a task in that section", ct);
        return BoardPositions.TaskAfter(tasks.Others, prevMessageNr);
    }

    private async Task<(List<BoardEntry> Others, double Moved)> BoardAsync(Guid accountId, Guid conversationId, long messageNr,
        long prevMessageNr, Func<Message, bool> movable, Func<Message, bool> onBoard, Func<Message, double> weight, string what, CancellationToken ct)
    {
        var (conversation, members, viewer) = await membership.RequireAsync(conversationId, accountId, Access.Write, ct);
        var view = await membership.ViewAsync(conversation, members, viewer, ct);
        if (prevMessageNr < 0)
        {
            throw FleepErrors.InvalidField("prev_message_nr", "0 or a message number");
        }

        var board = (await reader.Visible(view).Where(m => m.MkMessageState != MessageStates.Deleted
                && (m.Tags.Contains(MessageTags.Pin) || m.Tags.Contains(MessageTags.IsTask) || m.MessageNr == messageNr))
            .ToListAsync(ct)).Where(m => onBoard(m) || m.MessageNr == messageNr).ToList();
        var moved = board.FirstOrDefault(m => m.MessageNr == messageNr) ?? throw FleepErrors.MessageNotFound();
        if (!movable(moved))
        {
            throw FleepErrors.InvalidField("message_nr", what.StartsWith("a task", StringComparison.Ordinal) ? "a task" : what);
        }

        var others = board.Where(m => m.MessageNr != messageNr && onBoard(m)).Select(m => new BoardEntry(m.MessageNr, weight(m))).ToList();
        if (prevMessageNr != 0 && others.All(o => o.MessageNr != prevMessageNr))
        {
            throw FleepErrors.InvalidField("prev_message_nr", what);
        }

        return (others, weight(moved));
    }
}
