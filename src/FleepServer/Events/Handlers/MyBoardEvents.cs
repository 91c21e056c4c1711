using FleepServer.Domain.MyBoard;
using FleepServer.Data;

namespace FleepServer.Events.Handlers;

/// <summary>
/// The personal board and canned responses (docs/boards.md, "Personal board"): the
/// <c>my_section:task:*</c>, <c>my_message:*</c> and <c>task:*</c> events and
/// <c>contact:sync_canned</c>. There is no classic endpoint for them; each maps onto one action of
/// <see cref="MyBoardActions"/>. The result is the owner's (identifier <c>account_id</c>), its
/// records are in the answer and in the owner's stream only.
/// </summary>
public static class MyBoardEvents
{
    public static void Register(EventHandlers events)
    {
        events
            .On("my_section:task:add", (c, p, ct) => Run(c, b => b.AddSectionAsync(c.AccountId, p.RequiredText("section_name"), p.Uuid("prev_section_id"), ct)))
            .On("my_section:task:rename", (c, p, ct) =>
                Run(c, b => b.RenameSectionAsync(c.AccountId, p.RequiredUuid("section_id"), p.RequiredText("section_name"), ct)))
            .On("my_section:task:delete", (c, p, ct) => Run(c, b => b.DeleteSectionAsync(c.AccountId, p.RequiredUuid("section_id"), ct)))
            .On("my_section:task:set_position", (c, p, ct) =>
                Run(c, b => b.MoveSectionAsync(c.AccountId, p.RequiredUuid("section_id"), p.Uuid("prev_section_id"), ct)))
            .On("my_section:task:archive_done", (c, p, ct) => Run(c, b => b.ArchiveSectionAsync(c.AccountId, p.RequiredUuid("section_id"), all: false, ct)))
            .On("my_section:task:archive_all", (c, p, ct) => Run(c, b => b.ArchiveSectionAsync(c.AccountId, p.RequiredUuid("section_id"), all: true, ct)))
            .On("my_section:task:sync", SyncSection)
            .On("my_message:add_todo", (c, p, ct) => Run(c, b => b.AddTodoAsync(c.AccountId, p.Text("message"), p.Texts("attachment_urls"), ct)))
            .On("my_message:edit", (c, p, ct) =>
                Run(c, b => b.EditAsync(c.AccountId, p.RequiredUuid("message_id"), setText: true, p.Text("message"), setFiles: true, p.Texts("attachment_urls"), ct)))
            .On("my_message:edit_body", (c, p, ct) =>
                Run(c, b => b.EditAsync(c.AccountId, p.RequiredUuid("message_id"), setText: true, p.Text("message"), setFiles: false, null, ct)))
            .On("my_message:edit_attachments", (c, p, ct) =>
                Run(c, b => b.EditAsync(c.AccountId, p.RequiredUuid("message_id"), setText: false, null, setFiles: true, p.Texts("attachment_urls"), ct)))
            .On("my_message:set_todo", (c, p, ct) => Run(c, b => b.SetStateAsync(c.AccountId, p.RequiredUuid("message_id"), MessageStates.Todo, ct)))
            .On("my_message:set_done", (c, p, ct) => Run(c, b => b.SetStateAsync(c.AccountId, p.RequiredUuid("message_id"), MessageStates.Done, ct)))
            .On("my_message:archive", (c, p, ct) => Run(c, b => b.ArchiveAsync(c.AccountId, p.RequiredUuid("message_id"), archive: true, ownOnly: true, ct)))
            .On("my_message:unarchive", (c, p, ct) =>
                Run(c, b => b.ArchiveAsync(c.AccountId, p.RequiredUuid("message_id"), archive: false, ownOnly: true, ct)))
            .On("my_message:delete", (c, p, ct) => Run(c, b => b.DeleteAsync(c.AccountId, p.RequiredUuid("message_id"), ct)))
            .On("my_message:add_canned", (c, p, ct) =>
                Run(c, b => b.AddCannedAsync(c.AccountId, p.Text("canned_name"), p.Text("message"), p.Texts("attachment_urls"), ct)))
            .On("my_message:edit_canned", (c, p, ct) =>
                Run(c, b => b.EditCannedAsync(c.AccountId, p.RequiredUuid("message_id"), p.Text("canned_name"), p.Text("message"), p.Texts("attachment_urls"), ct)))
            .On("task:set_position", (c, p, ct) =>
                Run(c, b => b.MoveTaskAsync(c.AccountId, p.RequiredUuid("message_id"), p.RequiredUuid("section_id"), p.Uuid("prev_message_id"), ct)))
            .On("task:archive", (c, p, ct) => Run(c, b => b.ArchiveAsync(c.AccountId, p.RequiredUuid("message_id"), archive: true, ownOnly: false, ct)))
            .On("task:unarchive", (c, p, ct) => Run(c, b => b.ArchiveAsync(c.AccountId, p.RequiredUuid("message_id"), archive: false, ownOnly: false, ct)))
            .On("contact:sync_canned", SyncCanned);
    }

    private static async Task<EventOutcome> Run(EventContext c, Func<MyBoardActions, Task<List<Streams.IStreamRecord>>> action) =>
        EventOutcome.ForAccount(c.AccountId, await action(c.Get<MyBoardActions>()));

    private static async Task<EventOutcome> SyncSection(EventContext c, EventParams p, CancellationToken ct)
    {
        var sectionId = p.RequiredUuid("section_id");
        var cursor = p.Object("sync_cursor") is { } given
            ? new MySectionCursor(given.Uuid("section_id") ?? sectionId, given.Float("task_weight"))
            : null;
        var (records, next) = await c.Get<MyBoardActions>().SyncSectionAsync(c.AccountId, sectionId, cursor, p.Long("limit"), ct);
        return EventOutcome.ForAccount(c.AccountId, records) with { SyncCursor = next };
    }

    private static async Task<EventOutcome> SyncCanned(EventContext c, EventParams p, CancellationToken ct)
    {
        var cursor = p.Object("sync_cursor") is { } given
            ? new CannedCursor(given.Uuid("message_id") ?? throw Errors.FleepErrors.MissingField("sync_cursor.message_id"),
                given.Time("store_time") is { } t ? MyItems.FormatTime(t) : throw Errors.FleepErrors.MissingField("sync_cursor.store_time"))
            : null;
        var (records, next) = await c.Get<MyBoardActions>().SyncCannedAsync(c.AccountId, cursor, p.Long("limit"), ct);
        return EventOutcome.ForAccount(c.AccountId, records) with { SyncCursor = next };
    }
}
