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
public sealed class MessageActions(FleepDbContext db, ConversationWriter writer, Membership membership, ConversationReader reader)
{
    public Task<ConvResult> SendAsync(Guid accountId, Guid conversationId, SendMessageRequest r, CancellationToken ct)
    {
        RefuseAttachments(r.Attachments, "attachments");
        RefuseAttachments(r.FileIds, "file_ids");
        RefuseAttachments(r.Files, "files");
        return PostAsync(accountId, conversationId, r.Message, r.Subject, r.Tags, null, r.ReplyToMessageNr, r.ClientReqId, r.IsRetry,
            r.FromMessageNr, ct);
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
            return PostAsync(accountId, conversationId, r.Message, r.Subject, r.Tags, r.AssigneeIds, r.ReplyToMessageNr, r.ClientReqId, r.IsRetry,
                r.FromMessageNr, ct);
        }

        if (r.SectionId is { } section && !TaskSections.Of(conversationId).Contains(section))
        {
            throw FleepErrors.InvalidField("section_id", "the To Do or Archived section of this conversation");
        }

        // One store call is one revision, whatever it changes (core spec §4.1: pin + edit → one flow entry).
        return ChangeWithAsync(accountId, conversationId, r.MessageNr, r.ClientReqId, r.FromMessageNr, async (change, message) =>
        {
            var changed = false;
            if (r.Tags is { Count: > 0 })
            {
                var taskWeight = MakesTask(r.Tags, message) ? await NextTaskWeightAsync(change, ct) : (double?)null;
                changed |= ApplyTags(change, message, r.Tags, r.PinWeight, r.AssigneeIds, taskWeight);
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

            if (r.IsSpam is { } spam && spam != message.IsSpam && message.MkMessageState is not (MessageStates.Deleted or MessageStates.System))
            {
                message.IsSpam = spam;
                changed = true;
            }

            if ((r.SectionId is not null || r.TaskWeight is not null) && message.Tags.Contains(MessageTags.IsTask))
            {
                changed |= PlaceTask(change, message, r.SectionId, r.TaskWeight);
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
                MessageTags.Pin => ApplyTags(change, message, [MessageTags.Pin], r.PinWeight, null, null),
                MessageTags.Unpin => message.Tags.Contains(MessageTags.Pin) && ApplyTags(change, message, [MessageTags.Unpin], null, null, null),
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

        return await writer.ChangeAsync(new(accountId, r.ToConvId!.Value) { ClientReqId = r.ClientReqId }, change =>
        {
            change.ValidateFrom(r.FromMessageNr);
            change.AppendText(source.Body, source.Subject);
        }, ct);
    }

    /// <summary>
    /// The pin_weight that puts a pinned message right after <paramref name="prevMessageNr"/> on the
    /// pinboard (0 = first). The pinboard runs from the highest weight down (a new pin's weight is
    /// its pin time, so the newest pin comes first): the new weight lies halfway between the
    /// previous pin and the one after it, above the first pin, or below the last.
    /// </summary>
    public async Task<double> PinWeightAfterAsync(Guid accountId, Guid conversationId, long messageNr, long prevMessageNr, CancellationToken ct)
    {
        var isPin = (Message m) => m.MkMessageState == MessageStates.Pinned;
        var pins = await BoardAsync(accountId, conversationId, messageNr, prevMessageNr, isPin, isPin, m => m.PinWeight ?? 0, "a pinned message", ct);
        var ordered = pins.Others.OrderByDescending(p => p.Weight).ThenByDescending(p => p.MessageNr).ToList();
        if (prevMessageNr == 0)
        {
            return ordered.Count == 0 ? pins.Moved : Math.Max(pins.Moved, ordered[0].Weight + 1);
        }

        var at = ordered.FindIndex(p => p.MessageNr == prevMessageNr);
        var before = ordered[at].Weight;
        return at + 1 < ordered.Count ? (before + ordered[at + 1].Weight) / 2 : before - 1;
    }

    /// <summary>
    /// The task_weight that puts a task right after <paramref name="prevMessageNr"/> in section
    /// <paramref name="sectionId"/> (0 = first). A section runs from the lowest weight up (each new
    /// task is appended with the highest weight + <see cref="TaskSections.WeightStep"/>): the new
    /// weight lies halfway between the previous task and the next, below the first, or one step
    /// after the last.
    /// </summary>
    public async Task<double> TaskWeightAfterAsync(Guid accountId, Guid conversationId, long messageNr, Guid sectionId, long prevMessageNr,
        CancellationToken ct)
    {
        if (!TaskSections.Of(conversationId).Contains(sectionId))
        {
            throw FleepErrors.InvalidField("section_id", "the To Do or Archived section of this conversation");
        }

        var tasks = await BoardAsync(accountId, conversationId, messageNr, prevMessageNr, m => m.Tags.Contains(MessageTags.IsTask),
            m => m.Tags.Contains(MessageTags.IsTask) && m.SectionId == sectionId, m => m.TaskWeight ?? 0, "a task in that section", ct);
        var ordered = tasks.Others.OrderBy(p => p.Weight).ThenBy(p => p.MessageNr).ToList();
        if (prevMessageNr == 0)
        {
            return ordered.Count == 0 ? TaskSections.WeightStep : ordered[0].Weight / 2;
        }

        var at = ordered.FindIndex(p => p.MessageNr == prevMessageNr);
        var before = ordered[at].Weight;
        return at + 1 < ordered.Count ? (before + ordered[at + 1].Weight) / 2 : before + TaskSections.WeightStep;
    }

    private async Task<(List<(long MessageNr, double Weight)> Others, double Moved)> BoardAsync(Guid accountId, Guid conversationId, long messageNr,
        long prevMessageNr, Func<Message, bool> movable, Func<Message, bool> onBoard, Func<Message, double> weight, string what, CancellationToken ct)
    {
        var (conversation, members, viewer) = await membership.RequireAsync(conversationId, accountId, Access.Write, forUpdate: false, ct);
        var view = await membership.ViewAsync(conversation, members, viewer, ct);
        if (prevMessageNr < 0)
        {
            throw FleepErrors.InvalidField("prev_message_nr", "0 or a message number");
        }

        var board = (await reader.Visible(view).Where(m => m.MkMessageState != MessageStates.Deleted
                && (m.Tags.Contains(MessageTags.Pin) || m.Tags.Contains(MessageTags.IsTask) || m.MessageNr == messageNr))
            .ToListAsync(ct)).Where(m => onBoard(m) || m.MessageNr == messageNr).ToList();
        var moved = board.FirstOrDefault(m => m.MessageNr == messageNr) ?? throw FleepErrors.MessageNotFound();
        if (!movable(moved))
        {
            throw FleepErrors.InvalidField("message_nr", what.StartsWith("a task", StringComparison.Ordinal) ? "a task" : what);
        }

        var others = board.Where(m => m.MessageNr != messageNr && onBoard(m)).Select(m => (m.MessageNr, weight(m))).ToList();
        if (prevMessageNr != 0 && others.All(o => o.MessageNr != prevMessageNr))
        {
            throw FleepErrors.InvalidField("prev_message_nr", what);
        }

        return (others, weight(moved));
    }

    /// <summary>Moves the caller's read horizon forward to <c>message_nr</c>; never backwards (core spec §6.5).</summary>
    public Task<ConvResult> MarkReadAsync(Guid accountId, Guid conversationId, MarkMessageReadRequest r, CancellationToken ct) =>
        writer.ChangeAsync(new(accountId, conversationId), (change, token) =>
        {
            change.ValidateFrom(r.FromMessageNr);
            return change.SetReadAsync(r.MessageNr!.Value, forwardOnly: true, "message_nr", token);
        }, ct);

    /// <summary>Moves the caller's read horizon back to just before <c>message_nr</c> (<c>is_mark_unread</c>).</summary>
    public Task<ConvResult> MarkUnreadAsync(Guid accountId, Guid conversationId, MarkMessageReadRequest r, CancellationToken ct) =>
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

    private Task<ConvResult> PostAsync(Guid accountId, Guid conversationId, string? text, string? subject, List<string>? tags,
        List<Guid>? assignees, long? replyTo, Guid? clientReqId, bool? isRetry, long? fromMessageNr, CancellationToken ct)
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
        return writer.ChangeAsync(new(accountId, conversationId) { ClientReqId = clientReqId }, async (change, token) =>
        {
            var from = change.ValidateFrom(fromMessageNr);
            if (isRetry == true && from is { } f && f != change.Conversation.LastMessageNr)
            {
                throw FleepErrors.RetryConflict();
            }

            if (replyTo is not (null or 0))
            {
                // A reply names the message it answers as its ref_message_nr.
                await change.RequireMessageAsync(replyTo, token);
            }

            var taskWeight = newTags.Contains(MessageTags.IsTodo) ? await NextTaskWeightAsync(change, token) : (double?)null;
            var message = change.AppendText(xml, subject);
            message.ClientReqId = clientReqId;
            message.RefMessageNr = replyTo is null or 0 ? null : replyTo;
            if (newTags.Count > 0)
            {
                ApplyTags(change, message, newTags, null, assignees, taskWeight);
            }
        }, ct);
    }

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
            await apply(change, message);
            change.ResultMessageNr = message.MessageNr;
            if (!change.Changed.Contains(message))
            {
                change.Changed.Add(message);
            }
        }, ct);

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

        if (ConversationActivity.LockHolder(message, change.Now) is { } holder && holder != change.Viewer.AccountId)
        {
            throw ConversationActivity.Locked();
        }

        // Saving the edit ends the editor's lock (and clears one that ran out).
        message.LockAccountId = null;
        message.LockedUntil = null;

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

    /// <summary>
    /// State changes through tags (core spec §6.3): pin, unpin, is_todo, is_done, is_archived,
    /// is_deleted, and this server's <c>plain</c> (back to a plain message) and <c>unarchive</c>.
    /// A message that becomes a task joins the To Do section at the end (<paramref name="taskWeight"/>);
    /// archiving a task moves it to the Archived section, archiving a pin unpins it.
    /// </summary>
    private static bool ApplyTags(ConversationChange change, Message message, List<string> tags, double? pinWeight, List<Guid>? assignees,
        double? taskWeight)
    {
        RequireUserMessage(message);
        foreach (var tag in tags)
        {
            if (tag is not (MessageTags.Pin or MessageTags.Unpin or MessageTags.IsTodo or MessageTags.IsDone or MessageTags.IsArchived
                or MessageTags.IsDeleted or MessageTags.Plain or MessageTags.Unarchive))
            {
                throw FleepErrors.InvalidField("tags", $"unknown tag {tag}");
            }
        }

        if (message.MkMessageState == MessageStates.Deleted)
        {
            return false;
        }

        var me = change.Viewer.AccountId;
        var sections = TaskSections.Of(message.ConversationId);
        if (tags.Contains(MessageTags.IsDeleted))
        {
            MarkDeleted(message);
        }
        else if (tags.Contains(MessageTags.Plain))
        {
            message.MkMessageState = MessageStates.Plain;
            message.Tags = [];
            message.PinWeight = null;
            message.PinnedAccountId = null;
            message.TaskedAccountId = null;
            message.SectionId = null;
            message.TaskWeight = null;
            message.AssigneeIds = [];
        }
        else if ((tags.Contains(MessageTags.Pin) && tags.Contains(MessageTags.IsArchived)) || tags.Contains(MessageTags.Unpin)
                 || (tags.Contains(MessageTags.IsArchived) && message.MkMessageState == MessageStates.Pinned))
        {
            message.MkMessageState = MessageStates.Unpinned;
            message.Tags = [MessageTags.IsArchived, MessageTags.IsShared, MessageTags.Unpin];
            message.RefMessageNr = message.MessageNr;
        }
        else if (tags.Contains(MessageTags.Pin) || (tags.Contains(MessageTags.Unarchive) && message.MkMessageState == MessageStates.Unpinned))
        {
            message.MkMessageState = MessageStates.Pinned;
            message.Tags = [MessageTags.IsShared, MessageTags.Pin];
            message.PinWeight = pinWeight ?? message.PinWeight ?? change.Now.ToUnixTimeSeconds();
            message.PinnedAccountId = me;
        }
        else if (tags.Contains(MessageTags.Unarchive))
        {
            message.Tags = [.. message.Tags.Where(t => t != MessageTags.IsArchived)];
            if (message.Tags.Contains(MessageTags.IsTask))
            {
                message.SectionId = sections.ToDo;
            }
        }
        else if (tags.Contains(MessageTags.IsDone))
        {
            message.MkMessageState = MessageStates.Done;
            message.Tags = [MessageTags.IsDone, MessageTags.IsShared, MessageTags.IsTask];
            message.TaskedAccountId ??= me;
            message.SectionId ??= sections.ToDo;
            message.TaskWeight ??= taskWeight;
        }
        else if (tags.Contains(MessageTags.IsTodo))
        {
            message.MkMessageState = MessageStates.Todo;
            message.Tags = [MessageTags.IsShared, MessageTags.IsTask, MessageTags.IsTodo];
            message.TaskedAccountId = me;
            message.SectionId = sections.ToDo;
            message.TaskWeight ??= taskWeight;
        }
        else if (tags.Contains(MessageTags.IsArchived))
        {
            message.Tags = [.. message.Tags.Where(t => t != MessageTags.IsArchived).Append(MessageTags.IsArchived).Order()];
            if (message.Tags.Contains(MessageTags.IsTask))
            {
                message.SectionId = sections.Archived;
            }
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

    /// <summary>Whether these tags make the message a task that has no place on the taskboard yet.</summary>
    private static bool MakesTask(List<string> tags, Message message) =>
        message.TaskWeight is null && (tags.Contains(MessageTags.IsTodo) || tags.Contains(MessageTags.IsDone));

    /// <summary>A new task goes to the end of its section: one step past the conversation's highest task_weight.</summary>
    private async Task<double> NextTaskWeightAsync(ConversationChange change, CancellationToken ct)
    {
        var id = change.Conversation.Id;
        var max = await db.Messages.Where(m => m.ConversationId == id && m.TaskWeight != null).MaxAsync(m => m.TaskWeight, ct);
        return (max ?? 0) + TaskSections.WeightStep;
    }

    /// <summary>Moves a task (section_id and/or task_weight); the Archived section archives it, To Do unarchives it.</summary>
    private static bool PlaceTask(ConversationChange change, Message message, Guid? sectionId, double? weight)
    {
        RequireUserMessage(message);
        if (message.MkMessageState == MessageStates.Deleted)
        {
            return false;
        }

        var changed = false;
        if (weight is { } w && w != message.TaskWeight)
        {
            message.TaskWeight = w;
            changed = true;
        }

        if (sectionId is { } section && section != message.SectionId)
        {
            var archive = section == TaskSections.Of(message.ConversationId).Archived;
            ApplyTags(change, message, [archive ? MessageTags.IsArchived : MessageTags.Unarchive], null, null, null);
            changed = true;
        }

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
}
