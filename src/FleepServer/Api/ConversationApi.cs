using FleepServer.Api.Wire;
using FleepServer.Auth;
using FleepServer.Domain.Conversations;
using FleepServer.Http;
using FleepServer.Records;

namespace FleepServer.Api;

/// <summary>
/// api/conversation/*: conversations, their members, topic, read state and the caller's own list
/// (docs/conversations.md). Every call with an id answers a non-member exactly like an unknown id.
/// </summary>
public static class ConversationApi
{
    public static IEndpointRouteBuilder MapConversationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/conversation");

        api.MapPost("/create", Create);
        api.MapPost("/list", List);
        api.MapPost("/autojoin", Autojoin);
        api.MapPost("/sync/{conversationId}", Sync);
        api.MapPost("/sync_backward/{conversationId}", SyncBackward);
        api.MapPost("/sync_pins/{conversationId}", SyncPins);
        api.MapPost("/sync_pinboard/{conversationId}", SyncPins);
        api.MapPost("/store/{conversationId}", Store);
        api.MapPost("/add_members/{conversationId}", AddMembers);
        api.MapPost("/remove_members/{conversationId}", RemoveMembers);
        api.MapPost("/leave/{conversationId}", Leave);
        api.MapPost("/disclose/{conversationId}", Disclose);
        api.MapPost("/disclose_all/{conversationId}", DiscloseAll);
        api.MapPost("/set_topic/{conversationId}", SetTopic);
        api.MapPost("/set_alerts/{conversationId}", SetAlerts);
        api.MapPost("/hide/{conversationId}", Hide);
        api.MapPost("/unhide/{conversationId}", Unhide);
        api.MapPost("/delete/{conversationId}", Delete);
        api.MapPost("/mark_read/{conversationId}", MarkRead);
        api.MapPost("/check_permissions/{conversationId}", CheckPermissions);
        api.MapPost("/show_activity/{conversationId}", ShowActivity);
        api.MapPost("/poke/{conversationId}", Poke);
        api.MapPost("/unsubscribe/{conversationId}", Unsubscribe);
        api.MapPost("/convert_api/{conversationId}", ConvertApi);
        return app;
    }

    /// <summary>
    /// POST api/conversation/create {topic?, account_ids?, emails?, message?, subject?, is_autojoin?,
    /// is_disclose?, is_list?, mk_conv_type?} → {header: full init ConvInfo (ic_full, fw = bw = 1),
    /// stream: [create message (+ the initial text message)], result_message_nr: 1}.
    /// Invitees are members at once and listed in the create message body.
    /// </summary>
    internal static async Task<ConvSyncResponse> Create(CreateConversation request, CurrentSession me, ConversationActions actions,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.CreateAsync(me.AccountId, request, ct), context);

    /// <summary>
    /// POST api/conversation/sync/&lt;id&gt; {from_message_nr?, mk_direction?}.
    /// No direction (or "forward") without from_message_nr: the ic_full init around the read
    /// horizon; with from_message_nr: every flow entry after it (edits included), one batch, with
    /// fw_message_nr. ic_header, ic_tiny, ic_full, ic_flow, ic_end, ic_backward/backward,
    /// ic_forward, ic_pinboard, ic_tasks and ic_files (docs/compatibility.md, "conversation/sync").
    /// </summary>
    internal static async Task<ConvSyncResponse> Sync(string conversationId, SyncConversationRequest request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.SyncAsync(me.AccountId, PathIds.Conversation(conversationId),
            request.MkDirection ?? request.MkInitMode, request.FromMessageNr, ct), context);

    /// <summary>POST api/conversation/sync_backward/&lt;id&gt; {from_message_nr} → header with bw_message_nr + the messages before it.</summary>
    internal static async Task<ConvSyncResponse> SyncBackward(string conversationId, FromMessageRequest request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.SyncBackwardAsync(me.AccountId, PathIds.Conversation(conversationId), request.FromMessageNr, ct), context);

    /// <summary>
    /// POST api/conversation/sync_pins/&lt;id&gt; {from_message_nr?} (python) and sync_pinboard/&lt;id&gt;
    /// (ConvInfo doc) → header with pin_horizon + the pins of messages before from_message_nr
    /// (absent, 0 or a full init's pin_horizon: from the newest), newest message first, 50 a batch;
    /// pin_horizon is the from_message_nr of the next batch, 0 at the end (docs/boards.md, "Paging").
    /// </summary>
    internal static async Task<ConvSyncResponse> SyncPins(string conversationId, FromMessageRequest request, CurrentSession me,
        Domain.Boards.BoardReader boards, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await boards.PinsBeforeAsync(me.AccountId, PathIds.Conversation(conversationId), request.FromMessageNr, ct), context);

    /// <summary>
    /// POST api/conversation/store/&lt;id&gt; {read_message_nr?, topic?, mk_alert_level?, snooze_interval?,
    /// add_/remove_/kick_account_ids?, add_/remove_emails?, hide_message_nr?, is_deleted?, can_post?,
    /// is_autojoin?, is_disclose?, is_url_preview_disabled?, is_list?, mk_conv_type?, from_message_nr?}
    /// → header + the system messages it produced. All or nothing (docs/compatibility.md, "Conversation calls").
    /// </summary>
    internal static async Task<ConvSyncResponse> Store(string conversationId, StoreConversation request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.StoreAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>
    /// POST api/conversation/add_members/&lt;id&gt; {emails?, account_ids?, from_message_nr?} → header +
    /// the add message (or the revised create message while it is the only message) + an activity
    /// record {account_id, join_message_nr} per new member.
    /// </summary>
    internal static async Task<ConvSyncResponse> AddMembers(string conversationId, ChangeMembers request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.AddMembersAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>POST api/conversation/remove_members/&lt;id&gt; {emails?, account_ids?} → header + the kick message {"members": […]}.</summary>
    internal static async Task<ConvSyncResponse> RemoveMembers(string conversationId, ChangeMembers request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.RemoveMembersAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>
    /// POST api/conversation/disclose/&lt;id&gt; {emails?, account_ids?, message_nr?} → header + a
    /// discloseV2 message (ref_message_nr = first disclosed message); the targets may then sync the
    /// earlier flow (docs/compatibility.md, "Who sees what").
    /// </summary>
    internal static async Task<ConvSyncResponse> Disclose(string conversationId, ChangeMembers request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.DiscloseAsync(me.AccountId, PathIds.Conversation(conversationId), request, all: false, ct), context);

    /// <summary>POST api/conversation/disclose_all/&lt;id&gt; {emails?, account_ids?} → as disclose, from the caller's first visible message.</summary>
    internal static async Task<ConvSyncResponse> DiscloseAll(string conversationId, ChangeMembers request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.DiscloseAsync(me.AccountId, PathIds.Conversation(conversationId), request, all: true, ct), context);

    /// <summary>POST api/conversation/leave/&lt;id&gt; → header (can_post false) + the leave message (body "").</summary>
    internal static async Task<ConvSyncResponse> Leave(string conversationId, FromMessageRequest request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.LeaveAsync(me.AccountId, PathIds.Conversation(conversationId), request.FromMessageNr, ct), context);

    /// <summary>POST api/conversation/set_topic/&lt;id&gt; {topic} → header with the topic + the topic message {"topic": …}.</summary>
    internal static async Task<ConvSyncResponse> SetTopic(string conversationId, SetTopic request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.SetTopicAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>POST api/conversation/set_alerts/&lt;id&gt; {mk_alert_level} → header.</summary>
    internal static async Task<ConvSyncResponse> SetAlerts(string conversationId, SetAlerts request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.SetAlertsAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>POST api/conversation/hide/&lt;id&gt; {from_message_nr?} → header with hide_message_nr (default the last message).</summary>
    internal static async Task<ConvSyncResponse> Hide(string conversationId, FromMessageRequest request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.HideAsync(me.AccountId, PathIds.Conversation(conversationId), request.FromMessageNr, ct), context);

    /// <summary>POST api/conversation/unhide/&lt;id&gt; → header with hide_message_nr 0.</summary>
    internal static async Task<ConvSyncResponse> Unhide(string conversationId, FromMessageRequest request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.UnhideAsync(me.AccountId, PathIds.Conversation(conversationId), request.FromMessageNr, ct), context);

    /// <summary>POST api/conversation/delete/&lt;id&gt; → header with is_deleted true; the conversation returns with the next message.</summary>
    internal static async Task<ConvSyncResponse> Delete(string conversationId, FromMessageRequest request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.DeleteAsync(me.AccountId, PathIds.Conversation(conversationId), ct), context);

    /// <summary>
    /// POST api/conversation/mark_read/&lt;id&gt; {mk_init_mode?} → everything read, answered with an
    /// ic_tiny init (bw = fw = inbox message) or ic_full when asked. 431 after leaving.
    /// </summary>
    internal static async Task<ConvSyncResponse> MarkRead(string conversationId, MarkConversationReadRequest request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.MarkReadAsync(me.AccountId, PathIds.Conversation(conversationId), request.MkInitMode, ct), context);

    /// <summary>
    /// POST api/conversation/show_activity/&lt;id&gt; {is_writing?, message_nr?} → {stream: [activity of
    /// the other members]}. <c>is_writing: true</c> puts the caller's pen on for 30 s
    /// (renewed by the next call), false takes it off; either reaches the other members' streams.
    /// Called with <c>{}</c> it only reads. A full-privacy caller gets an empty stream.
    /// </summary>
    internal static async Task<ActivityResponse> ShowActivity(string conversationId, ShowActivityRequest request, CurrentSession me,
        ConversationActivity activity, CancellationToken ct) =>
        new(await activity.ShowAsync(me.AccountId, PathIds.Conversation(conversationId), request.IsWriting, request.MessageNr, ct));

    /// <summary>POST api/conversation/check_permissions/&lt;id&gt; → {} while the caller may change the conversation.</summary>
    internal static async Task<EmptyResponse> CheckPermissions(string conversationId, CurrentSession me, ConversationActions actions, CancellationToken ct)
    {
        await actions.CheckPermissionsAsync(me.AccountId, PathIds.Conversation(conversationId), ct);
        return EmptyResponse.Instance;
    }

    /// <summary>
    /// POST api/conversation/poke/&lt;id&gt; {message_nr, is_bg_poke?, from_message_nr?} → header (+ the flow
    /// after from_message_nr), stream without the poke. The poke record {conversation_id, message_nr}
    /// reaches the caller and every current member through poll, behind every record of the caller's
    /// earlier changes. is_bg_poke takes the same path (docs/compatibility.md, "Conversation calls").
    /// </summary>
    internal static async Task<ConvSyncResponse> Poke(string conversationId, PokeConversation request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.PokeAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>
    /// POST api/conversation/unsubscribe/&lt;id&gt; {email?} → header + the leave message: the caller leaves.
    /// Already gone: the header alone. Another account's email: 431 not_own_email.
    /// </summary>
    internal static async Task<ConvSyncResponse> Unsubscribe(string conversationId, UnsubscribeConversation request, CurrentSession me,
        ConversationActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.UnsubscribeAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>POST api/conversation/convert_api/&lt;id&gt; → the ic_header of the conversation; nothing to convert.</summary>
    internal static async Task<ConvSyncResponse> ConvertApi(string conversationId, CurrentSession me, ConversationActions actions,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.ConvertApiAsync(me.AccountId, PathIds.Conversation(conversationId), ct), context);

    /// <summary>
    /// POST api/conversation/list {sync_horizon?} → {conversations: [ConvInfo…], sync_horizon}; call
    /// again with the returned horizon until conversations is empty.
    /// </summary>
    internal static async Task<ConversationListResponse> List(ListConversationsRequest request, CurrentSession me, ConversationActions actions,
        HttpContext context, CancellationToken ct)
    {
        var (views, horizon) = await actions.ListAsync(me.AccountId, request.SyncHorizon, ct);
        var baseUrl = PublicUrl.Of(context);
        return new ConversationListResponse(views.Select(v => ConvRecords.For(v, baseUrl)).ToList(), horizon);
    }

    /// <summary>POST api/conversation/autojoin {conv_url_key} → the ic_full init of the joined conversation.</summary>
    internal static async Task<ConvSyncResponse> Autojoin(AutojoinRequest request, CurrentSession me, ConversationActions actions,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.AutojoinAsync(me.AccountId, request.ConvUrlKey!, ct), context);
}
