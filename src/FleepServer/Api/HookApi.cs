using FleepServer.Api.Wire;
using FleepServer.Auth;
using FleepServer.Domain.Hooks;
using FleepServer.Errors;
using FleepServer.Http;
using FleepServer.Records;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FleepServer.Api;

/// <summary>
/// Conversation hooks (docs/hooks.md): the management calls under
/// api/conversation/*, which need a session and membership, and the incoming endpoint
/// <c>/hook/&lt;token&gt;</c>, which needs neither: the token is the secret.
/// Every management call answers an account that is not a member (never was, or was removed)
/// exactly like an unknown conversation, <c>430 not_found</c>, and a member who left
/// <c>431 member_left</c>, as the other conversation calls do. Bodies that do not bind (not a
/// JSON object, a field of the wrong type, a text over its length) → 400.
/// </summary>
public static class HookApi
{
    public static IEndpointRouteBuilder MapHookApi(this IEndpointRouteBuilder api, IEndpointRouteBuilder anonymous)
    {
        var conversation = api.MapGroup("/api/conversation");
        conversation.MapPost("/create_hook/{conversationId}", Create);
        conversation.MapPost("/configure_hook/{conversationId}", Configure);
        conversation.MapPost("/drop_hook/{conversationId}", Drop);
        conversation.MapPost("/show_hooks/{conversationId}", Show);
        conversation.MapPost("/import/{conversationId}", Import);

        // Catch-all: a token of any shape (none, extra segments) gets the one "no such hook" answer.
        anonymous.MapPost("/hook/{**token}", Post).AllowAnonymous();
        return api;
    }

    /// <summary>
    /// POST api/conversation/create_hook/&lt;id&gt; {hook_name?, mk_hook_type? (plain), outgoing_url?,
    /// outgoing_disabled?, external_account_id?, external_object_id?, from_message_nr?} → header +
    /// the <c>hook</c> system message + the hook record, and <c>hook_info</c>: the HookInfo with
    /// <c>hook_url</c>. Every member gets the hook record; only the owner its URL.
    /// Unknown mk_hook_type, outgoing_* on a type other than plain/slack, or an outgoing_url that is
    /// not absolute http(s) → 400 invalid_param.
    /// </summary>
    internal static async Task<HookCreatedResponse> Create(string conversationId, CreateHook request, CurrentSession me, HookActions hooks,
        HttpContext context, CancellationToken ct)
    {
        var (result, info) = await hooks.CreateAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct);
        return HookCreatedResponse.Of(ConvSyncResponse.Of(result, context), info);
    }

    /// <summary>
    /// POST api/conversation/configure_hook/&lt;id&gt; {hook_key, hook_name?, outgoing_url?,
    /// outgoing_disabled?, from_message_nr?} → header + the changed hook record, also to every member.
    /// Any member renames; outgoing_* by another than the owner → 431 not_hook_owner. No hook_key → 400 missing_param, an unknown one → 430 not_found, a dropped
    /// one → 431 hook_inactive.
    /// </summary>
    internal static async Task<ConvSyncResponse> Configure(string conversationId, ConfigureHook request, CurrentSession me, HookActions hooks,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await hooks.ConfigureAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>
    /// POST api/conversation/drop_hook/&lt;id&gt; {hook_key, from_message_nr?} → header + the <c>unhook</c>
    /// message + the hook record with is_active false; its URL answers 404 from the next post on, and
    /// its messages stay in the flow. Errors as configure_hook; dropping a
    /// dropped hook → 431 hook_inactive.
    /// </summary>
    internal static async Task<ConvSyncResponse> Drop(string conversationId, DropHook request, CurrentSession me, HookActions hooks,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await hooks.DropAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>
    /// POST api/conversation/show_hooks/&lt;id&gt; → {hooks: [HookInfo…]}, the active hooks, oldest first,
    /// hook_url on the caller's own only.
    /// </summary>
    internal static async Task<HooksResponse> Show(string conversationId, CurrentSession me, HookActions hooks, CancellationToken ct) =>
        new(await hooks.ShowAsync(me.AccountId, PathIds.Conversation(conversationId), ct));

    /// <summary>
    /// POST api/conversation/import/&lt;id&gt; {hook_id, messages: [{message, posted_time?, sender_name?,
    /// message_key?}…]} → header + the imported messages, the caller's view.
    /// The messages are the hook owner's, with its hook_key, in batch order; a message_key the hook
    /// imported before is skipped. All or nothing: an empty batch or an entry without text → 400
    /// empty_message, a posted_time outside 0..253402300799 → 400 invalid_param. Unknown hook_id →
    /// 430 not_found, dropped hook → 431 hook_inactive, owner no longer a member → 431 hook_owner_left.
    /// </summary>
    internal static async Task<ConvSyncResponse> Import(string conversationId, ImportMessages request, CurrentSession me, HookImports imports,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await imports.ImportAsync(me.AccountId, PathIds.Conversation(conversationId), request, ct), context);

    /// <summary>
    /// POST /hook/&lt;token&gt; with a JSON, form, multipart or bare-text body (docs/hooks.md, "Plain
    /// hooks"), or a typed hook's product payload ("Typed hooks") → 200 <c>{}</c>; the message is the hook owner's, with
    /// hook_key and sender_name. A multipart post's file parts (<c>files</c>, or any part with a file
    /// name) become the message's attachments, streamed into the store (docs/hooks.md, "Files").
    /// Refusals, in the order checked: a body over <c>Fleep:Hooks:MaxBodyBytes</c> by its
    /// Content-Length (for multipart: that plus <c>Fleep:Files:MaxUploadBytes</c>) → 413; an unknown,
    /// malformed or dropped token → 404 hook_not_found; the hook's rate limit used up → 429 with
    /// Retry-After; a body (or multipart text fields) that grows past the limit while read → 413, a
    /// file over <c>Fleep:Files:MaxUploadBytes</c> → 413 file_too_large; a body with no usable
    /// message → 400 (docs/hooks.md). Nothing of a refused post is kept.
    /// </summary>
    internal static async Task<EmptyResponse> Post(string? token, HttpContext context, HookPosts posts, HookFiles files, HookRateLimiter limiter,
        IOptions<FleepOptions> options, CancellationToken ct)
    {
        var maxBytes = options.Value.Hooks.MaxBodyBytes;
        var multipart = HookMultipart.IsMultipart(context.Request.ContentType);
        var limit = multipart ? files.MaxMultipartBytes : maxBytes;
        if (context.Request.ContentLength > limit)
        {
            throw FleepErrors.BodyTooLarge(limit);
        }

        var found = await posts.FindAsync(token, ct);
        var hook = found.Hook;
        limiter.Acquire(hook.Id);
        if (multipart && HookFiles.TakesFiles(hook.MkHookType))
        {
            using var upload = await files.ReadAsync(context.Request, ct);
            var fields = new HookPayload(ReadOnlyMemory<byte>.Empty, context.Request.ContentType)
            {
                MultipartFields = upload.Fields,
                FileCount = upload.Files.Count,
            };
            var messages = HookPayloads.Parse(hook.MkHookType, fields);
            await posts.PostAsync(found, messages, ct, files.Keep(upload, hook.AccountId));
            return EmptyResponse.Instance;
        }

        var payload = new HookPayload(await ReadBodyAsync(context, maxBytes, ct), context.Request.ContentType)
        {
            GitHubEvent = context.Request.Headers["X-GitHub-Event"].FirstOrDefault(),
        };
        await posts.PostAsync(found, HookPayloads.Parse(hook.MkHookType, payload), ct);
        return EmptyResponse.Instance;
    }

    /// <summary>The whole body, refused with 413 as soon as it passes <paramref name="maxBytes"/> (also when sent chunked).</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpContext context, long maxBytes, CancellationToken ct)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }

        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (body.Length + read > maxBytes)
            {
                throw FleepErrors.BodyTooLarge(maxBytes);
            }

            body.Write(chunk, 0, read);
        }

        return body.ToArray();
    }
}

/// <summary>create_hook's answer: the conversation-sync shape plus <c>hook_info</c>, which the official client reads.</summary>
public sealed record HookCreatedResponse(ConvRecord Header, IReadOnlyList<object> Stream, HookRecord HookInfo)
{
    public long? ResultMessageNr { get; init; }

    public static HookCreatedResponse Of(ConvSyncResponse sync, HookRecord info) =>
        new(sync.Header, sync.Stream, info) { ResultMessageNr = sync.ResultMessageNr };
}

/// <summary>show_hooks' answer.</summary>
public sealed record HooksResponse(IReadOnlyList<HookRecord> Hooks);
