using FleepServer.Auth;
using FleepServer.Domain.Files;
using FleepServer.Http;
using FleepServer.Records;

namespace FleepServer.Api;

/// <summary>
/// The file drawer and attachment names (docs/files.md, "The file drawer"):
/// api/conversation/sync_files pages through a conversation's file messages, api/file/rename renames
/// one attachment. Both answer the conversation-sync shape.
/// </summary>
public static class FileDrawerApi
{
    public static IEndpointRouteBuilder MapFileDrawerApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/conversation/sync_files/{conversationId}", SyncFiles);
        app.MapPost("/api/file/rename/{conversationId}", Rename);
        return app;
    }

    /// <summary>
    /// POST api/conversation/sync_files/&lt;id&gt; {from_message_nr?, limit = 20 (1..100)} → {header
    /// with file_horizon, stream: the next batch of messages that show files, before from_message_nr
    /// (from the end when absent), each followed by its file records}. file_horizon is the
    /// from_message_nr of the next batch, 0 when the drawer is complete. Not a member: 430 not_found.
    /// </summary>
    internal static async Task<ConvSyncResponse> SyncFiles(string conversationId, SyncFiles request, CurrentSession me, FileDrawer drawer,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await drawer.SyncAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>
    /// POST api/file/rename/&lt;id&gt; {file_id | attachment_id (the attachment_id, its UUID form, or
    /// the file_url), message_nr?, file_name, from_message_nr?, client_req_id?} → {header, stream: the
    /// revised message and its file records, result_message_nr}. Without message_nr the conversation's
    /// message holding the attachment is found. Unknown or removed attachment: 430 not_found; a bad
    /// name: 400 invalid_param; a plain message of someone else: 431 invalid_edit.
    /// </summary>
    internal static async Task<ConvSyncResponse> Rename(string conversationId, RenameFile request, CurrentSession me, FileDrawer drawer,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await drawer.RenameAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);
}
