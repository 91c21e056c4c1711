using FleepServer.Data;
using FleepServer.Domain.Boards;
using FleepServer.Errors;
using FleepServer.Records;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// Reads a conversation's flow for one member: the init around the read
/// horizon, forward sync (every flow entry after F, revisions included), backward sync, and the
/// fragment modes. Only messages the member may see are ever read (<see cref="ViewerState.Sees"/>,
/// applied inside the SQL).
/// </summary>
public sealed class ConversationReader(FleepDbContext db, Membership membership, SectionBook sections)
{
    /// <summary>Flow entries per forward/backward batch; clients loop until fw/bw reach the ends.</summary>
    public const int BatchSize = 50;

    /// <summary>Messages loaded on each side of the read horizon by an init.</summary>
    public const int InitSide = 5;

    public static readonly string[] Directions =
    [
        "forward", "backward", InitModes.Header, InitModes.Tiny, InitModes.Full, "ic_flow", "ic_end", "ic_backward",
        "ic_forward", "ic_files", "ic_pinboard", "ic_tasks",
    ];

    /// <summary>
    /// The account's conversation list, newest first: conversations it is in or left by itself,
    /// not the ones it was removed from or deleted from its list.
    /// </summary>
    public IQueryable<Conversation> ListedConversations(Guid accountId) =>
        from m in db.ConversationMembers
        join c in db.Conversations on m.ConversationId equals c.Id
        where m.AccountId == accountId && !m.IsRemoved
              && !(m.DeleteMessageNr > 0 && (m.LeaveMessageNr ?? c.LastMessageNr) <= m.DeleteMessageNr)
        orderby c.LastMessageTime descending, c.Id
        select c;

    /// <summary>The account's views of these conversations: one query for their members, at most one for inbox messages.</summary>
    public async Task<List<ConvView>> ViewsAsync(Guid accountId, IReadOnlyList<Conversation> conversations, CancellationToken ct)
    {
        var ids = conversations.Select(c => c.Id).ToList();
        var members = (await db.ConversationMembers.AsNoTracking().Where(m => ids.Contains(m.ConversationId))
            .OrderBy(m => m.JoinedTime).ThenBy(m => m.AccountId).ToListAsync(ct)).ToLookup(m => m.ConversationId);
        return await membership.ViewsAsync(conversations.Select(conversation =>
        {
            IReadOnlyList<ConversationMember> all = members[conversation.Id].ToList();
            return (conversation, all, all.First(m => m.AccountId == accountId));
        }).ToList(), ct);
    }

    public async Task<ConvResult> SyncAsync(Guid accountId, Guid conversationId, string? direction, long? from, CancellationToken ct)
    {
        if (direction is not null && !Directions.Contains(direction))
        {
            throw FleepErrors.InvalidField("mk_direction", $"one of {string.Join(", ", Directions)}");
        }

        var (conversation, members, viewer) = await membership.RequireAsync(conversationId, accountId, Access.Read, ct);
        var view = await membership.ViewAsync(conversation, members, viewer, ct);
        var anchor = Anchor(view, from);
        var result = direction switch
        {
            InitModes.Header => new ConvResult(view, []) { Mode = HeaderMode.Header },
            InitModes.Tiny => await TinyAsync(view, ct),
            "ic_flow" => await AroundAsync(view, anchor ?? view.Viewer.ReadMessageNr, HeaderMode.Plain, ct),
            "ic_end" => await EndAsync(view, ct),
            "backward" or "ic_backward" => await BackwardAsync(view, anchor ?? view.LastMessageNr + 1, ct),
            "ic_forward" => await NewMessagesAsync(view, anchor ?? 0, ct),
            "ic_pinboard" => await TaggedAsync(view, MessageTags.Pin, ct),
            "ic_tasks" => await TaggedAsync(view, MessageTags.IsTask, ct),
            "ic_files" => await Files.FileDrawer.PageAsync(this, view, anchor ?? view.LastMessageNr + 1, Files.FileDrawer.BatchSize, ct),
            InitModes.Full => await AroundAsync(view, view.Viewer.ReadMessageNr, HeaderMode.Full, ct),
            // null or "forward": forward sync from F; without F the default init.
            _ => anchor is { } f ? await ForwardAsync(view, f, ct) : await AroundAsync(view, view.Viewer.ReadMessageNr, HeaderMode.Full, ct),
        };

        // The full init and ic_tasks carry the taskboard's sections; the full init also the board
        // horizons, from which sync_pins and task/sync page (docs/boards.md, "Paging").
        var init = result.Mode == HeaderMode.Full;
        if (init || direction == "ic_tasks")
        {
            result = result with
            {
                Records = [.. result.Records, .. (await sections.ListAsync(view.Conversation, ct)).Select(SectionRecords.For)],
                Board = init ? BoardReader.InitHorizons(view) : result.Board,
            };
        }

        return result;
    }

    /// <summary>
    /// from_message_nr: absent, null or 0 = not given; negative or past the viewer's last flow
    /// number = 400, never a silent clamp.
    /// </summary>
    public static long? Anchor(ConvView view, long? from)
    {
        if (from is null or 0)
        {
            return null;
        }

        if (from < 0 || from > view.LastMessageNr)
        {
            throw FleepErrors.InvalidField("from_message_nr", $"between 0 and {view.LastMessageNr}");
        }

        return from;
    }

    /// <summary>Every flow entry after <paramref name="from"/>, in flow order, one batch; fw = how far it got.</summary>
    public async Task<ConvResult> ForwardAsync(ConvView view, long from, CancellationToken ct)
    {
        var (messages, fw) = await ForwardEntriesAsync(view, from, BatchSize, ct);
        return new ConvResult(view, messages) { FwMessageNr = fw };
    }

    /// <summary>The init: a few visible messages up to the anchor and the flow entries after it.</summary>
    public async Task<ConvResult> AroundAsync(ConvView view, long anchor, HeaderMode mode, CancellationToken ct)
    {
        anchor = Math.Clamp(anchor, 0, view.ShowMessageNr);
        var (before, bw) = await BackwardEntriesAsync(view, anchor + 1, InitSide, ct);
        var (after, fw) = await ForwardEntriesAsync(view, anchor, InitSide, ct);
        var seen = before.Select(m => m.MessageNr).ToHashSet();
        return new ConvResult(view, [.. before, .. after.Where(m => !seen.Contains(m.MessageNr))])
        {
            Mode = mode,
            BwMessageNr = bw,
            FwMessageNr = fw,
        };
    }

    /// <summary>ic_tiny: the header and the message <c>inbox_message_nr</c> points at; bw = fw = that message.</summary>
    public async Task<ConvResult> TinyAsync(ConvView view, CancellationToken ct)
    {
        var nr = view.InboxMessageNr;
        var messages = await Visible(view).Where(m => m.MessageNr == nr).ToListAsync(ct);
        return new ConvResult(view, messages) { Mode = HeaderMode.Tiny, BwMessageNr = nr, FwMessageNr = nr };
    }

    public async Task<ConvResult> BackwardAsync(ConvView view, long before, CancellationToken ct)
    {
        var (messages, bw) = await BackwardEntriesAsync(view, before, BatchSize, ct);
        return new ConvResult(view, messages) { BwMessageNr = bw };
    }

    private async Task<ConvResult> EndAsync(ConvView view, CancellationToken ct)
    {
        var (messages, bw) = await BackwardEntriesAsync(view, view.LastMessageNr + 1, InitSide * 2, ct);
        return new ConvResult(view, messages) { BwMessageNr = bw, FwMessageNr = view.LastMessageNr };
    }

    /// <summary>ic_forward: new visible messages after F in number order; revisions are not entries of their own here.</summary>
    private async Task<ConvResult> NewMessagesAsync(ConvView view, long from, CancellationToken ct)
    {
        var messages = await Visible(view).Where(m => m.MessageNr > from).OrderBy(m => m.MessageNr).Take(BatchSize + 1).ToListAsync(ct);
        var more = messages.Count > BatchSize;
        messages = messages.Take(BatchSize).ToList();
        return new ConvResult(view, messages) { FwMessageNr = more ? messages[^1].MessageNr : view.LastMessageNr };
    }

    private async Task<ConvResult> TaggedAsync(ConvView view, string tag, CancellationToken ct)
    {
        // Board order: the pinboard from the highest pin_weight down, the taskboard by ascending task_weight.
        var tagged = Visible(view).Where(m => m.Tags.Contains(tag) && !m.Tags.Contains(MessageTags.IsDeleted));
        var ordered = tag == MessageTags.Pin
            ? tagged.OrderByDescending(m => m.PinWeight).ThenBy(m => m.MessageNr)
            : tagged.OrderBy(m => m.TaskWeight).ThenBy(m => m.MessageNr);
        var messages = await ordered.Take(BatchSize).ToListAsync(ct);
        return new ConvResult(view, messages);
    }

    private async Task<(List<Message> Messages, long Fw)> ForwardEntriesAsync(ConvView view, long from, int limit, CancellationToken ct)
    {
        var last = view.LastMessageNr;
        var messages = await Visible(view)
            .Where(m => m.MessageNr > from || m.FlowMessageNr > from)
            .Where(m => (m.FlowMessageNr ?? m.MessageNr) <= last)
            .OrderBy(m => m.FlowMessageNr ?? m.MessageNr)
            .Take(limit + 1)
            .ToListAsync(ct);
        if (messages.Count > limit)
        {
            messages.RemoveAt(limit);
            return (messages, messages[^1].EffectiveNr);
        }

        return (messages, last);
    }

    private async Task<(List<Message> Messages, long Bw)> BackwardEntriesAsync(ConvView view, long before, int limit, CancellationToken ct)
    {
        var messages = await Visible(view).Where(m => m.MessageNr < before)
            .OrderByDescending(m => m.MessageNr).Take(limit + 1).ToListAsync(ct);
        var more = messages.Count > limit;
        messages = messages.Take(limit).OrderBy(m => m.MessageNr).ToList();
        return (messages, more ? messages[0].MessageNr : view.FirstVisibleNr);
    }

    /// <summary>
    /// The viewer's visible messages that show at least one file (not removed): the file drawer's
    /// rows, read through the partial index <c>ix_messages_with_files</c> (<c>files IS NOT NULL</c>).
    /// </summary>
    public IQueryable<Message> VisibleWithFiles(ConvView view) =>
        Visible(view, db.Messages.FromSqlRaw(
            """SELECT * FROM messages WHERE files IS NOT NULL AND jsonb_path_exists(files, '$[*] ? (@.IsDeleted == false)')"""));

    /// <summary>The viewer's visible messages, <see cref="ViewerState.Sees"/> in SQL.</summary>
    public IQueryable<Message> Visible(ConvView view) => Visible(view, db.Messages);

    private static IQueryable<Message> Visible(ConvView view, IQueryable<Message> source)
    {
        var m = view.Viewer;
        var id = view.Conversation.Id;
        var deleted = m.DeleteMessageNr;
        // Never past the header's last message: a message committed after the header was read
        // belongs to the next sync, not this one.
        var leave = view.LastMessageNr;
        var begin = m.BeginMessageNr;
        var join = m.JoinMessageNr;
        var historyEnd = m.HistoryEndMessageNr;
        var disclosed = m.DiscloseMessageNr > 0 ? m.DiscloseMessageNr : long.MaxValue;
        return source.AsNoTracking().Where(x => x.ConversationId == id && x.MessageNr > deleted && x.MessageNr <= leave
            && (x.MessageNr >= begin || (x.MessageNr >= join && x.MessageNr <= historyEnd) || x.MessageNr >= disclosed));
    }
}

/// <summary>Message tags (docs/compatibility.md, "Message calls").</summary>
public static class MessageTags
{
    public const string Pin = "pin";
    public const string Unpin = "unpin";
    public const string IsShared = "is_shared";
    public const string IsTask = "is_task";
    public const string IsTodo = "is_todo";
    public const string IsDone = "is_done";
    public const string IsArchived = "is_archived";
    public const string IsDeleted = "is_deleted";

    /// <summary>Input only (this server, message/store and message:set_plain): back to a plain message.</summary>
    public const string Plain = "plain";

    /// <summary>Input only (this server, message/store and message:unarchive): undoes is_archived.</summary>
    public const string Unarchive = "unarchive";
}
