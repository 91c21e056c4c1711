using FleepServer.Api.Wire;
using FleepServer.Auth;
using FleepServer.Domain.Conversations;
using FleepServer.Http;
using FleepServer.Records;

namespace FleepServer.Api;

/// <summary>
/// api/message/*: posting into a conversation's flow and changing its messages (docs/compatibility.md,
/// "Message calls").
/// Answers are the conversation-sync shape with result_message_nr = the message created or changed.
/// </summary>
public static class MessageApi
{
    public static IEndpointRouteBuilder MapMessageApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/message");

        api.MapPost("/send/{conversationId}", Send);
        api.MapPost("/store/{conversationId}", Store);
        api.MapPost("/edit/{conversationId}", Edit);
        api.MapPost("/delete/{conversationId}", Delete);
        api.MapPost("/mark_read/{conversationId}", MarkRead);
        api.MapPost("/mark_unread/{conversationId}", MarkUnread);
        api.MapPost("/copy/{conversationId}", Copy);
        api.MapPost("/pin/{conversationId}", Pin);
        api.MapPost("/unpin/{conversationId}", Unpin);
        api.MapPost("/repin/{conversationId}", Repin);
        return app;
    }

    /// <summary>
    /// POST api/message/send/&lt;id&gt; {message, subject?, client_req_id?, is_retry?, from_message_nr?} →
    /// {header, stream: [the message as XML (+ request record)], result_message_nr}. Plain text in,
    /// <c>&lt;msg&gt;</c> XML out. A used client_req_id returns the original message.
    /// </summary>
    internal static async Task<ConvSyncResponse> Send(string conversationId, SendMessage request, CurrentSession me,
        MessageActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.SendAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>
    /// POST api/message/store/&lt;id&gt; — without message_nr a new message (as send); with it a
    /// revision of that message: body/subject edit, tags (pin, unpin, is_todo, is_done, is_archived,
    /// is_deleted), pin_weight, assignee_ids (docs/compatibility.md, "Message calls").
    /// </summary>
    internal static async Task<ConvSyncResponse> Store(string conversationId, StoreMessage request, CurrentSession me,
        MessageActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.StoreAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>POST api/message/edit/&lt;id&gt; {message_nr, message} → the revised message with flow_message_nr; only the author edits a plain message.</summary>
    internal static async Task<ConvSyncResponse> Edit(string conversationId, EditMessage request, CurrentSession me,
        MessageActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.EditAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>POST api/message/delete/&lt;id&gt; {message_nr} → the revision: message "", state deleted, tags ["is_deleted"].</summary>
    internal static async Task<ConvSyncResponse> Delete(string conversationId, DeleteMessage request, CurrentSession me,
        MessageActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.DeleteAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>POST api/message/mark_read/&lt;id&gt; {message_nr} → header; the read horizon only moves forward.</summary>
    internal static async Task<ConvSyncResponse> MarkRead(string conversationId, MarkMessageRead request, CurrentSession me,
        MessageActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.MarkReadAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>
    /// POST api/message/copy/&lt;id&gt; {message_nr, to_conv_id} → the target conversation's header and
    /// the new message there, authored by the caller with the same content.
    /// </summary>
    internal static async Task<ConvSyncResponse> Copy(string conversationId, CopyMessage request, CurrentSession me,
        MessageActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.CopyAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>POST api/message/pin/&lt;id&gt; {message_nr, pin_weight?} → as store tags ["pin"] (legacy).</summary>
    internal static async Task<ConvSyncResponse> Pin(string conversationId, PinMessage request, CurrentSession me,
        MessageActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.PinAsync(me.AccountId, PathIds.Conversation(conversationId), request, "pin", ct), context);

    /// <summary>POST api/message/unpin/&lt;id&gt; {pin_message_nr} → as store tags ["unpin"] (legacy).</summary>
    internal static async Task<ConvSyncResponse> Unpin(string conversationId, PinMessage request, CurrentSession me,
        MessageActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.PinAsync(me.AccountId, PathIds.Conversation(conversationId), request, "unpin", ct), context);

    /// <summary>POST api/message/repin/&lt;id&gt; {pin_message_nr, pin_weight} → the pinned message with its new pin_weight (legacy).</summary>
    internal static async Task<ConvSyncResponse> Repin(string conversationId, PinMessage request, CurrentSession me,
        MessageActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.PinAsync(me.AccountId, PathIds.Conversation(conversationId), request, "repin", ct), context);

    /// <summary>POST api/message/mark_unread/&lt;id&gt; {message_nr} → header with the horizon just before it and is_mark_unread.</summary>
    internal static async Task<ConvSyncResponse> MarkUnread(string conversationId, MarkMessageRead request, CurrentSession me,
        MessageActions actions, HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await actions.MarkUnreadAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);
}
