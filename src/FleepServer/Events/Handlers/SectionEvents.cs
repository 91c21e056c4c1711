using FleepServer.Domain.Boards;
using FleepServer.Errors;

namespace FleepServer.Events.Handlers;

/// <summary>
/// The <c>urn:fleep:client:section:task:*</c> events: a conversation's taskboard sections
/// (docs/boards.md, "Sections"; no classic HTTP call exists for them). Each change is one
/// conversation change with the event's client_req_id; <c>sync</c> pages one section's tasks as
/// account/sync_taskboard does, its cursor in the request record and in the section record.
/// </summary>
public static class SectionEvents
{
    public static void Register(EventHandlers events)
    {
        events
            .On("section:task:add", (c, p, ct) => Result(c, Sections(c).AddAsync(c.AccountId, Conversation(p), p.RequiredText("section_name"),
                p.Uuid("prev_section_id"), c.ClientReqId, ct)))
            .On("section:task:rename", (c, p, ct) => Result(c, Sections(c).RenameAsync(c.AccountId, Conversation(p), Section(p),
                p.RequiredText("section_name"), c.ClientReqId, ct)))
            .On("section:task:delete", (c, p, ct) => Result(c, Sections(c).DeleteAsync(c.AccountId, Conversation(p), Section(p), c.ClientReqId, ct)))
            .On("section:task:set_position", (c, p, ct) => Result(c, Sections(c).SetPositionAsync(c.AccountId, Conversation(p), Section(p),
                p.Uuid("prev_section_id"), c.ClientReqId, ct)))
            .On("section:task:archive_done", (c, p, ct) =>
                Result(c, Sections(c).ArchiveAsync(c.AccountId, Conversation(p), Section(p), doneOnly: true, c.ClientReqId, ct)))
            .On("section:task:archive_all", (c, p, ct) =>
                Result(c, Sections(c).ArchiveAsync(c.AccountId, Conversation(p), Section(p), doneOnly: false, c.ClientReqId, ct)))
            .On("section:task:sync", Sync);
    }

    private static async Task<EventOutcome> Sync(EventContext c, EventParams p, CancellationToken ct)
    {
        var conversationId = Conversation(p);
        var sectionId = Section(p);
        double? weight = null;
        if (p.Object("sync_cursor") is { } cursor)
        {
            if (cursor.Uuid("conversation_id") is { } cid && cid != conversationId)
            {
                throw FleepErrors.InvalidField("sync_cursor", "a cursor of this conversation");
            }

            if (cursor.Uuid("section_id") is { } sid && sid != sectionId)
            {
                throw FleepErrors.InvalidField("sync_cursor", "a cursor of this section");
            }

            weight = cursor.Float("task_weight");
        }

        var (result, next) = await c.Get<BoardReader>().TaskboardAsync(c.AccountId, conversationId, sectionId, weight, p.Long("limit"),
            BoardReader.DefaultEventLimit, "limit", ct);
        return EventOutcome.ForConversation(result, c.PublicUrl, identifiesMessage: false) with { SyncCursor = next };
    }

    private static SectionActions Sections(EventContext c) => c.Get<SectionActions>();

    private static Guid Conversation(EventParams p) => p.RequiredUuid("conversation_id");

    private static Guid Section(EventParams p) => p.RequiredUuid("section_id");

    private static async Task<EventOutcome> Result(EventContext c, Task<Domain.Conversations.ConvResult> action) =>
        EventOutcome.ForConversation(await action, c.PublicUrl, identifiesMessage: false);
}
