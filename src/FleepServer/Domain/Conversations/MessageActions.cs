using FleepServer.Data;
using FleepServer.Domain.Boards;
using FleepServer.Domain.Files;
using FleepServer.Errors;
using FleepServer.Http;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// The message actions of api/message/*: post, edit, delete, tag changes and read
/// horizons. Each locks the conversation through the <see cref="ConversationWriter"/>, applies the
/// rules of <see cref="MessageStateChanges"/> to the message and makes one revision of whatever
/// changed. A call with a <c>client_req_id</c> that this account already used is not applied
/// again: it answers with the original message, whatever the retry's body says.
/// </summary>
public sealed class MessageActions(FleepDbContext db, ConversationWriter writer, Membership membership, ConversationReader reader,
    Attachments attachments, SectionBook sections, BoardFlags boardFlags, MessageBoards boards)
{
    /// <summary>message/send: a new message. <c>file_ids</c> and <c>files</c>, older names of <c>attachments</c>, are read the same way.</summary>
    public Task<ConvResult> SendAsync(Guid accountId, Guid conversationId, SendMessage r, CancellationToken ct)
    {
        var (references, field) = r.Attachments is { Count: > 0 } ? (r.Attachments, r.AttachmentField ?? "attachments")
            : r.FileIds is { Count: > 0 } ? (r.FileIds, "file_ids")
            : (r.Files ?? [], "files");
        return PostAsync(accountId, conversationId, new NewPost
        {
            Text = r.Message,
            Subject = r.Subject,
            Tags = r.Tags,
            Attachments = references,
            AttachmentField = field,
            ReplyToMessageNr = r.ReplyToMessageNr,
            ClientReqId = r.ClientReqId,
            IsRetry = r.IsRetry,
            FromMessageNr = r.FromMessageNr,
        }, ct);
    }

    /// <summary>message/store: a new message without message_nr, else a change of that message.</summary>
    public Task<ConvResult> StoreAsync(Guid accountId, Guid conversationId, StoreMessage r, CancellationToken ct)
    {
        if (r.MessageNr is null or 0)
        {
            return PostAsync(accountId, conversationId, new NewPost
            {
                Text = r.Message,
                Subject = r.Subject,
                Tags = r.Tags,
                Assignees = r.AssigneeIds,
                Attachments = r.Attachments ?? [],
                AttachmentField = r.AttachmentField ?? "attachments",
                ReplyToMessageNr = r.ReplyToMessageNr,
                ClientReqId = r.ClientReqId,
                IsRetry = r.IsRetry,
                FromMessageNr = r.FromMessageNr,
            }, ct);
        }

        // One store call is one revision, whatever it changes (pin + edit → one flow entry).
        return ChangeWithAsync(accountId, conversationId, r.MessageNr, r.ClientReqId, r.FromMessageNr, async (change, message) =>
        {
            if (r.SectionId is { } section)
            {
                // A section of this conversation's board: To Do, Archived or a live user section.
                SectionBook.Require(await sections.ListAsync(change.Conversation, ct), section);
            }

            var rules = Rules(change);
            var changed = false;
            if (r.Tags is { Count: > 0 })
            {
                var taskWeight = MessageStateChanges.MakesTask(r.Tags, message) ? await NextTaskWeightAsync(change, ct) : (double?)null;
                var pinWeight = r.PinWeight ?? (r.Tags.Contains(MessageTags.Pin) && message.PinWeight is null ? await NextPinWeightAsync(change, ct) : null);
                changed |= rules.ApplyTags(message, r.Tags, pinWeight, r.AssigneeIds, taskWeight);
            }
            else if (r.AssigneeIds is { } assignees && MessageStateChanges.Assign(message, assignees))
            {
                changed = true;
            }
            else if (r.PinWeight is { } weight)
            {
                changed |= MessageStateChanges.SetPinWeight(message, weight);
            }

            if (r.Message is not null || r.Subject is not null || r.Attachments is not null)
            {
                var files = r.Attachments is null ? null : await attachments.ResolveAsync(accountId, r.Attachments, r.AttachmentField ?? "attachments", message, ct);
                changed |= rules.Edit(message, r.Message, r.Subject, files);
            }

            var removeReactions = r.DelReactions ?? r.DeleteReactions;
            if (r.AddReactions is { Count: > 0 } || removeReactions is { Count: > 0 })
            {
                changed |= rules.React(message, r.AddReactions ?? [], removeReactions ?? []);
            }

            changed |= r.IsUrlPreviewDisabled is { } disabled && MessageStateChanges.SetUrlPreviewDisabled(message, disabled);
            changed |= r.IsSpam is { } spam && MessageStateChanges.SetSpam(message, spam);
            changed |= (r.SectionId is not null || r.TaskWeight is not null) && rules.PlaceTask(message, r.SectionId, r.TaskWeight);
            if (changed)
            {
                change.Revise(message);
            }
        }, ct);
    }

    /// <summary>
    /// message/edit: the text (absent = empty), the subject when given, and, when
    /// <c>attachments</c> is given, the full new attachment list: the message's current attachments
    /// kept by their file_url, new ones by upload_url, the others removed (docs/files.md, "Attach").
    /// Without <c>attachments</c> the files stay as they are; a text-only edit to "" keeps a message
    /// that still has files. <see cref="EditMessage.KeepText"/> (the attachment events) leaves the text alone.
    /// </summary>
    public Task<ConvResult> EditAsync(Guid accountId, Guid conversationId, EditMessage r, CancellationToken ct) =>
        ChangeWithAsync(accountId, conversationId, r.MessageNr, r.ClientReqId, r.FromMessageNr,
            async (change, message) =>
            {
                var field = r.AttachmentField ?? "attachments";
                var files = r.Attachments is null ? null : await attachments.ResolveAsync(accountId, r.Attachments, field, message, ct);
                if (Rules(change).Edit(message, r.KeepText ? null : r.Message ?? "", r.Subject, files))
                {
                    change.Revise(message);
                }
            }, ct);

    /// <summary>
    /// Deletes a message: a revision with an empty body, state deleted and tag is_deleted. Any
    /// member may delete (the live server allowed deleting someone else's message).
    /// </summary>
    /// <remarks>
    /// With <c>attachment_id</c> (or <see cref="DeleteMessage.AttachmentIds"/>, the
    /// delete_attachments event) only those attachments are removed, a revision of their own; the
    /// message stays, also when no file is left. An id the message does not have is
    /// <c>430 not_found</c>. A whole-message delete removes every attachment with it.
    /// </remarks>
    public Task<ConvResult> DeleteAsync(Guid accountId, Guid conversationId, DeleteMessage r, CancellationToken ct)
    {
        return ChangeAsync(accountId, conversationId, r.MessageNr, r.ClientReqId, r.FromMessageNr, (change, message) =>
        {
            IReadOnlyList<string>? only = r.AllAttachments ? [.. (message.Files ?? []).Select(f => f.AttachmentId)]
                : r.AttachmentIds ?? (r.AttachmentId is { } one ? [one] : null);
            MessageStateChanges.RequireUserMessage(message);
            if (message.MkMessageState == MessageStates.Deleted)
            {
                return;
            }

            if (only is null)
            {
                MessageStateChanges.MarkDeleted(message, accountId);
                change.Revise(message);
                return;
            }

            var changed = false;
            foreach (var id in only)
            {
                changed |= MessageStateChanges.RemoveFile(message, id, accountId);
            }

            if (changed)
            {
                change.Revise(message);
            }
        }, ct);
    }

    /// <summary>
    /// The legacy pin calls, mapped to the tag changes of message/store: pin,
    /// unpin, and repin (a new <c>pin_weight</c> for a pinned message).
    /// </summary>
    public Task<ConvResult> PinAsync(Guid accountId, Guid conversationId, PinMessage r, string action, CancellationToken ct)
    {
        var nr = r.MessageNr is null or 0 ? r.PinMessageNr : r.MessageNr;
        if (nr is null)
        {
            throw FleepErrors.MissingField("message_nr");
        }

        return ChangeWithAsync(accountId, conversationId, nr, r.ClientReqId, r.FromMessageNr, async (change, message) =>
        {
            var pinWeight = action == MessageTags.Pin && r.PinWeight is null && message.PinWeight is null ? await NextPinWeightAsync(change, ct) : r.PinWeight;
            var changed = action switch
            {
                MessageTags.Pin => Rules(change).ApplyTags(message, [MessageTags.Pin], pinWeight),
                MessageTags.Unpin => message.Tags.Contains(MessageTags.Pin) && Rules(change).ApplyTags(message, [MessageTags.Unpin]),
                _ => r.PinWeight is { } weight && MessageStateChanges.SetPinWeight(message, weight),
            };
            if (changed)
            {
                change.Revise(message);
            }
        }, ct);
    }

    /// <summary>
    /// message/copy: posts the message's content as a new message of the caller in
    /// <c>to_conv_id</c>. The caller must see the message and be a member of the
    /// target; a deleted (or system) message cannot be copied (431).
    /// </summary>
    public async Task<ConvResult> CopyAsync(Guid accountId, Guid conversationId, CopyMessage r, CancellationToken ct)
    {
        var (conversation, members, viewer) = await membership.RequireAsync(conversationId, accountId, Access.Read, ct);
        var nr = r.MessageNr!.Value;
        if (nr < 0)
        {
            throw FleepErrors.InvalidField("message_nr", "a positive number");
        }

        var view = await membership.ViewAsync(conversation, members, viewer, ct);
        var source = nr > view.LastMessageNr ? null : await reader.Visible(view).FirstOrDefaultAsync(m => m.MessageNr == nr, ct);
        if (source is null)
        {
            throw FleepErrors.MessageNotFound();
        }

        if (source.MkMessageState is MessageStates.Deleted or MessageStates.System)
        {
            throw FleepErrors.BusinessRule("invalid_copy", "This message cannot be copied.");
        }

        // The copy's attachments are new attachments of the new message (their own ids and URLs),
        // posted by the caller; removed ones stay behind.
        List<MessageFile>? files = source.Files?.Where(f => !f.IsDeleted)
            .Select(f => f with { AttachmentId = FileUrls.NewAttachmentId(), AccountId = accountId, DeleterId = null }).ToList();
        return await writer.ChangeAsync(new(accountId, r.ToConvId!.Value) { ClientReqId = r.ClientReqId }, change =>
        {
            change.ValidateFrom(r.FromMessageNr);
            var copy = change.AppendText(source.Body, source.Subject);
            copy.Files = files is { Count: > 0 } ? files : null;
        }, ct);
    }

    /// <summary>Moves the caller's read horizon forward to <c>message_nr</c>; never backwards.</summary>
    public Task<ConvResult> MarkReadAsync(Guid accountId, Guid conversationId, MarkMessageRead r, CancellationToken ct) =>
        writer.ChangeAsync(new(accountId, conversationId), (change, token) =>
        {
            change.ValidateFrom(r.FromMessageNr);
            return change.SetReadAsync(r.MessageNr!.Value, forwardOnly: true, "message_nr", token);
        }, ct);

    /// <summary>Moves the caller's read horizon back to just before <c>message_nr</c> (<c>is_mark_unread</c>).</summary>
    public Task<ConvResult> MarkUnreadAsync(Guid accountId, Guid conversationId, MarkMessageRead r, CancellationToken ct) =>
        writer.ChangeAsync(new(accountId, conversationId), (change, token) =>
        {
            change.ValidateFrom(r.FromMessageNr);
            var nr = r.MessageNr!.Value;
            if (nr <= 0)
            {
                throw FleepErrors.InvalidField("message_nr", "a positive number");
            }

            return change.SetReadAsync(nr - 1, forwardOnly: false, "message_nr", token);
        }, ct);

    private async Task<ConvResult> PostAsync(Guid accountId, Guid conversationId, NewPost post, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(post.Text) && post.Attachments.Count == 0)
        {
            throw FleepErrors.EmptyMessage();
        }

        var newTags = MessageStateChanges.NewMessageTags(post.Tags ?? []);

        var xml = string.IsNullOrWhiteSpace(post.Text) ? FileMessageBody : Markup.ToXml(post.Text);
        // Uploads are the caller's own and never change, so they are resolved before the unit starts.
        var files = post.Attachments.Count == 0 ? null : await attachments.ResolveAsync(accountId, post.Attachments, post.AttachmentField, null, ct);
        return await writer.ChangeAsync(new(accountId, conversationId) { ClientReqId = post.ClientReqId }, async (change, token) =>
        {
            var from = change.ValidateFrom(post.FromMessageNr);
            if (post.IsRetry == true && from is { } f && f != change.Conversation.LastMessageNr)
            {
                throw FleepErrors.RetryConflict();
            }

            if (post.ReplyToMessageNr is not (null or 0))
            {
                // A reply names the message it answers as its ref_message_nr.
                await change.RequireMessageAsync(post.ReplyToMessageNr, token);
            }

            var taskWeight = newTags.Contains(MessageTags.IsTodo) || newTags.Contains(MessageTags.IsDone) ? await NextTaskWeightAsync(change, token) : (double?)null;
            var pinWeight = newTags.Contains(MessageTags.Pin) ? await NextPinWeightAsync(change, token) : (double?)null;
            var message = change.AppendText(xml, post.Subject);
            message.ClientReqId = post.ClientReqId;
            message.RefMessageNr = post.ReplyToMessageNr is null or 0 ? null : post.ReplyToMessageNr;
            message.Files = files;
            if (newTags.Count > 0)
            {
                Rules(change).ApplyTags(message, newTags, pinWeight, post.Assignees, taskWeight);
                await boardFlags.KeepAsync(change.Conversation, [message], new Dictionary<long, BoardMarks>(), token);
            }
        }, ct);
    }

    /// <summary>The stored body of a message that is only files: its XML is then just the file elements.</summary>
    public const string FileMessageBody = "<msg></msg>";

    private Task<ConvResult> ChangeAsync(Guid accountId, Guid conversationId, long? messageNr, Guid? clientReqId, long? fromMessageNr,
        Action<ConversationChange, Message> apply, CancellationToken ct) =>
        ChangeWithAsync(accountId, conversationId, messageNr, clientReqId, fromMessageNr, (change, message) =>
        {
            apply(change, message);
            return Task.CompletedTask;
        }, ct);

    private Task<ConvResult> ChangeWithAsync(Guid accountId, Guid conversationId, long? messageNr, Guid? clientReqId, long? fromMessageNr,
        Func<ConversationChange, Message, Task> apply, CancellationToken ct) =>
        writer.ChangeAsync(new(accountId, conversationId) { ClientReqId = clientReqId }, async (change, token) =>
        {
            change.ValidateFrom(fromMessageNr);
            var message = await change.RequireMessageAsync(messageNr, token);
            var before = BoardFlags.Before([message]);
            await apply(change, message);
            await boardFlags.KeepAsync(change.Conversation, [message], before, token);
            change.ResultMessageNr = message.MessageNr;
            if (!change.Changed.Contains(message))
            {
                change.Changed.Add(message);
            }
        }, ct);

    private static MessageStateChanges Rules(ConversationChange change) => new(change.Viewer.AccountId, change.Now);

    /// <summary>message:pin:set_position: the pin moves right after <paramref name="prevMessageNr"/> (0 = first), one revision.</summary>
    public Task<ConvResult> SetPinPositionAsync(Guid accountId, Guid conversationId, long messageNr, long prevMessageNr, long? fromMessageNr,
        Guid? clientReqId, CancellationToken ct) =>
        ChangeWithAsync(accountId, conversationId, messageNr, clientReqId, fromMessageNr, async (change, message) =>
        {
            var weight = await boards.PinWeightAfterAsync(change, message, prevMessageNr, ct);
            if (MessageStateChanges.SetPinWeight(message, weight))
            {
                change.Revise(message);
            }
        }, ct);

    /// <summary>
    /// message:task:set_position: the task moves into <paramref name="sectionId"/> (any live section
    /// of the board; Archived archives it) right after <paramref name="prevMessageNr"/> (0 = first), one revision.
    /// </summary>
    public Task<ConvResult> SetTaskPositionAsync(Guid accountId, Guid conversationId, long messageNr, Guid sectionId, long prevMessageNr,
        long? fromMessageNr, Guid? clientReqId, CancellationToken ct) =>
        ChangeWithAsync(accountId, conversationId, messageNr, clientReqId, fromMessageNr, async (change, message) =>
        {
            SectionBook.Require(await sections.ListAsync(change.Conversation, ct), sectionId);
            var weight = await boards.TaskWeightAfterAsync(change, message, sectionId, prevMessageNr, ct);
            if (Rules(change).PlaceTask(message, sectionId, weight))
            {
                change.Revise(message);
            }
        }, ct);

    /// <summary>
    /// task/sort: the task moves, in its own section, right after the task whose weight is
    /// <paramref name="belowTaskWeight"/> (absent: first), one revision.
    /// </summary>
    public Task<ConvResult> SortTaskAsync(Guid accountId, Guid conversationId, long messageNr, double? belowTaskWeight, long? fromMessageNr,
        Guid? clientReqId, CancellationToken ct) =>
        ChangeWithAsync(accountId, conversationId, messageNr, clientReqId, fromMessageNr, async (change, message) =>
        {
            if (message.SectionId is not { } section || !message.Tags.Contains(MessageTags.IsTask))
            {
                throw FleepErrors.InvalidField("message_nr", "a task");
            }

            var prev = 0L;
            if (belowTaskWeight is { } below)
            {
                var id = change.Conversation.Id;
                var nrs = await db.Messages.Where(m => m.ConversationId == id && m.SectionId == section && m.TaskWeight == below
                    && m.MessageNr != message.MessageNr && m.MkMessageState != MessageStates.Deleted).Select(m => m.MessageNr).ToListAsync(ct);
                prev = nrs.Where(nr => ViewerState.Sees(change.Viewer, nr)).DefaultIfEmpty(-1).Max();
                if (prev < 0)
                {
                    throw FleepErrors.InvalidField("below_task_weight", "the task_weight of a task in the same section");
                }
            }

            var weight = await boards.TaskWeightAfterAsync(change, message, section, prev, ct);
            if (Rules(change).PlaceTask(message, null, weight))
            {
                change.Revise(message);
            }
        }, ct);

    /// <summary>
    /// A new pin goes to the top of the pinboard: its pin time in seconds, or one above the highest
    /// pin_weight when that is higher (pins of the same second), so every pin's weight is its own
    /// and the weight cursor pages them exactly (docs/boards.md, "Paging").
    /// </summary>
    private async Task<double> NextPinWeightAsync(ConversationChange change, CancellationToken ct)
    {
        var id = change.Conversation.Id;
        var max = await db.Messages.Where(m => m.ConversationId == id && m.PinWeight != null && m.Tags.Contains(MessageTags.Pin)).MaxAsync(m => m.PinWeight, ct);
        return Math.Max(change.Now.ToUnixTimeSeconds(), (max ?? 0) + 1);
    }

    /// <summary>A new task goes to the end of its section: one step past the conversation's highest task_weight.</summary>
    private async Task<double> NextTaskWeightAsync(ConversationChange change, CancellationToken ct)
    {
        var id = change.Conversation.Id;
        var max = await db.Messages.Where(m => m.ConversationId == id && m.TaskWeight != null).MaxAsync(m => m.TaskWeight, ct);
        return (max ?? 0) + TaskSections.WeightStep;
    }
}
