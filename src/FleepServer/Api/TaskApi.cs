using FleepServer.Api.Wire;
using FleepServer.Auth;
using FleepServer.Domain.Boards;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using FleepServer.Http;
using FleepServer.Records;

namespace FleepServer.Api;

/// <summary>
/// api/task/*: the legacy task calls of the official python client (docs/boards.md, "Legacy task
/// calls"), each the domain action of the event or message/store call it stands for, and
/// task/sync. Every call answers the conversation-sync shape (header, stream); a non-member is
/// answered like an unknown conversation.
/// </summary>
public static class TaskApi
{
    public static IEndpointRouteBuilder MapTaskApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/task");
        api.MapPost("/sync/{conversationId}", Sync);
        api.MapPost("/list/{conversationId}", List);
        api.MapPost("/create/{conversationId}", Create);
        api.MapPost("/done/{conversationId}", Done);
        api.MapPost("/todo/{conversationId}", Todo);
        api.MapPost("/make/{conversationId}", Make);
        api.MapPost("/archive/{conversationId}", Archive);
        api.MapPost("/activate/{conversationId}", Activate);
        api.MapPost("/assign/{conversationId}", Assign);
        api.MapPost("/sort/{conversationId}", Sort);
        return app;
    }

    /// <summary>
    /// POST api/task/sync/&lt;id&gt; {from_message_nr?} → header with task_horizon (the
    /// from_message_nr of the next batch, 0 at the end) + the sections + the tasks, archived ones
    /// too, of messages before from_message_nr (absent: from the newest), newest message first.
    /// </summary>
    internal static async Task<ConvSyncResponse> Sync(string conversationId, FromMessageRequest request, CurrentSession me, BoardReader boards,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await boards.TasksBeforeAsync(me.AccountId, PathIds.Conversation(conversationId), request.FromMessageNr, ct), context);

    /// <summary>
    /// POST api/task/list/&lt;id&gt; {sync_horizon?, is_archive?} → header with task_horizon + the
    /// sections + the open tasks (the archived ones with is_archive), paged like task/sync.
    /// </summary>
    internal static async Task<ConvSyncResponse> List(string conversationId, ListTasks request, CurrentSession me, BoardReader boards,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await boards.ListTasksAsync(me.AccountId, PathIds.Conversation(conversationId), request.SyncHorizon,
            request.IsArchive == true, ct), context);

    /// <summary>
    /// POST api/task/create/&lt;id&gt; {message, from_message_nr?, attachments?, assignee_ids?} →
    /// message/store of a new message with tags ["is_todo"]: a task at the end of To Do.
    /// </summary>
    internal static async Task<ConvSyncResponse> Create(string conversationId, CreateTask request, CurrentSession me, MessageActions messages,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await messages.StoreAsync(me.AccountId, PathIds.Conversation(conversationId), new StoreMessage
        {
            Message = request.Message, Tags = [MessageTags.IsTodo], AssigneeIds = request.AssigneeIds, Attachments = request.Attachments,
            FromMessageNr = request.FromMessageNr, ClientReqId = request.ClientReqId,
        }, ct), context);

    /// <summary>POST api/task/done/&lt;id&gt; {message_nr, from_message_nr?} → message/store tags ["is_done"].</summary>
    internal static Task<ConvSyncResponse> Done(string conversationId, ChangeTask request, CurrentSession me, MessageActions messages,
        HttpContext context, CancellationToken ct) =>
        Tag(conversationId, request, MessageTags.IsDone, me, messages, context, ct);

    /// <summary>POST api/task/todo/&lt;id&gt; {message_nr, from_message_nr?} → message/store tags ["is_todo"] (a done task is to do again).</summary>
    internal static Task<ConvSyncResponse> Todo(string conversationId, ChangeTask request, CurrentSession me, MessageActions messages,
        HttpContext context, CancellationToken ct) =>
        Tag(conversationId, request, MessageTags.IsTodo, me, messages, context, ct);

    /// <summary>POST api/task/make/&lt;id&gt; {message_nr, from_message_nr?} → message/store tags ["is_todo"]: the message becomes a task.</summary>
    internal static Task<ConvSyncResponse> Make(string conversationId, ChangeTask request, CurrentSession me, MessageActions messages,
        HttpContext context, CancellationToken ct) =>
        Tag(conversationId, request, MessageTags.IsTodo, me, messages, context, ct);

    /// <summary>POST api/task/archive/&lt;id&gt; {message_nr, from_message_nr?} → message/store tags ["is_archived"] (message:archive).</summary>
    internal static Task<ConvSyncResponse> Archive(string conversationId, ChangeTask request, CurrentSession me, MessageActions messages,
        HttpContext context, CancellationToken ct) =>
        Tag(conversationId, request, MessageTags.IsArchived, me, messages, context, ct);

    /// <summary>POST api/task/activate/&lt;id&gt; {message_nr, from_message_nr?} → message:unarchive: the task is back in To Do.</summary>
    internal static Task<ConvSyncResponse> Activate(string conversationId, ChangeTask request, CurrentSession me, MessageActions messages,
        HttpContext context, CancellationToken ct) =>
        Tag(conversationId, request, MessageTags.Unarchive, me, messages, context, ct);

    /// <summary>POST api/task/assign/&lt;id&gt; {message_nr, assignee_ids, from_message_nr?} → message/store assignee_ids (the full list).</summary>
    internal static async Task<ConvSyncResponse> Assign(string conversationId, ChangeTask request, CurrentSession me, MessageActions messages,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await messages.StoreAsync(me.AccountId, PathIds.Conversation(conversationId), new StoreMessage
        {
            MessageNr = request.MessageNr, AssigneeIds = request.AssigneeIds ?? [], FromMessageNr = request.FromMessageNr, ClientReqId = request.ClientReqId,
        }, ct), context);

    /// <summary>
    /// POST api/task/sort/&lt;id&gt; {message_nr, below_task_weight?, is_my_tasklist?, from_message_nr?}
    /// → the task moves in its section right after the task of weight below_task_weight (absent:
    /// first). is_my_tasklist (the personal board's order) is refused here.
    /// </summary>
    internal static async Task<ConvSyncResponse> Sort(string conversationId, ChangeTask request, CurrentSession me, MessageActions messages,
        HttpContext context, CancellationToken ct)
    {
        if (request.IsMyTasklist == true)
        {
            throw FleepErrors.NotSupported("is_my_tasklist", "the personal board (task:set_position)");
        }

        return ConvSyncResponse.Of(await messages.SortTaskAsync(me.AccountId, PathIds.Conversation(conversationId), request.MessageNr!.Value,
            request.BelowTaskWeight, request.FromMessageNr, request.ClientReqId, ct), context);
    }

    private static async Task<ConvSyncResponse> Tag(string conversationId, ChangeTask request, string tag, CurrentSession me, MessageActions messages,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await messages.StoreAsync(me.AccountId, PathIds.Conversation(conversationId), new StoreMessage
        {
            MessageNr = request.MessageNr, Tags = [tag], FromMessageNr = request.FromMessageNr, ClientReqId = request.ClientReqId,
        }, ct), context);
}
