using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.MyBoard;

/// <summary>A conversation task on an account's board: the message as the account sees it and the account's place for it.</summary>
public sealed record AssignedTask(Message Message, MyTaskPlace Place);

/// <summary>One item of a board section: an own task or a conversation task.</summary>
public sealed record BoardItem(MyMessage? Own, AssignedTask? Assigned)
{
    public Guid MessageId => Own?.Id ?? Assigned!.Message.MessageId;
    public double Weight => Own?.TaskWeight ?? Assigned!.Place.TaskWeight ?? 0;
    public Guid? SectionId => Own?.SectionId ?? Assigned!.Place.SectionId;
    public string State => Own?.MkMessageState ?? Assigned!.Message.MkMessageState;

    public void Place(Guid sectionId, double weight, bool archived, DateTimeOffset now)
    {
        if (Own is { } own)
        {
            own.SectionId = sectionId;
            own.TaskWeight = weight;
            own.IsArchived = archived;
            own.StoreTime = now;
        }
        else
        {
            var place = Assigned!.Place;
            place.SectionId = sectionId;
            place.TaskWeight = weight;
            place.IsArchived = archived;
            place.StoreTime = now;
        }
    }
}

/// <summary>
/// One account's personal board as a change finds it under the board's lock (docs/boards.md,
/// "Personal board"): its sections, its own live tasks and the conversation tasks assigned to it
/// that it can see, each with its place. Conversation tasks that have no place yet get one at the
/// end of To Do when the board is read for a change or a sync, so every item has a weight of its own.
/// </summary>
public sealed class MyBoard
{
    private MyBoard(Guid accountId, List<Section> sections, List<MyMessage> own, List<AssignedTask> assigned)
    {
        AccountId = accountId;
        Sections = sections;
        Own = own;
        Assigned = assigned;
    }

    public Guid AccountId { get; }

    /// <summary>Every section, deleted ones included, board order.</summary>
    public List<Section> Sections { get; }

    public List<MyMessage> Own { get; }
    public List<AssignedTask> Assigned { get; }

    /// <summary>Conversation tasks placed on the board by this read (their records go to the owner's stream).</summary>
    public List<AssignedTask> NewlyPlaced { get; } = [];

    public Guid ToDo => MySections.ToDoId(AccountId);
    public Guid Archived => MySections.ArchivedId(AccountId);

    public IEnumerable<Section> LiveSections => Sections.Where(s => !s.IsDeleted);

    /// <summary>Serializes every change of one account's board and canned responses (the first lock of the unit).</summary>
    public static Task LockAsync(FleepDbContext db, Guid accountId, CancellationToken ct)
    {
        return DerivedKeys.LockAsync(db, $"my-board:{accountId:D}", ct);
    }

    /// <summary>Reads the board for a change (rows tracked), after <see cref="LockAsync"/>, placing new conversation tasks.</summary>
    public static async Task<MyBoard> LoadAsync(FleepDbContext db, Guid accountId, DateTimeOffset now, CancellationToken ct)
    {
        var sections = await MySections.ListAsync(db, accountId, tracked: true, ct);
        var own = await db.MyMessages.Where(m => m.AccountId == accountId && m.Kind == MyItems.Task && !m.IsDeleted).ToListAsync(ct);
        var messages = await AssignedMessagesAsync(db, accountId, ct);
        var places = await db.MyTaskPlaces.Where(p => p.AccountId == accountId).ToDictionaryAsync(p => p.MessageId, ct);
        var board = new MyBoard(accountId, sections, own, []);
        foreach (var m in messages.Where(m => places.ContainsKey(m.MessageId)))
        {
            board.Assigned.Add(new AssignedTask(m, places[m.MessageId]));
        }

        var live = board.LiveSections.Select(s => s.Id).ToHashSet();
        foreach (var task in board.Assigned.Where(a => a.Place.SectionId is not { } s || !live.Contains(s)).ToList())
        {
            // A place in a section that is gone (or none at all) falls back to the end of To Do.
            var item = new BoardItem(null, task);
            item.Place(board.ToDo, MyBoardPositions.TaskAtEnd(board.Entries(board.ToDo, except: task.Message.MessageId)), false, now);
            board.NewlyPlaced.Add(task);
        }

        foreach (var m in messages.Where(m => !places.ContainsKey(m.MessageId)).OrderBy(m => m.PostedTime).ThenBy(m => m.MessageNr))
        {
            var place = new MyTaskPlace
            {
                AccountId = accountId,
                MessageId = m.MessageId,
                SectionId = board.ToDo,
                TaskWeight = MyBoardPositions.TaskAtEnd(board.Entries(board.ToDo)),
                StoreTime = now,
            };
            db.MyTaskPlaces.Add(place);
            var task = new AssignedTask(m, place);
            board.Assigned.Add(task);
            board.NewlyPlaced.Add(task);
        }

        return board;
    }

    /// <summary>
    /// The conversation tasks (todo or done) whose assignees include the account, in the
    /// conversations it is an active member of, that it sees by the flow's rule (ViewerState.Sees).
    /// </summary>
    public static async Task<List<Message>> AssignedMessagesAsync(FleepDbContext db, Guid accountId, CancellationToken ct)
    {
        var members = await db.ConversationMembers.AsNoTracking()
            .Where(m => m.AccountId == accountId && m.LeaveMessageNr == null && !m.IsRemoved).ToDictionaryAsync(m => m.ConversationId, ct);
        if (members.Count == 0)
        {
            return [];
        }

        var ids = members.Keys.ToList();
        var candidates = await db.Messages.AsNoTracking()
            .Where(m => ids.Contains(m.ConversationId)
                        && (m.MkMessageState == MessageStates.Todo || m.MkMessageState == MessageStates.Done)
                        && m.AssigneeIds.Contains(accountId))
            .ToListAsync(ct);
        return candidates.Where(m => ViewerState.Sees(members[m.ConversationId], m.MessageNr)).ToList();
    }

    /// <summary>The live section with this id, or 430 (another account's section and a conversation's section are unknown here).</summary>
    public Section Section(Guid id, string field = "section_id") =>
        LiveSections.FirstOrDefault(s => s.Id == id) ?? throw FleepErrors.MySectionNotFound(field);

    /// <summary>The items of a section in board order (ascending weight).</summary>
    public List<BoardItem> Items(Guid sectionId) =>
    [
        .. Own.Where(o => o.SectionId == sectionId).Select(o => new BoardItem(o, null))
            .Concat(Assigned.Where(a => a.Place.SectionId == sectionId).Select(a => new BoardItem(null, a)))
            .OrderBy(i => i.Weight).ThenBy(i => i.MessageId),
    ];

    public List<MyBoardEntry> Entries(Guid sectionId, Guid? except = null) =>
        [.. Items(sectionId).Where(i => i.MessageId != except).Select(i => new MyBoardEntry(i.MessageId, i.Weight))];

    /// <summary>An item of this board by message_id: an own live task or an assigned conversation task; null otherwise.</summary>
    public BoardItem? Find(Guid messageId) =>
        Own.FirstOrDefault(o => o.Id == messageId) is { } own ? new BoardItem(own, null)
        : Assigned.FirstOrDefault(a => a.Message.MessageId == messageId) is { } task ? new BoardItem(null, task)
        : null;

    /// <summary>Moves an item to the end of a section; the Archived section archives it.</summary>
    public void MoveToEnd(BoardItem item, Guid sectionId, DateTimeOffset now) =>
        item.Place(sectionId, MyBoardPositions.TaskAtEnd(Entries(sectionId, except: item.MessageId)), sectionId == Archived, now);
}
