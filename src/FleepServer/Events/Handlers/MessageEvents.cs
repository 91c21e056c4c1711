using FleepServer.Domain.Conversations;

namespace FleepServer.Events.Handlers;

/// <summary>
/// The <c>urn:fleep:client:message:*</c> events.
/// Each builds the request of its classic api/message (or api/conversation) call and runs the same
/// domain action, so an event and its endpoint cannot drift apart; the event's client_req_id is the
/// request's, which makes a repeated event answer with the original message. Attachment lists are
/// refused while files are not served (<c>delete_attachments</c> / <c>edit_attachments</c> are
/// registered as waiting for files in <see cref="EventHandlers"/>). docs/compatibility.md,
/// "Message events", lists the choices.
/// </summary>
public static class MessageEvents
{
    public static void Register(EventHandlers events)
    {
        events
            // New messages: message/send, or message/store without message_nr and with the state tag.
            .On("message:add_plain", (c, p, ct) =>
                Result(c, Messages(c).SendAsync(c.AccountId, Conversation(p), new SendMessage
                {
                    Message = p.Text("message"),
                    Subject = p.Text("subject"),
                    Attachments = p.Texts("attachment_urls"),
                    AttachmentField = AttachmentUrls,
                    FromMessageNr = From(p),
                    ClientReqId = c.ClientReqId,
                    ReplyToMessageNr = p.Long("reply_to_message_nr"),
                }, ct)))
            .On("message:add_pinned", (c, p, ct) =>
                Store(c, p, new StoreMessage
                {
                    Message = p.Text("message"), Subject = p.Text("subject"), Tags = [MessageTags.Pin],
                    Attachments = p.Texts("attachment_urls"), AttachmentField = AttachmentUrls,
                }, ct))
            .On("message:add_todo", (c, p, ct) =>
                Store(c, p, new StoreMessage
                {
                    Message = p.Text("message"), Subject = p.Text("subject"), Tags = [MessageTags.IsTodo], AssigneeIds = p.Uuids("assignee_ids"),
                    Attachments = p.Texts("attachment_urls"), AttachmentField = AttachmentUrls,
                }, ct))

            // Content: message/edit (a full replace: no subject removes it, no attachment_urls removes
            // the files), edit_subject through message/store, edit_attachments as message/edit of the
            // attachment list alone.
            .On("message:edit", (c, p, ct) =>
                Result(c, Messages(c).EditAsync(c.AccountId, Conversation(p), new EditMessage
                {
                    MessageNr = MessageNr(p), Message = p.Text("message"), Subject = p.Text("subject") ?? "", FromMessageNr = From(p),
                    ClientReqId = c.ClientReqId, Attachments = p.Texts("attachment_urls") ?? [], AttachmentField = AttachmentUrls,
                }, ct)))
            .On("message:edit_attachments", (c, p, ct) =>
                Result(c, Messages(c).EditAsync(c.AccountId, Conversation(p), new EditMessage
                {
                    MessageNr = MessageNr(p), FromMessageNr = From(p), ClientReqId = c.ClientReqId, KeepText = true,
                    Attachments = p.Texts("attachment_urls") ?? [], AttachmentField = AttachmentUrls,
                }, ct)))
            // message/delete attachment_id, for each file_url (or attachment id) given; all the files without attachment_urls.
            .On("message:delete_attachments", (c, p, ct) =>
                Result(c, Messages(c).DeleteAsync(c.AccountId, Conversation(p), new DeleteMessage
                {
                    MessageNr = MessageNr(p), FromMessageNr = From(p), ClientReqId = c.ClientReqId,
                    AttachmentIds = AttachmentIdsOf(p), AllAttachments = p.Texts("attachment_urls") is null,
                }, ct)))
            .On("message:edit_body", (c, p, ct) =>
                Result(c, Messages(c).EditAsync(c.AccountId, Conversation(p), new EditMessage
                {
                    MessageNr = MessageNr(p), Message = p.Text("message"), FromMessageNr = From(p), ClientReqId = c.ClientReqId,
                }, ct)))
            .On("message:edit_subject", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), Subject = p.Text("subject") ?? "" }, ct))
            .On("message:delete", (c, p, ct) =>
                Result(c, Messages(c).DeleteAsync(c.AccountId, Conversation(p), new DeleteMessage
                {
                    MessageNr = MessageNr(p), FromMessageNr = From(p), ClientReqId = c.ClientReqId,
                }, ct)))

            // States through message/store tags.
            .On("message:set_plain", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), Tags = [MessageTags.Plain] }, ct))
            .On("message:set_pinned", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), Tags = [MessageTags.Pin] }, ct))
            .On("message:set_unpinned", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), Tags = [MessageTags.Unpin] }, ct))
            .On("message:set_todo", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), Tags = [MessageTags.IsTodo] }, ct))
            .On("message:set_done", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), Tags = [MessageTags.IsDone] }, ct))
            .On("message:archive", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), Tags = [MessageTags.IsArchived] }, ct))
            .On("message:unarchive", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), Tags = [MessageTags.Unarchive] }, ct))
            .On("message:set_assignees", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), AssigneeIds = p.Uuids("assignee_ids") ?? [] }, ct))

            // Other message fields through message/store.
            .On("message:add_reaction", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), AddReactions = [p.RequiredText("reaction")] }, ct))
            .On("message:delete_reaction", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), DelReactions = [p.RequiredText("reaction")] }, ct))
            .On("message:disable_preview", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), IsUrlPreviewDisabled = true }, ct))
            .On("message:mark_spam", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), IsSpam = true }, ct))
            .On("message:unmark_spam", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), IsSpam = false }, ct))
            .On("message:set_spam", (c, p, ct) => Store(c, p, new StoreMessage { MessageNr = MessageNr(p), IsSpam = p.Bool("is_spam") }, ct))

            // Board positions: the weight between the neighbours, decided under the conversation lock (docs/boards.md).
            .On("message:pin:set_position", (c, p, ct) =>
                Result(c, Messages(c).SetPinPositionAsync(c.AccountId, Conversation(p), MessageNr(p), p.RequiredLong("prev_message_nr"), From(p),
                    c.ClientReqId, ct)))
            .On("message:task:set_position", (c, p, ct) =>
                Result(c, Messages(c).SetTaskPositionAsync(c.AccountId, Conversation(p), MessageNr(p), p.RequiredUuid("section_id"),
                    p.RequiredLong("prev_message_nr"), From(p), c.ClientReqId, ct)))

            // message/copy: conversation_id is the destination, copy_* the source.
            .On("message:copy", (c, p, ct) =>
                Result(c, Messages(c).CopyAsync(c.AccountId, p.RequiredUuid("copy_conversation_id"), new CopyMessage
                {
                    MessageNr = p.RequiredLong("copy_message_nr"), ToConvId = Conversation(p), FromMessageNr = From(p), ClientReqId = c.ClientReqId,
                }, ct)))

            // conversation/disclose with message_nr.
            .On("message:disclose", (c, p, ct) =>
            {
                if (p.Uuids("team_ids") is { Count: > 0 })
                {
                    throw EventErrors.NotSupportedYet(EventCatalogue.UrnPrefix + "message:disclose", "teams");
                }

                return Result(c, c.Get<ConversationActions>().DiscloseAsync(c.AccountId, Conversation(p), new ChangeMembers
                {
                    AccountIds = p.Uuids("account_ids"), MessageNr = MessageNr(p),
                }, all: false, ct));
            })

            // Read horizon: message/mark_read and mark_unread; the identifier names the message given.
            .On("message:mark_read", async (c, p, ct) => Naming(MessageNr(p), await Result(c, Messages(c).MarkReadAsync(c.AccountId, Conversation(p),
                new MarkMessageRead { MessageNr = MessageNr(p), FromMessageNr = From(p) }, ct), identifiesMessage: false)))
            .On("message:mark_unread", async (c, p, ct) => Naming(MessageNr(p), await Result(c, Messages(c).MarkUnreadAsync(c.AccountId, Conversation(p),
                new MarkMessageRead { MessageNr = MessageNr(p), FromMessageNr = From(p) }, ct), identifiesMessage: false)))

            // Edit locks: show_activity with message_nr (is_writing true / false), answered with the lock record.
            .On("message:set_editing", (c, p, ct) => Editing(c, p, editing: true, ct))
            .On("message:end_editing", (c, p, ct) => Editing(c, p, editing: false, ct))

            // Loading the flow: conversation/sync ic_flow around, forward after, backward before message_nr.
            .On("message:load_context", (c, p, ct) => Load(c, p, "ic_flow", ct))
            .On("message:load_next", (c, p, ct) => Load(c, p, "forward", ct))
            .On("message:load_previous", (c, p, ct) => Load(c, p, "ic_backward", ct));
    }

    private static MessageActions Messages(EventContext c) => c.Get<MessageActions>();

    private static Guid Conversation(EventParams p) => p.RequiredUuid("conversation_id");

    private static long MessageNr(EventParams p) => p.RequiredLong("message_nr");

    private static long? From(EventParams p) => p.Long("from_message_nr");

    private const string AttachmentUrls = "attachment_urls";

    /// <summary>
    /// The attachments delete_attachments names: file_urls of the message's attachments (as file
    /// records carry them) or bare attachment ids. A file_url of another message is refused.
    /// </summary>
    private static List<string>? AttachmentIdsOf(EventParams p)
    {
        if (p.Texts(AttachmentUrls) is not { } references)
        {
            return null;
        }

        var conversationId = Conversation(p);
        var messageNr = MessageNr(p);
        var ids = new List<string>(references.Count);
        foreach (var reference in references)
        {
            if (reference is null)
            {
                throw Errors.FleepErrors.InvalidField(AttachmentUrls, "a list of file URLs");
            }

            if (Http.FileUrls.FileOf(reference) is { } file)
            {
                if (file.ConversationId != conversationId || file.MessageNr != messageNr)
                {
                    throw Errors.FleepErrors.UnknownAttachment(AttachmentUrls, reference);
                }

                ids.Add(file.AttachmentId);
            }
            else
            {
                ids.Add(reference);
            }
        }

        return ids;
    }

    private static async Task<EventOutcome> Result(EventContext c, Task<ConvResult> action, bool identifiesMessage = true) =>
        EventOutcome.ForConversation(await action, c.PublicUrl, identifiesMessage);

    private static EventOutcome Naming(long messageNr, EventOutcome outcome) =>
        outcome with { Identifier = outcome.Identifier with { MessageNr = messageNr } };

    /// <summary>message/store of <paramref name="store"/> with the event's from_message_nr and client_req_id.</summary>
    private static Task<EventOutcome> Store(EventContext c, EventParams p, StoreMessage store, CancellationToken ct) =>
        Result(c, Messages(c).StoreAsync(c.AccountId, Conversation(p), store with { FromMessageNr = From(p), ClientReqId = c.ClientReqId }, ct));

    private static async Task<EventOutcome> Editing(EventContext c, EventParams p, bool editing, CancellationToken ct)
    {
        var conversationId = Conversation(p);
        var record = await c.Get<ConversationActivity>().SetEditingAsync(c.AccountId, conversationId, MessageNr(p), editing, ct);
        return new EventOutcome(new EventIdentifier(conversationId, record.MessageNr), [record]);
    }

    private static async Task<EventOutcome> Load(EventContext c, EventParams p, string direction, CancellationToken ct)
    {
        var result = await c.Get<ConversationActions>().SyncAsync(c.AccountId, Conversation(p), direction, MessageNr(p), ct);
        return Naming(MessageNr(p), EventOutcome.ForConversation(result, c.PublicUrl, identifiesMessage: false));
    }
}
