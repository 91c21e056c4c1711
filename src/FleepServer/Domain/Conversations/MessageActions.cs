using System.Text.Json;
using FleepServer.Api.Wire;
using FleepServer.Data;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// The message actions of api/message/* (core spec §6): post, edit, delete, tag changes and read
/// horizons. A call with a <c>client_req_id</c> that this account already used is not applied
/// again: it answers with the original message (core spec §6.8), whatever the retry's body says.
/// </summary>
public sealed class MessageActions(
    FleepDbContext db, Membership membership, ConversationReader reader, ConversationFanOut fanOut, RequestLog requests, TimeProvider time)
{
    public Task<ConvResult> SendAsync(Guid accountId, Guid conversationId, SendMessageRequest r, CancellationToken ct)
    {
        RefuseAttachments(r.Attachments, "attachments");
        RefuseAttachments(r.FileIds, "file_ids");
        RefuseAttachments(r.Files, "files");
        return PostAsync(accountId, conversationId, r.Message, r.Subject, r.Tags, r.ClientReqId, r.IsRetry, r.FromMessageNr, ct);
    }

    /// <summary>Files are not served yet: a non-empty attachment list is refused, never dropped.</summary>
    public static void RefuseAttachments(List<string>? attachments, string field)
    {
        if (attachments is { Count: > 0 })
        {
            throw FleepErrors.AttachmentsUnsupported(field);
        }
    }

    /// <summary>message/store: a new message without message_nr, else a change of that message.</summary>
    public Task<ConvResult> StoreAsync(Guid accountId, Guid conversationId, StoreMessageRequest r, CancellationToken ct)
    {
        RefuseAttachments(r.Attachments, "attachments");
        if (r.MessageNr is null or 0)
        {
            return PostAsync(accountId, conversationId, r.Message, r.Subject, r.Tags, r.ClientReqId, r.IsRetry, r.FromMessageNr, ct);
        }

        // One store call is one revision, whatever it changes (core spec §4.1: pin + edit → one flow entry).
        return ChangeAsync(accountId, conversationId, r.MessageNr, r.ClientReqId, r.FromMessageNr, (change, message) =>
        {
            var changed = false;
            if (r.Tags is { Count: > 0 })
            {
                changed |= ApplyTags(change, message, r.Tags, r.PinWeight, r.AssigneeIds);
            }
            else if (r.AssigneeIds is not null && message.MkMessageState is not (MessageStates.Deleted or MessageStates.System)
                     && !r.AssigneeIds.Distinct().Order().SequenceEqual(message.AssigneeIds.Order()))
            {
                message.AssigneeIds = r.AssigneeIds.Distinct().ToList();
                changed = true;
            }
            else if (r.PinWeight is { } weight && message.Tags.Contains(MessageTags.Pin))
            {
                message.PinWeight = weight;
                changed = true;
            }

            if (r.Message is not null || r.Subject is not null)
            {
                changed |= Edit(change, message, r.Message, r.Subject);
            }

            var removeReactions = r.DelReactions ?? r.DeleteReactions;
            if (r.AddReactions is { Count: > 0 } || removeReactions is { Count: > 0 })
            {
                changed |= React(change, message, r.AddReactions ?? [], removeReactions ?? []);
            }

            if (r.IsUrlPreviewDisabled is { } disabled && disabled != message.IsUrlPreviewDisabled && message.MkMessageState != MessageStates.Deleted)
            {
                message.IsUrlPreviewDisabled = disabled;
                changed = true;
            }

            if (changed)
            {
                change.Revise(message);
            }
        }, ct);
    }

    public Task<ConvResult> EditAsync(Guid accountId, Guid conversationId, EditMessageRequest r, CancellationToken ct)
    {
        RefuseAttachments(r.Attachments, "attachments");
        return ChangeAsync(accountId, conversationId, r.MessageNr, r.ClientReqId, r.FromMessageNr,
            (change, message) =>
            {
                if (Edit(change, message, r.Message ?? "", r.Subject))
                {
                    change.Revise(message);
                }
            }, ct);
    }

    /// <summary>
    /// Deletes a message: a revision with an empty body, state deleted and tag is_deleted. Any
    /// member may delete (the live server allowed deleting someone else's message, core spec §6.2).
    /// </summary>
    public Task<ConvResult> DeleteAsync(Guid accountId, Guid conversationId, DeleteMessageRequest r, CancellationToken ct)
    {
        if (r.AttachmentId is not null)
        {
            throw FleepErrors.BadRequest("This message has no attachment with that id.");
        }

        return ChangeAsync(accountId, conversationId, r.MessageNr, r.ClientReqId, r.FromMessageNr, (change, message) =>
        {
            RequireUserMessage(message);
            if (message.MkMessageState != MessageStates.Deleted)
            {
                MarkDeleted(message);
                change.Revise(message);
            }
        }, ct);
    }

    /// <summary>
    /// The legacy pin calls (core spec §6.10), mapped to the tag changes of message/store: pin,
    /// unpin, and repin (a new <c>pin_weight</c> for a pinned message).
    /// </summary>
    public Task<ConvResult> PinAsync(Guid accountId, Guid conversationId, PinRequest r, string action, CancellationToken ct)
    {
        var nr = r.MessageNr is null or 0 ? r.PinMessageNr : r.MessageNr;
        if (nr is null)
        {
            throw FleepErrors.MissingField("message_nr");
        }

        return ChangeAsync(accountId, conversationId, nr, r.ClientReqId, r.FromMessageNr, (change, message) =>
        {
            var changed = action switch
            {
                MessageTags.Pin => ApplyTags(change, message, [MessageTags.Pin], r.PinWeight, null),
                MessageTags.Unpin => message.Tags.Contains(MessageTags.Pin) && ApplyTags(change, message, [MessageTags.Unpin], null, null),
                _ => r.PinWeight is { } weight && message.Tags.Contains(MessageTags.Pin) && SetPinWeight(message, weight),
            };
            if (changed)
            {
                change.Revise(message);
            }
        }, ct);
    }

    private static bool SetPinWeight(Message message, double weight)
    {
        message.PinWeight = weight;
        return true;
    }

    /// <summary>
    /// message/copy: posts the message's content as a new message of the caller in
    /// <c>to_conv_id</c> (core spec §6.9). The caller must see the message and be a member of the
    /// target; a deleted (or system) message cannot be copied (431).
    /// </summary>
    public async Task<ConvResult> CopyAsync(Guid accountId, Guid conversationId, CopyMessageRequest r, CancellationToken ct)
    {
        var (conversation, members, viewer) = await membership.RequireAsync(conversationId, accountId, Access.Read, forUpdate: false, ct);
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

        await using var change = await BeginAsync(accountId, r.ToConvId!.Value, ct);
        var from = change.ValidateFrom(r.FromMessageNr);
        change.AppendText(source.Body, source.Subject);
        return await change.CommitAsync(from, ct);
    }

    /// <summary>Moves the caller's read horizon forward to <c>message_nr</c>; never backwards (core spec §6.5).</summary>
    public async Task<ConvResult> MarkReadAsync(Guid accountId, Guid conversationId, MarkMessageReadRequest r, CancellationToken ct)
    {
        await using var change = await BeginAsync(accountId, conversationId, ct);
        var from = change.ValidateFrom(r.FromMessageNr);
        await change.SetReadAsync(r.MessageNr!.Value, forwardOnly: true, "message_nr", ct);
        return await change.CommitAsync(from, ct);
    }

    /// <summary>Moves the caller's read horizon back to just before <c>message_nr</c> (<c>is_mark_unread</c>).</summary>
    public async Task<ConvResult> MarkUnreadAsync(Guid accountId, Guid conversationId, MarkMessageReadRequest r, CancellationToken ct)
    {
        await using var change = await BeginAsync(accountId, conversationId, ct);
        var from = change.ValidateFrom(r.FromMessageNr);
        var nr = r.MessageNr!.Value;
        if (nr <= 0)
        {
            throw FleepErrors.InvalidField("message_nr", "a positive number");
        }

        await change.SetReadAsync(nr - 1, forwardOnly: false, "message_nr", ct);
        return await change.CommitAsync(from, ct);
    }

    private async Task<ConvResult> PostAsync(Guid accountId, Guid conversationId, string? text, string? subject, List<string>? tags,
        Guid? clientReqId, bool? isRetry, long? fromMessageNr, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw FleepErrors.EmptyMessage();
        }

        var newTags = tags ?? [];
        foreach (var tag in newTags)
        {
            if (tag is not (MessageTags.Pin or MessageTags.IsTodo))
            {
                throw FleepErrors.InvalidField("tags", "a new message takes only pin or is_todo");
            }
        }

        var xml = Markup.ToXml(text);
        try
        {
            await using var change = await BeginAsync(accountId, conversationId, ct);
            if (clientReqId is { } reqId && await requests.FindAsync(change, reqId, ct) is { } original)
            {
                return original;
            }

            var from = change.ValidateFrom(fromMessageNr);
            if (isRetry == true && from is { } f && f != change.Conversation.LastMessageNr)
            {
                throw FleepErrors.RetryConflict();
            }

            var message = change.AppendText(xml, subject);
            message.ClientReqId = clientReqId;
            if (newTags.Count > 0)
            {
                ApplyTags(change, message, newTags, null, null);
            }

            requests.Remember(change, clientReqId);
            return await change.CommitAsync(from, ct) with { ClientReqId = clientReqId };
        }
        catch (DbUpdateException e) when (clientReqId is { } reqId && RequestLog.IsDuplicate(e))
        {
            // The same request committed concurrently (possibly into another conversation): answer with it.
            return await requests.AfterRaceAsync(accountId, conversationId, reqId, ct);
        }
    }

    private async Task<ConvResult> ChangeAsync(Guid accountId, Guid conversationId, long? messageNr, Guid? clientReqId, long? fromMessageNr,
        Action<ConversationChange, Message> apply, CancellationToken ct)
    {
        try
        {
            await using var change = await BeginAsync(accountId, conversationId, ct);
            if (clientReqId is { } reqId && await requests.FindAsync(change, reqId, ct) is { } original)
            {
                return original;
            }

            var from = change.ValidateFrom(fromMessageNr);
            var message = await change.RequireMessageAsync(messageNr, ct);
            apply(change, message);
            change.ResultMessageNr = message.MessageNr;
            if (!change.Changed.Contains(message))
            {
                change.Changed.Add(message);
            }

            requests.Remember(change, clientReqId);
            return await change.CommitAsync(from, ct) with { ClientReqId = clientReqId };
        }
        catch (DbUpdateException e) when (clientReqId is { } reqId && RequestLog.IsDuplicate(e))
        {
            return await requests.AfterRaceAsync(accountId, conversationId, reqId, ct);
        }
    }

    /// <summary>
    /// Changes the body and/or subject. Only the author edits a plain message; pinned and task
    /// messages are shared and any member may edit them; a deleted message stays deleted (core spec §6.2).
    /// </summary>
    private static bool Edit(ConversationChange change, Message message, string? text, string? subject)
    {
        RequireUserMessage(message);
        if (message.MkMessageState == MessageStates.Deleted)
        {
            return false;
        }

        var shared = message.Tags.Contains(MessageTags.IsShared);
        if (!shared && message.AccountId != change.Viewer.AccountId)
        {
            throw FleepErrors.InvalidEdit();
        }

        if (text is not null)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                throw FleepErrors.EmptyMessage();
            }

            message.Body = Markup.ToXml(text);
        }

        if (subject is not null)
        {
            message.Subject = subject.Length == 0 ? null : subject;
        }

        return true;
    }

    /// <summary>State changes through tags (core spec §6.3): pin, unpin, is_todo, is_done, is_archived, is_deleted.</summary>
    private static bool ApplyTags(ConversationChange change, Message message, List<string> tags, double? pinWeight, List<Guid>? assignees)
    {
        RequireUserMessage(message);
        foreach (var tag in tags)
        {
            if (tag is not (MessageTags.Pin or MessageTags.Unpin or MessageTags.IsTodo or MessageTags.IsDone or MessageTags.IsArchived
                or MessageTags.IsDeleted))
            {
                throw FleepErrors.InvalidField("tags", $"unknown tag {tag}");
            }
        }

        if (message.MkMessageState == MessageStates.Deleted)
        {
            return false;
        }

        var me = change.Viewer.AccountId;
        if (tags.Contains(MessageTags.IsDeleted))
        {
            MarkDeleted(message);
        }
        else if (tags.Contains(MessageTags.Pin) && tags.Contains(MessageTags.IsArchived))
        {
            message.MkMessageState = MessageStates.Unpinned;
            message.Tags = [MessageTags.IsArchived, MessageTags.IsShared, MessageTags.Unpin];
            message.RefMessageNr = message.MessageNr;
        }
        else if (tags.Contains(MessageTags.Unpin))
        {
            message.MkMessageState = MessageStates.Unpinned;
            message.Tags = [MessageTags.IsArchived, MessageTags.IsShared, MessageTags.Unpin];
            message.RefMessageNr = message.MessageNr;
        }
        else if (tags.Contains(MessageTags.Pin))
        {
            message.MkMessageState = MessageStates.Pinned;
            message.Tags = [MessageTags.IsShared, MessageTags.Pin];
            message.PinWeight = pinWeight ?? message.PinWeight ?? change.Now.ToUnixTimeSeconds();
            message.PinnedAccountId = me;
        }
        else if (tags.Contains(MessageTags.IsDone))
        {
            message.MkMessageState = MessageStates.Done;
            message.Tags = [MessageTags.IsDone, MessageTags.IsShared, MessageTags.IsTask];
            message.TaskedAccountId ??= me;
        }
        else if (tags.Contains(MessageTags.IsTodo))
        {
            message.MkMessageState = MessageStates.Todo;
            message.Tags = [MessageTags.IsShared, MessageTags.IsTask, MessageTags.IsTodo];
            message.TaskedAccountId = me;
        }
        else if (tags.Contains(MessageTags.IsArchived))
        {
            message.Tags = [.. message.Tags.Where(t => t != MessageTags.IsArchived).Append(MessageTags.IsArchived).Order()];
        }

        if (assignees is not null)
        {
            message.AssigneeIds = assignees.Distinct().ToList();
        }

        return true;
    }

    /// <summary>
    /// Adds and removes the caller's reactions (reaction text → account ids). A change is a revision,
    /// so it reaches other members through forward sync. Deleted and system messages take none.
    /// </summary>
    private static bool React(ConversationChange change, Message message, List<string> add, List<string> remove)
    {
        RequireUserMessage(message);
        if (message.MkMessageState == MessageStates.Deleted)
        {
            return false;
        }

        var me = change.Viewer.AccountId;
        var reactions = message.Reactions is null
            ? new SortedDictionary<string, List<Guid>>(StringComparer.Ordinal)
            : new SortedDictionary<string, List<Guid>>(JsonSerializer.Deserialize<Dictionary<string, List<Guid>>>(message.Reactions)!, StringComparer.Ordinal);
        var changed = false;
        foreach (var reaction in add.Where(x => x.Length > 0))
        {
            var who = reactions.TryGetValue(reaction, out var list) ? list : reactions[reaction] = [];
            if (!who.Contains(me))
            {
                who.Add(me);
                changed = true;
            }
        }

        foreach (var reaction in remove)
        {
            if (reactions.TryGetValue(reaction, out var who) && who.Remove(me))
            {
                changed = true;
                if (who.Count == 0)
                {
                    reactions.Remove(reaction);
                }
            }
        }

        message.Reactions = reactions.Count == 0 ? null : JsonSerializer.Serialize(reactions);
        return changed;
    }

    private static void MarkDeleted(Message message)
    {
        message.MkMessageState = MessageStates.Deleted;
        message.Tags = [MessageTags.IsDeleted];
        message.Body = "";
        message.Subject = null;
    }

    /// <summary>System messages are the flow's own record of events: they cannot be edited, tagged or deleted.</summary>
    private static void RequireUserMessage(Message message)
    {
        if (message.MkMessageState == MessageStates.System)
        {
            throw FleepErrors.BusinessRule("invalid_edit", "System messages cannot be changed.");
        }
    }

    private Task<ConversationChange> BeginAsync(Guid accountId, Guid conversationId, CancellationToken ct) =>
        ConversationChange.BeginAsync(db, membership, reader, fanOut, time, accountId, conversationId, Access.Write, ct);
}
