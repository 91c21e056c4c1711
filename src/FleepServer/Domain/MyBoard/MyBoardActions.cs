using System.Text.Json;
using FleepServer.Data;
using FleepServer.Domain.Boards;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using FleepServer.Http;
using FleepServer.Records;
using FleepServer.Streams;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.MyBoard;

/// <summary>The cursor of my_section:task:sync: the section and the weight of the last task sent.</summary>
public sealed record MySectionCursor(Guid SectionId, double? TaskWeight);

/// <summary>The cursor of contact:sync_canned: the store time (ISO 8601, microseconds) and id of the last response sent.</summary>
public sealed record CannedCursor(Guid MessageId, string StoreTime);

/// <summary>
/// The personal board and canned responses (docs/boards.md, "Personal board"): every change runs
/// as one unit under the account's board lock, and its records go to the owner's stream only, in
/// that unit. Nothing here is visible to another account, and a conversation task is reached by
/// its <c>message_id</c> only while the account can see it and it is assigned to the account.
/// </summary>
public sealed class MyBoardActions(FleepDbContext db, UnitOfWork unit, StreamAppender streams, TimeProvider time)
{
    public const int DefaultPage = 20;
    public const int MaxPage = 100;

    // ---- sections ----

    /// <summary>my_section:task:add: a user section placed after <paramref name="prevSectionId"/> (null = first).</summary>
    public Task<List<IStreamRecord>> AddSectionAsync(Guid me, string name, Guid? prevSectionId, CancellationToken ct)
    {
        var valid = SectionName(name);
        return ChangeAsync(me, (board, now, records) =>
        {
            var prev = prevSectionId is { } p ? board.Section(p, "prev_section_id").Id : (Guid?)null;
            var section = new Section
            {
                Id = Guid.CreateVersion7(now),
                AccountId = me,
                Name = valid,
                MkSectionType = MySections.SectionType,
                MkSectionSubtype = SectionSubtypes.User,
                Weight = SectionPositions.After(board.LiveSections.Select(s => new SectionEntry(s.Id, s.Weight)), prev),
                CreatedTime = now,
                StoreTime = now,
            };
            db.Sections.Add(section);
            records.Add(SectionRecords.For(section));
        }, ct);
    }

    /// <summary>my_section:task:rename.</summary>
    public Task<List<IStreamRecord>> RenameSectionAsync(Guid me, Guid sectionId, string name, CancellationToken ct)
    {
        var valid = SectionName(name);
        return ChangeAsync(me, (board, now, records) =>
        {
            var section = Stored(board.Section(sectionId));
            section.Name = valid;
            section.StoreTime = now;
            records.Add(SectionRecords.For(section));
        }, ct);
    }

    /// <summary>my_section:task:set_position: after <paramref name="prevSectionId"/> (null = first).</summary>
    public Task<List<IStreamRecord>> MoveSectionAsync(Guid me, Guid sectionId, Guid? prevSectionId, CancellationToken ct) =>
        ChangeAsync(me, (board, now, records) =>
        {
            var section = board.Section(sectionId);
            var others = board.LiveSections.Where(s => s.Id != sectionId).ToList();
            if (prevSectionId is { } p && others.All(s => s.Id != p))
            {
                throw p == sectionId ? FleepErrors.InvalidField("prev_section_id", "another section") : FleepErrors.MySectionNotFound("prev_section_id");
            }

            section = Stored(section);
            section.Weight = SectionPositions.After(others.Select(s => new SectionEntry(s.Id, s.Weight)), prevSectionId);
            section.StoreTime = now;
            records.Add(SectionRecords.For(section));
        }, ct);

    /// <summary>my_section:task:delete: a user section; its tasks move to the end of To Do, in their order.</summary>
    public Task<List<IStreamRecord>> DeleteSectionAsync(Guid me, Guid sectionId, CancellationToken ct) =>
        ChangeAsync(me, (board, now, records) =>
        {
            var section = board.Section(sectionId);
            if (section.MkSectionSubtype != SectionSubtypes.User)
            {
                throw FleepErrors.DefaultMySection();
            }

            foreach (var item in board.Items(sectionId))
            {
                board.MoveToEnd(item, board.ToDo, now);
                records.Add(Record(me, item));
            }

            section.IsDeleted = true;
            section.StoreTime = now;
            records.Insert(0, SectionRecords.For(section));
        }, ct);

    /// <summary>my_section:task:archive_done (<paramref name="all"/> false) and archive_all: the section's tasks move to Archived.</summary>
    public Task<List<IStreamRecord>> ArchiveSectionAsync(Guid me, Guid sectionId, bool all, CancellationToken ct) =>
        ChangeAsync(me, (board, now, records) =>
        {
            board.Section(sectionId);
            if (sectionId == board.Archived)
            {
                return;
            }

            foreach (var item in board.Items(sectionId).Where(i => all || i.State == MessageStates.Done))
            {
                board.MoveToEnd(item, board.Archived, now);
                records.Add(Record(me, item));
            }
        }, ct);

    /// <summary>
    /// my_section:task:sync: the section's record, then one page of its tasks in board order after
    /// the cursor's weight (an own task as its record, a conversation task as its message record
    /// and its place); the cursor of the next page, null on the last.
    /// </summary>
    public async Task<(List<IStreamRecord> Records, MySectionCursor? Next)> SyncSectionAsync(Guid me, Guid sectionId, MySectionCursor? cursor,
        long? limit, CancellationToken ct)
    {
        var size = Limit(limit);
        if (cursor is not null && cursor.SectionId != sectionId)
        {
            throw FleepErrors.InvalidField("sync_cursor.section_id", "the section being synced");
        }

        MySectionCursor? next = null;
        var records = await ChangeAsync(me, (board, _, records) =>
        {
            var section = board.Section(sectionId);
            var items = board.Items(sectionId).Where(i => cursor?.TaskWeight is not { } w || i.Weight > w).ToList();
            var page = items.Take(size).ToList();
            next = items.Count > size ? new MySectionCursor(sectionId, page[^1].Weight) : null;
            records.Add(SectionRecords.For(section) with
            {
                SyncCursor = next is null ? null : JsonSerializer.Serialize(next, FleepJson.Options),
            });
            foreach (var item in page)
            {
                if (item.Assigned is { } task)
                {
                    records.AddRange(MessageRecords.WithFiles(task.Message, me));
                }

                records.Add(Record(me, item));
            }
        }, ct, answerOnly: true);
        return (records, next);
    }

    // ---- tasks ----

    /// <summary>my_message:add_todo: a personal task at the end of To Do.</summary>
    public Task<List<IStreamRecord>> AddTodoAsync(Guid me, string? text, IReadOnlyList<string>? attachmentUrls, CancellationToken ct)
    {
        MyItems.NoAttachments(attachmentUrls);
        var body = MyItems.TaskBody(text);
        return ChangeAsync(me, (board, now, records) =>
        {
            var item = new MyMessage
            {
                Id = Guid.CreateVersion7(now),
                AccountId = me,
                Kind = MyItems.Task,
                Body = body,
                MkMessageState = MessageStates.Todo,
                SectionId = board.ToDo,
                TaskWeight = MyBoardPositions.TaskAtEnd(board.Entries(board.ToDo)),
                PostedTime = now,
                StoreTime = now,
            };
            db.MyMessages.Add(item);
            board.Own.Add(item);
            records.Add(MyMessageRecords.For(item));
        }, ct);
    }

    /// <summary>
    /// my_message:edit (<paramref name="text"/> and the files replaced; what is missing is removed),
    /// edit_body (<paramref name="setFiles"/> false) and edit_attachments (<paramref name="setText"/> false).
    /// Tasks and canned responses alike.
    /// </summary>
    public Task<List<IStreamRecord>> EditAsync(Guid me, Guid messageId, bool setText, string? text, bool setFiles, IReadOnlyList<string>? urls,
        CancellationToken ct)
    {
        if (setFiles)
        {
            MyItems.NoAttachments(urls);
        }

        return OwnChangeAsync(me, messageId, kind: null, (item, _, now) =>
        {
            if (setText)
            {
                item.Body = item.Kind == MyItems.Task ? MyItems.TaskBody(text) : MyItems.CannedBody(text);
            }

            if (setFiles)
            {
                item.Files = null;
            }

            item.StoreTime = now;
        }, ct);
    }

    /// <summary>my_message:set_todo / set_done.</summary>
    public Task<List<IStreamRecord>> SetStateAsync(Guid me, Guid messageId, string state, CancellationToken ct) =>
        OwnChangeAsync(me, messageId, MyItems.Task, (item, _, now) =>
        {
            item.MkMessageState = state;
            item.StoreTime = now;
        }, ct);

    /// <summary>my_message:delete: a personal task or canned response is gone (its record says is_deleted).</summary>
    public Task<List<IStreamRecord>> DeleteAsync(Guid me, Guid messageId, CancellationToken ct) =>
        OwnChangeAsync(me, messageId, kind: null, (item, board, now) =>
        {
            item.IsDeleted = true;
            item.Body = "";
            item.MkMessageState = MessageStates.Deleted;
            item.StoreTime = now;
            board.Own.Remove(item);
        }, ct);

    /// <summary>
    /// my_message:archive / unarchive (<paramref name="ownOnly"/>) and task:archive / unarchive (an
    /// own task or an assigned conversation task): to the end of Archived, or back to the end of To Do.
    /// </summary>
    public Task<List<IStreamRecord>> ArchiveAsync(Guid me, Guid messageId, bool archive, bool ownOnly, CancellationToken ct) =>
        ChangeAsync(me, async (board, now, records) =>
        {
            var item = await ItemAsync(board, messageId, ownOnly, ct);
            if (item.SectionId != (archive ? board.Archived : board.ToDo) || archive != (item.Own?.IsArchived ?? item.Assigned!.Place.IsArchived))
            {
                board.MoveToEnd(item, archive ? board.Archived : board.ToDo, now);
            }

            records.Add(Record(me, item));
        }, ct);

    /// <summary>task:set_position: an own or assigned task into a section, after <paramref name="prevMessageId"/> (null = first).</summary>
    public Task<List<IStreamRecord>> MoveTaskAsync(Guid me, Guid messageId, Guid sectionId, Guid? prevMessageId, CancellationToken ct) =>
        ChangeAsync(me, async (board, now, records) =>
        {
            var item = await ItemAsync(board, messageId, ownOnly: false, ct);
            board.Section(sectionId);
            var others = board.Entries(sectionId, except: messageId);
            if (prevMessageId is { } p && others.All(e => e.Id != p))
            {
                throw FleepErrors.InvalidField("prev_message_id", "another task of the section");
            }

            item.Place(sectionId, MyBoardPositions.TaskAfter(others, prevMessageId), sectionId == board.Archived, now);
            records.Add(Record(me, item));
        }, ct);

    // ---- canned responses ----

    /// <summary>my_message:add_canned.</summary>
    public Task<List<IStreamRecord>> AddCannedAsync(Guid me, string? name, string? text, IReadOnlyList<string>? urls, CancellationToken ct)
    {
        MyItems.NoAttachments(urls);
        var validName = MyItems.CannedName(name);
        var body = MyItems.CannedBody(text);
        return CannedChangeAsync(me, now =>
        {
            var item = new MyMessage
            {
                Id = Guid.CreateVersion7(now),
                AccountId = me,
                Kind = MyItems.Canned,
                Body = body,
                CannedName = validName,
                MkMessageState = MessageStates.Plain,
                PostedTime = now,
                StoreTime = now,
            };
            db.MyMessages.Add(item);
            return Task.FromResult(item);
        }, ct);
    }

    /// <summary>my_message:edit_canned {message_id, canned_name, message, attachment_urls}: name, text and files replaced.</summary>
    public Task<List<IStreamRecord>> EditCannedAsync(Guid me, Guid messageId, string? name, string? text, IReadOnlyList<string>? urls,
        CancellationToken ct)
    {
        MyItems.NoAttachments(urls);
        var validName = MyItems.CannedName(name);
        var body = MyItems.CannedBody(text);
        return CannedChangeAsync(me, async now =>
        {
            var item = await db.MyMessages.FirstOrDefaultAsync(m => m.Id == messageId && m.AccountId == me && !m.IsDeleted, ct);
            if (item is null)
            {
                throw FleepErrors.MessageNotFound();
            }

            if (item.Kind != MyItems.Canned)
            {
                throw FleepErrors.NotCanned();
            }

            item.CannedName = validName;
            item.Body = body;
            item.Files = null;
            item.StoreTime = now;
            return item;
        }, ct);
    }

    /// <summary>
    /// contact:sync_canned: the account's live canned responses in (store_time, message_id) order
    /// after the cursor, one page; the cursor of the next page, null on the last.
    /// </summary>
    public async Task<(List<IStreamRecord> Records, CannedCursor? Next)> SyncCannedAsync(Guid me, CannedCursor? cursor, long? limit,
        CancellationToken ct)
    {
        var size = Limit(limit);
        var query = cursor is null
            ? db.MyMessages.FromSql($"""
                SELECT * FROM my_messages WHERE account_id = {me} AND kind = {MyItems.Canned} AND NOT is_deleted
                ORDER BY store_time, message_id LIMIT {size + 1}
                """)
            : db.MyMessages.FromSql($"""
                SELECT * FROM my_messages WHERE account_id = {me} AND kind = {MyItems.Canned} AND NOT is_deleted
                AND (store_time, message_id) > ({ParseTime(cursor.StoreTime)}, {cursor.MessageId})
                ORDER BY store_time, message_id LIMIT {size + 1}
                """);
        var rows = await query.AsNoTracking().ToListAsync(ct);
        var page = rows.Take(size).ToList();
        var next = rows.Count > size ? new CannedCursor(page[^1].Id, MyItems.FormatTime(page[^1].StoreTime)) : null;
        return ([.. page.Select(MyMessageRecords.For)], next);
    }

    // ---- the unit ----

    private delegate void BoardChange(MyBoard board, DateTimeOffset now, List<IStreamRecord> records);

    private Task<List<IStreamRecord>> ChangeAsync(Guid me, BoardChange change, CancellationToken ct, bool answerOnly = false) =>
        ChangeAsync(me, (board, now, records) =>
        {
            change(board, now, records);
            return Task.CompletedTask;
        }, ct, answerOnly);

    /// <summary>
    /// Runs a board change as one unit: lock, read (placing new conversation tasks), change, and
    /// queue the records for the owner's stream. A sync (<paramref name="answerOnly"/>) queues only
    /// the places it made; its page is the answer alone.
    /// </summary>
    private Task<List<IStreamRecord>> ChangeAsync(Guid me, Func<MyBoard, DateTimeOffset, List<IStreamRecord>, Task> change, CancellationToken ct,
        bool answerOnly = false) =>
        unit.RunAsync(async token =>
        {
            await MyBoard.LockAsync(db, me, token);
            var now = MyItems.Now(time);
            var board = await MyBoard.LoadAsync(db, me, now, token);
            var placed = board.NewlyPlaced.Select(t => (IStreamRecord)MyMessageRecords.ForTask(me, t.Message, t.Place)).ToList();
            var records = new List<IStreamRecord>();
            await change(board, now, records);
            // A place the change moved again is sent once, as it ended.
            var changed = records.OfType<MyMessageRecord>().Select(r => r.MessageId).ToHashSet();
            placed = placed.Where(p => !changed.Contains(((MyMessageRecord)p).MessageId)).ToList();
            streams.Add(placed.Concat(answerOnly ? [] : records).Select(r => new StreamAppend(me, r)));
            return records;
        }, ct);

    private Task<List<IStreamRecord>> OwnChangeAsync(Guid me, Guid messageId, string? kind, Action<MyMessage, MyBoard, DateTimeOffset> change,
        CancellationToken ct) =>
        ChangeAsync(me, async (board, now, records) =>
        {
            var item = board.Own.FirstOrDefault(o => o.Id == messageId)
                       ?? await db.MyMessages.FirstOrDefaultAsync(m => m.Id == messageId && m.AccountId == me && !m.IsDeleted, ct)
                       ?? throw FleepErrors.MessageNotFound();
            if (kind is not null && item.Kind != kind)
            {
                throw FleepErrors.NotATask();
            }

            change(item, board, item.Kind == MyItems.Canned ? await CannedTimeAsync(me, now, ct) : now);
            records.Add(MyMessageRecords.For(item));
        }, ct);

    private Task<List<IStreamRecord>> CannedChangeAsync(Guid me, Func<DateTimeOffset, Task<MyMessage>> change, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            await MyBoard.LockAsync(db, me, token);
            var item = await change(await CannedTimeAsync(me, MyItems.Now(time), token));
            List<IStreamRecord> records = [MyMessageRecords.For(item)];
            streams.Add(records.Select(r => new StreamAppend(me, r)));
            return records;
        }, ct);

    /// <summary>
    /// The store time of a canned response changed now: later than every other response's, so
    /// store times only grow under the board lock (even when the clock does not move) and a page's
    /// cursor never skips a response committed after it.
    /// </summary>
    private async Task<DateTimeOffset> CannedTimeAsync(Guid me, DateTimeOffset now, CancellationToken ct)
    {
        var last = await db.MyMessages.Where(m => m.AccountId == me && m.Kind == MyItems.Canned).MaxAsync(m => (DateTimeOffset?)m.StoreTime, ct);
        return last is { } l && l >= now ? l.AddTicks(10) : now;
    }

    /// <summary>
    /// A task of the board by message_id. A message the account cannot see (or no message at all)
    /// is 430 not_found, the same as an unknown id; a visible message that is not on the board
    /// (not a task, not assigned to the account, or in a conversation it left) is 431.
    /// </summary>
    private async Task<BoardItem> ItemAsync(MyBoard board, Guid messageId, bool ownOnly, CancellationToken ct)
    {
        var item = board.Find(messageId);
        if (item is not null && (!ownOnly || item.Own is not null))
        {
            return item;
        }

        if (await db.MyMessages.AsNoTracking().AnyAsync(m => m.Id == messageId && m.AccountId == board.AccountId && !m.IsDeleted, ct))
        {
            throw FleepErrors.NotATask();
        }

        if (!ownOnly && await MessageLookup.FindVisibleAsync(db, board.AccountId, messageId, ct) is not null)
        {
            throw FleepErrors.NotOnBoard();
        }

        throw FleepErrors.MessageNotFound();
    }

    private static MyMessageRecord Record(Guid me, BoardItem item) =>
        item.Own is { } own ? MyMessageRecords.For(own) : MyMessageRecords.ForTask(me, item.Assigned!.Message, item.Assigned.Place);

    /// <summary>A default section has no row until it changes; the change stores it.</summary>
    private Section Stored(Section section)
    {
        if (db.Entry(section).State == EntityState.Detached)
        {
            db.Sections.Add(section);
        }

        return section;
    }

    private static string SectionName(string? name)
    {
        var trimmed = (name ?? "").Trim();
        return trimmed.Length == 0 ? throw FleepErrors.InvalidField("section_name", "a name") : trimmed;
    }

    private static int Limit(long? limit) =>
        limit is null ? DefaultPage
        : limit is < 1 or > MaxPage ? throw FleepErrors.InvalidField("limit", $"between 1 and {MaxPage}")
        : (int)limit;

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUniversalTime()
            : throw FleepErrors.InvalidField("sync_cursor.store_time", "the cursor of a canned response");
}
