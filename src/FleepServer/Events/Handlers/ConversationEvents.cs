using FleepServer.Data;
using FleepServer.Domain.Conversations;

namespace FleepServer.Events.Handlers;

/// <summary>
/// The <c>urn:fleep:client:conv:*</c> events (docs/compatibility.md, "Conversation events"), each
/// one the domain action of its classic api/conversation call. Settings events are
/// <c>conversation/store</c> with the one field they change, so an event and a store of the same
/// field cannot behave differently; they carry the event's client_req_id, which makes a retried
/// event answer its first result.
/// </summary>
public static class ConversationEvents
{
    public static void Register(EventHandlers events)
    {
        events
            .On("conv:create", Create)
            .On("conv:fork", Fork)
            .On("conv:get", (c, p, ct) => Sync(c, p, InitModes.Header, null, ct))
            .On("conv:sync_initial", (c, p, ct) => Sync(c, p, InitModes.Full, null, ct))
            .On("conv:sync_forward", (c, p, ct) => Sync(c, p, null, p.RequiredLong("fw_message_nr"), ct))
            .On("conv:sync_backward", (c, p, ct) => Sync(c, p, "ic_backward", p.RequiredLong("bw_message_nr"), ct))
            .On("conv:pin:sync", PinSync)
            .On("conv:activate", (c, p, ct) => ShowActivity(c, p, isWriting: null, ct))
            .On("conv:set_writing", (c, p, ct) => ShowActivity(c, p, isWriting: true, ct))
            .On("conv:end_writing", (c, p, ct) => ShowActivity(c, p, isWriting: false, ct))
            .On("conv:add_members", (c, p, ct) => Run(c, p, (a, id) => a.AddMembersAsync(c.AccountId, id, Members(p), ct)))
            .On("conv:remove_members", (c, p, ct) => Store(c, p, new StoreConversation { RemoveAccountIds = p.Uuids("account_ids") }, ct))
            .On("conv:kick_members", (c, p, ct) => Store(c, p, new StoreConversation { KickAccountIds = p.Uuids("account_ids") }, ct))
            .On("conv:leave", (c, p, ct) => Run(c, p, (a, id) => a.LeaveAsync(c.AccountId, id, null, ct)))
            .On("conv:disclose", Disclose)
            .On("conv:set_topic", (c, p, ct) => Store(c, p, new StoreConversation { Topic = p.RequiredText("topic") }, ct))
            .On("conv:set_type", (c, p, ct) => Store(c, p, new StoreConversation { MkConvType = p.RequiredText("mk_conv_type") }, ct))
            .On("conv:set_alert_level", (c, p, ct) => Alert(c, p, p.RequiredText("mk_alert_level"), ct))
            .On("conv:set_passive", (c, p, ct) => Alert(c, p, AlertLevels.Passive, ct))
            .On("conv:mute", (c, p, ct) => Alert(c, p, AlertLevels.Never, ct))
            .On("conv:unmute", (c, p, ct) => Alert(c, p, AlertLevels.Default, ct))
            .On("conv:mute_until_read", (c, p, ct) => Alert(c, p, AlertLevels.UntilRead, ct))
            // Push and e-mail alerts are what the alert level governs: "never" is notifications off.
            .On("conv:enable_notifications", (c, p, ct) => Alert(c, p, AlertLevels.Default, ct))
            .On("conv:disable_notifications", (c, p, ct) => Alert(c, p, AlertLevels.Never, ct))
            .On("conv:mute_until", Snooze)
            .On("conv:set_snooze", Snooze)
            .On("conv:enable_done_notifications", (c, p, ct) => Store(c, p, new StoreConversation { HasDoneNotifications = true }, ct))
            .On("conv:disable_done_notifications", (c, p, ct) => Store(c, p, new StoreConversation { HasDoneNotifications = false }, ct))
            .On("conv:conv_enable_autojoin", (c, p, ct) => Store(c, p, new StoreConversation { IsAutojoin = true }, ct))
            .On("conv:conv_disable_autojoin", (c, p, ct) => Store(c, p, new StoreConversation { IsAutojoin = false }, ct))
            .On("conv:conv_enable_disclose", (c, p, ct) => Store(c, p, new StoreConversation { IsDisclose = true }, ct))
            .On("conv:conv_disable_disclose", (c, p, ct) => Store(c, p, new StoreConversation { IsDisclose = false }, ct))
            .On("conv:conv_enable_url_preview", (c, p, ct) => Store(c, p, new StoreConversation { IsUrlPreviewDisabled = false }, ct))
            // "previw" is the catalogue's spelling of the urn.
            .On("conv:conv_disable_url_previw", (c, p, ct) => Store(c, p, new StoreConversation { IsUrlPreviewDisabled = true }, ct))
            .On("conv:set_default_call_room", (c, p, ct) =>
                Store(c, p, new StoreConversation { DefaultCallRoom = p.RequiredText("default_call_room") }, ct))
            .On("conv:mark_read", (c, p, ct) => Store(c, p, new StoreConversation { ReadMessageNr = p.RequiredLong("show_message_nr") }, ct))
            .On("conv:set_read_message_nr", (c, p, ct) =>
                Store(c, p, new StoreConversation { ReadMessageNr = p.RequiredLong("message_nr") }, ct))
            .On("conv:mark_unread", (c, p, ct) => RunMessages(c, p, (m, id) =>
                m.MarkUnreadAsync(c.AccountId, id, new MarkMessageRead { MessageNr = p.RequiredLong("inbox_message_nr"), FromMessageNr = p.Long("from_message_nr") }, ct)))
            // Archiving is Fleep's newer name for hiding: the conversation leaves the list until a newer message.
            .On("conv:archive", (c, p, ct) => Run(c, p, (a, id) => a.HideAsync(c.AccountId, id, p.RequiredLong("show_message_nr"), ct)))
            .On("conv:unarchive", (c, p, ct) => Run(c, p, (a, id) => a.UnhideAsync(c.AccountId, id, null, ct)))
            .On("conv:delete", (c, p, ct) => Run(c, p, (a, id) => a.DeleteAsync(c.AccountId, id, ct)))
            .On("conv:autojoin", (c, p, ct) => Run(c, p, (a, id) => a.AutojoinAsync(c.AccountId, id.ToString(), ct)));
    }

    /// <summary>
    /// account/sync_pinboard as an event (docs/boards.md, "Paging"): the next batch of pins after
    /// the cursor's pin_weight, limit 20 (1..100); the header's pin_cursor and the request record's
    /// sync_cursor name the next batch, null on the last.
    /// </summary>
    private static async Task<EventOutcome> PinSync(EventContext c, EventParams p, CancellationToken ct)
    {
        var id = p.RequiredUuid("conversation_id");
        var cursor = p.Object("sync_cursor");
        if (cursor?.Uuid("conversation_id") is { } cid && cid != id)
        {
            throw Errors.FleepErrors.InvalidField("sync_cursor", "a cursor of this conversation");
        }

        var result = await c.Get<Domain.Boards.BoardReader>().PinboardAsync(c.AccountId, id, cursor?.Float("pin_weight"), p.Long("limit"),
            Domain.Boards.BoardReader.DefaultEventLimit, "limit", ct);
        var next = result.Board?.PinCursor is { } text
            ? System.Text.Json.JsonSerializer.Deserialize<Domain.Boards.PinCursor>(text, Http.FleepJson.Options)
            : null;
        return EventOutcome.ForConversation(result, c.PublicUrl, identifiesMessage: false) with { SyncCursor = next };
    }

    /// <summary>conversation/create, teams included; managed conversations wait for that feature.</summary>
    private static async Task<EventOutcome> Create(EventContext c, EventParams p, CancellationToken ct)
    {
        RefuseLaterFeatures(c, p, teams: false);
        var request = new CreateConversation
        {
            Topic = p.Text("topic"),
            AccountIds = p.Uuids("account_ids"),
            IsAutojoin = p.Bool("is_autojoin"),
            IsDisclose = p.Bool("is_disclose"),
            IsList = p.Bool("is_list"),
            MkConvType = p.Text("mk_conv_type"),
            IsInvite = p.Bool("is_invite"),
            TeamIds = p.Uuids("team_ids"),
        };
        return Outcome(c, await c.Get<ConversationActions>().CreateAsync(c.AccountId, request, ct));
    }

    /// <summary>conversation/create with fork_conversation_id: the source's members plus the given accounts in a new conversation.</summary>
    private static async Task<EventOutcome> Fork(EventContext c, EventParams p, CancellationToken ct)
    {
        RefuseLaterFeatures(c, p);
        var request = new CreateConversation
        {
            AccountIds = p.Uuids("account_ids"),
            MkConvType = p.Text("mk_conv_type"),
            ForkConversationId = p.RequiredUuid("conversation_id"),
        };
        return Outcome(c, await c.Get<ConversationActions>().CreateAsync(c.AccountId, request, ct));
    }

    private static Task<EventOutcome> Disclose(EventContext c, EventParams p, CancellationToken ct)
    {
        RefuseLaterFeatures(c, p);
        return Run(c, p, (a, id) => a.DiscloseAsync(c.AccountId, id, Members(p), all: true, ct));
    }

    private static Task<EventOutcome> Alert(EventContext c, EventParams p, string level, CancellationToken ct) =>
        Store(c, p, new StoreConversation { MkAlertLevel = level }, ct);

    private static Task<EventOutcome> Snooze(EventContext c, EventParams p, CancellationToken ct) =>
        Store(c, p, new StoreConversation { SnoozeInterval = p.RequiredLong("snooze_interval") }, ct);

    private static Task<EventOutcome> Store(EventContext c, EventParams p, StoreConversation request, CancellationToken ct) =>
        Run(c, p, (a, id) => a.StoreAsync(c.AccountId, id, request with { ClientReqId = c.ClientReqId }, ct));

    private static Task<EventOutcome> Sync(EventContext c, EventParams p, string? mode, long? from, CancellationToken ct) =>
        Run(c, p, (a, id) => a.SyncAsync(c.AccountId, id, mode, from, ct));

    /// <summary>conversation/show_activity: any call activates the conversation; the answer is the other members' activity.</summary>
    private static async Task<EventOutcome> ShowActivity(EventContext c, EventParams p, bool? isWriting, CancellationToken ct)
    {
        var id = p.RequiredUuid("conversation_id");
        var activity = await c.Get<ConversationActivity>().ShowAsync(c.AccountId, id, isWriting, null, ct);
        return new EventOutcome(new EventIdentifier(id), activity);
    }

    private static async Task<EventOutcome> Run(EventContext c, EventParams p, Func<ConversationActions, Guid, Task<ConvResult>> action) =>
        Outcome(c, await action(c.Get<ConversationActions>(), p.RequiredUuid("conversation_id")));

    private static async Task<EventOutcome> RunMessages(EventContext c, EventParams p, Func<MessageActions, Guid, Task<ConvResult>> action) =>
        Outcome(c, await action(c.Get<MessageActions>(), p.RequiredUuid("conversation_id")));

    private static EventOutcome Outcome(EventContext c, ConvResult result) =>
        EventOutcome.ForConversation(result, c.PublicUrl, identifiesMessage: false);

    private static ChangeMembers Members(EventParams p) => new() { AccountIds = p.Uuids("account_ids") };

    private static void RefuseLaterFeatures(EventContext c, EventParams p, bool teams = true)
    {
        if (teams && p.Declares("team_ids") && p.Uuids("team_ids") is { Count: > 0 })
        {
            throw EventErrors.NotSupportedYet(c.MkEventType, "teams");
        }

        if (p.Declares("is_managed") && p.Bool("is_managed") == true)
        {
            throw EventErrors.NotSupportedYet(c.MkEventType, "managed conversations");
        }
    }
}
