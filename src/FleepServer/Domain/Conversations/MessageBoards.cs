using FleepServer.Data;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// Where a moved message lands on the pinboard or in a taskboard section
/// (message:pin:set_position, message:task:set_position), decided inside the move's own
/// conversation change, under the conversation lock, so concurrent moves see each other: reads
/// the board as the caller sees it, checks the moved message and its new neighbour are on it, and
/// answers the new weight from <see cref="BoardPositions"/>.
/// </summary>
public sealed class MessageBoards(FleepDbContext db)
{
    /// <summary>
    /// The pin_weight that puts a pinned message right after <paramref name="prevMessageNr"/> on the
    /// pinboard (0 = first). The pinboard runs from the highest weight down.
    /// </summary>
    public async Task<double> PinWeightAfterAsync(ConversationChange change, Message moved, long prevMessageNr, CancellationToken ct)
    {
        if (moved.MkMessageState != MessageStates.Pinned)
        {
            throw FleepErrors.InvalidField("message_nr", "a pinned message");
        }

        var pins = await BoardAsync(change, moved, prevMessageNr, m => m.Tags.Contains(MessageTags.Pin), m => m.PinWeight ?? 0, "a pinned message", ct);
        return BoardPositions.PinAfter(pins, prevMessageNr, moved.PinWeight ?? 0);
    }

    /// <summary>
    /// The task_weight that puts a task right after <paramref name="prevMessageNr"/> in section
    /// <paramref name="sectionId"/> (0 = first; the caller checked the section is on this board).
    /// A section runs from the lowest weight up.
    /// </summary>
    public async Task<double> TaskWeightAfterAsync(ConversationChange change, Message moved, Guid sectionId, long prevMessageNr, CancellationToken ct)
    {
        if (!moved.Tags.Contains(MessageTags.IsTask) || moved.MkMessageState == MessageStates.Deleted)
        {
            throw FleepErrors.InvalidField("message_nr", "a task");
        }

        var tasks = await BoardAsync(change, moved, prevMessageNr, m => m.Tags.Contains(MessageTags.IsTask) && m.SectionId == sectionId,
            m => m.TaskWeight ?? 0, "a task in that section", ct);
        return BoardPositions.TaskAfter(tasks, prevMessageNr);
    }

    private async Task<List<BoardEntry>> BoardAsync(ConversationChange change, Message moved, long prevMessageNr, Func<Message, bool> onBoard,
        Func<Message, double> weight, string what, CancellationToken ct)
    {
        if (prevMessageNr < 0)
        {
            throw FleepErrors.InvalidField("prev_message_nr", "0 or a message number");
        }

        var id = change.Conversation.Id;
        var board = (await db.Messages.AsNoTracking().Where(m => m.ConversationId == id && m.MessageNr != moved.MessageNr
                && m.MkMessageState != MessageStates.Deleted && (m.Tags.Contains(MessageTags.Pin) || m.Tags.Contains(MessageTags.IsTask)))
            .ToListAsync(ct))
            .Where(m => ViewerState.Sees(change.Viewer, m.MessageNr) && onBoard(m)).Select(m => new BoardEntry(m.MessageNr, weight(m))).ToList();
        if (prevMessageNr != 0 && board.All(o => o.MessageNr != prevMessageNr))
        {
            throw FleepErrors.InvalidField("prev_message_nr", what);
        }

        return board;
    }
}
