using System.Text.Json;
using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using FleepServer.Http;
using FleepServer.Records;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Boards;

/// <summary>The cursor of pinboard paging, as JSON text in ConvInfo <c>pin_cursor</c>.</summary>
public sealed record PinCursor(Guid ConversationId, double PinWeight);

/// <summary>The cursor of section sync, as JSON text in SectionInfo <c>sync_cursor</c>.</summary>
public sealed record TaskCursor(Guid ConversationId, Guid SectionId, double TaskWeight);

/// <summary>
/// Reads the boards of a conversation a page at a time (docs/boards.md, "Paging"), only what the
/// caller may see: the pinboard by <c>pin_weight</c> (account/sync_pinboard, conv:pin:sync), a
/// section by <c>task_weight</c> (account/sync_taskboard, section:task:sync), and the older paging
/// by message number (conversation/sync_pins with <c>pin_horizon</c>, task/sync with
/// <c>task_horizon</c>). Each answer is the conversation-sync shape: the caller's header with the
/// paging fields, the page's messages, and, for the taskboard, the section records.
/// </summary>
public sealed class BoardReader(Membership membership, ConversationReader reader, SectionBook sections)
{
    public const int DefaultPinLimit = 30;
    public const int DefaultEventLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>Messages per batch of the message-number paging (sync_pins, task/sync).</summary>
    public const int HorizonBatch = ConversationReader.BatchSize;

    /// <summary>The next batch of pins after <paramref name="pinWeight"/> (null: from the top), the highest weight first.</summary>
    public async Task<ConvResult> PinboardAsync(Guid accountId, Guid conversationId, double? pinWeight, long? limit, int defaultLimit, string limitField,
        CancellationToken ct)
    {
        var take = Limit(limit, defaultLimit, limitField);
        var view = await ViewAsync(accountId, conversationId, ct);
        var board = await reader.Visible(view).Where(m => m.MkMessageState != MessageStates.Deleted && m.Tags.Contains(MessageTags.Pin))
            .Select(m => new BoardEntry(m.MessageNr, m.PinWeight ?? 0)).ToListAsync(ct);
        var (page, next) = BoardPaging.Page(board, pinWeight, take, descending: true);
        return new ConvResult(view, await LoadAsync(view, page, ct))
        {
            Board = new BoardPage
            {
                PinCursor = next is { } w ? JsonSerializer.Serialize(new PinCursor(conversationId, w), FleepJson.Options) : null,
                PinSyncState = next is null ? null : SyncStates.Partial,
            },
        };
    }

    /// <summary>
    /// The next batch of a section's tasks after <paramref name="taskWeight"/> (null: from the
    /// start), the lowest weight first; the answer carries the section's record with the cursor
    /// of the next batch while one remains.
    /// </summary>
    public async Task<(ConvResult Result, TaskCursor? Next)> TaskboardAsync(Guid accountId, Guid conversationId, Guid sectionId, double? taskWeight,
        long? limit, int defaultLimit, string limitField, CancellationToken ct)
    {
        var take = Limit(limit, defaultLimit, limitField);
        var view = await ViewAsync(accountId, conversationId, ct);
        var section = SectionBook.Require(await sections.ListAsync(view.Conversation, ct), sectionId);
        var board = await reader.Visible(view).Where(m => m.MkMessageState != MessageStates.Deleted && m.Tags.Contains(MessageTags.IsTask)
                && m.SectionId == sectionId)
            .Select(m => new BoardEntry(m.MessageNr, m.TaskWeight ?? 0)).ToListAsync(ct);
        var (page, next) = BoardPaging.Page(board, taskWeight, take, descending: false);
        var cursor = next is { } w ? new TaskCursor(conversationId, sectionId, w) : null;
        var record = SectionRecords.For(section) with
        {
            SyncCursor = cursor is null ? null : JsonSerializer.Serialize(cursor, FleepJson.Options),
            SyncState = cursor is null ? null : SyncStates.Partial,
        };
        return (new ConvResult(view, await LoadAsync(view, page, ct)) { Records = [record] }, cursor);
    }

    /// <summary>conversation/sync_pins: pins of messages before <paramref name="fromMessageNr"/> (null: all), newest message first; pin_horizon continues.</summary>
    public async Task<ConvResult> PinsBeforeAsync(Guid accountId, Guid conversationId, long? fromMessageNr, CancellationToken ct)
    {
        var view = await ViewAsync(accountId, conversationId, ct);
        var (messages, horizon) = await BeforeAsync(view, fromMessageNr, MessageTags.Pin, ct);
        return new ConvResult(view, messages) { Board = new BoardPage { PinHorizon = horizon } };
    }

    /// <summary>task/sync: tasks (archived ones too) of messages before <paramref name="fromMessageNr"/>, with the board's sections; task_horizon continues.</summary>
    public async Task<ConvResult> TasksBeforeAsync(Guid accountId, Guid conversationId, long? fromMessageNr, CancellationToken ct)
    {
        var view = await ViewAsync(accountId, conversationId, ct);
        var (messages, horizon) = await BeforeAsync(view, fromMessageNr, MessageTags.IsTask, ct);
        var records = (await sections.ListAsync(view.Conversation, ct)).Select(SectionRecords.For).ToList();
        return new ConvResult(view, messages) { Board = new BoardPage { TaskHorizon = horizon }, Records = records };
    }

    /// <summary>task/list: the open tasks, or the archived ones with <paramref name="archived"/>, paged by message number like task/sync.</summary>
    public async Task<ConvResult> ListTasksAsync(Guid accountId, Guid conversationId, long? syncHorizon, bool archived, CancellationToken ct)
    {
        var view = await ViewAsync(accountId, conversationId, ct);
        var (messages, horizon) = await BeforeAsync(view, syncHorizon, MessageTags.IsTask, ct,
            archived ? m => m.Tags.Contains(MessageTags.IsArchived) : m => !m.Tags.Contains(MessageTags.IsArchived));
        var records = (await sections.ListAsync(view.Conversation, ct)).Select(SectionRecords.For).ToList();
        return new ConvResult(view, messages) { Board = new BoardPage { TaskHorizon = horizon }, Records = records };
    }

    /// <summary>
    /// The full init's horizons: last_message_nr + 1 (sync_pins / task/sync from the newest) when
    /// the board has anything; absent when it is empty, so the header of an empty board is the
    /// one every other answer sends.
    /// </summary>
    public static BoardPage InitHorizons(ConvView view) => new()
    {
        PinHorizon = view.Conversation.HasPinboard ? view.LastMessageNr + 1 : null,
        TaskHorizon = view.Conversation.HasTaskboard || view.Conversation.HasTaskArchive ? view.LastMessageNr + 1 : null,
    };

    private async Task<(List<Message> Messages, long Horizon)> BeforeAsync(ConvView view, long? from, string tag, CancellationToken ct,
        System.Linq.Expressions.Expression<Func<Message, bool>>? also = null)
    {
        // 0 or absent: from the newest message; last_message_nr + 1 (an init's horizon) is the same.
        if (from < 0 || from > view.LastMessageNr + 1)
        {
            throw FleepErrors.InvalidField("from_message_nr", $"between 0 and {view.LastMessageNr + 1}");
        }

        var before = from is null or 0 ? long.MaxValue : from.Value;
        var messages = await reader.Visible(view).Where(m => m.MessageNr < before && m.MkMessageState != MessageStates.Deleted && m.Tags.Contains(tag))
            .Where(also ?? (m => true))
            .OrderByDescending(m => m.MessageNr).Take(HorizonBatch + 1).ToListAsync(ct);
        var more = messages.Count > HorizonBatch;
        messages = messages.Take(HorizonBatch).ToList();
        return (messages, more ? messages[^1].MessageNr : 0);
    }

    private async Task<ConvView> ViewAsync(Guid accountId, Guid conversationId, CancellationToken ct)
    {
        var (conversation, members, viewer) = await membership.RequireAsync(conversationId, accountId, Access.Read, ct);
        return await membership.ViewAsync(conversation, members, viewer, ct);
    }

    private async Task<List<Message>> LoadAsync(ConvView view, List<BoardEntry> page, CancellationToken ct)
    {
        if (page.Count == 0)
        {
            return [];
        }

        var nrs = page.Select(p => p.MessageNr).ToList();
        var byNr = (await reader.Visible(view).Where(m => nrs.Contains(m.MessageNr)).ToListAsync(ct)).ToDictionary(m => m.MessageNr);
        return nrs.Where(byNr.ContainsKey).Select(nr => byNr[nr]).ToList();
    }

    private static int Limit(long? limit, int defaultLimit, string field) =>
        limit is null ? defaultLimit
        : limit is >= 1 and <= MaxLimit ? (int)limit.Value
        : throw FleepErrors.InvalidField(field, $"between 1 and {MaxLimit}");
}

/// <summary>The paging state of a board record while more remains.</summary>
public static class SyncStates
{
    public const string Partial = "partial";
}
