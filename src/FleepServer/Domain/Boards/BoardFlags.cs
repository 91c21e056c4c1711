using FleepServer.Data;
using FleepServer.Domain.Conversations;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Boards;

/// <summary>Where one message stands on the boards: pinned, an open task, an archived task.</summary>
public readonly record struct BoardMarks(bool Pinned, bool OpenTask, bool ArchivedTask)
{
    public static BoardMarks Of(Message m)
    {
        if (m.MkMessageState is MessageStates.Deleted or MessageStates.System)
        {
            return default;
        }

        var task = m.Tags.Contains(MessageTags.IsTask);
        var archived = m.Tags.Contains(MessageTags.IsArchived);
        return new(m.Tags.Contains(MessageTags.Pin), task && !archived, task && archived);
    }
}

/// <summary>
/// Keeps ConvInfo <c>has_pinboard</c>, <c>has_taskboard</c> and <c>has_task_archive</c> true to the
/// boards (docs/boards.md, "Board flags") in the change's own transaction: a flag turns on when a
/// changed message joins its board, and off only when a changed message left it and no other
/// message of the conversation is still there (one EXISTS query, made only then). The
/// conversation row is locked by the change, so two changes never decide a flag at once.
/// </summary>
public sealed class BoardFlags(FleepDbContext db)
{
    /// <summary>Snapshots of the messages a change may move, taken before the change.</summary>
    public static Dictionary<long, BoardMarks> Before(IEnumerable<Message> messages) =>
        messages.DistinctBy(m => m.MessageNr).ToDictionary(m => m.MessageNr, BoardMarks.Of);

    /// <summary>Sets the flags after the change moved <paramref name="changed"/> (whose marks before are in <paramref name="before"/>; new messages have none).</summary>
    public async Task KeepAsync(Conversation conversation, IReadOnlyCollection<Message> changed, IReadOnlyDictionary<long, BoardMarks> before,
        CancellationToken ct)
    {
        var now = changed.DistinctBy(m => m.MessageNr).Select(m => (m.MessageNr, Was: before.GetValueOrDefault(m.MessageNr), Is: BoardMarks.Of(m)))
            .Where(n => n.Was != n.Is).ToList();
        if (now.Count == 0)
        {
            return;
        }

        var nrs = now.Select(n => n.MessageNr).ToList();
        conversation.HasPinboard = await DecideAsync(conversation.HasPinboard, now.Select(n => (n.Was.Pinned, n.Is.Pinned)),
            t => db.Messages.AnyAsync(m => m.ConversationId == conversation.Id && !nrs.Contains(m.MessageNr)
                && m.MkMessageState != MessageStates.Deleted && m.Tags.Contains(MessageTags.Pin), t), ct);
        conversation.HasTaskboard = await DecideAsync(conversation.HasTaskboard, now.Select(n => (n.Was.OpenTask, n.Is.OpenTask)),
            t => db.Messages.AnyAsync(m => m.ConversationId == conversation.Id && !nrs.Contains(m.MessageNr)
                && m.MkMessageState != MessageStates.Deleted && m.Tags.Contains(MessageTags.IsTask) && !m.Tags.Contains(MessageTags.IsArchived), t), ct);
        conversation.HasTaskArchive = await DecideAsync(conversation.HasTaskArchive, now.Select(n => (n.Was.ArchivedTask, n.Is.ArchivedTask)),
            t => db.Messages.AnyAsync(m => m.ConversationId == conversation.Id && !nrs.Contains(m.MessageNr)
                && m.MkMessageState != MessageStates.Deleted && m.Tags.Contains(MessageTags.IsTask) && m.Tags.Contains(MessageTags.IsArchived), t), ct);
    }

    private static async Task<bool> DecideAsync(bool current, IEnumerable<(bool Was, bool Is)> moves, Func<CancellationToken, Task<bool>> othersThere,
        CancellationToken ct)
    {
        var list = moves.ToList();
        if (list.Any(m => m.Is))
        {
            return true;
        }

        // Off only when a message left the board and none of the others is on it.
        return current && list.Any(m => m.Was) ? await othersThere(ct) : current;
    }
}
