using System.Security.Cryptography;
using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using FleepServer.Http;
using FleepServer.Records;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// Hook management (docs/hooks.md, "Management and import"): create, configure, drop and list the
/// hooks of a conversation. Any member may create a hook, rename it or drop it; only its owner
/// changes where it delivers (the outgoing fields are the owner's alone to see). Each change is a
/// conversation change (<see cref="ConversationWriter"/>), so the hook record reaches every current
/// member with the change, the URL only its owner (docs/hooks.md).
/// </summary>
public sealed class HookActions(
    FleepDbContext db, ConversationWriter writer, Membership membership, HookTokens tokens, IHttpContextAccessor http)
{
    /// <summary>create_hook: a new hook, its record to every member and a <c>hook</c> system message {hook_name, hook_key}.</summary>
    public async Task<(ConvResult Result, HookRecord HookInfo)> CreateAsync(Guid accountId, Guid conversationId, CreateHook r,
        CancellationToken ct)
    {
        var type = r.MkHookType ?? HookTypes.Plain;
        if (!HookTypes.All.Contains(type))
        {
            throw FleepErrors.InvalidField("mk_hook_type", "one of " + string.Join(", ", HookTypes.All));
        }

        var outgoing = OutgoingUrls.Normalize(r.OutgoingUrl);
        if ((outgoing.Length > 0 || r.OutgoingDisabled is not null) && !HookTypes.HasOutgoing(type))
        {
            throw FleepErrors.InvalidField("outgoing_url", "only plain and slack hooks deliver outgoing messages");
        }

        Hook? created = null;
        var result = await writer.ChangeAsync(new(accountId, conversationId), async (change, token) =>
        {
            change.ValidateFrom(r.FromMessageNr);
            var name = string.IsNullOrWhiteSpace(r.HookName)
                ? await db.Accounts.Where(a => a.Id == accountId).Select(a => a.DisplayName).FirstAsync(token)
                : r.HookName.Trim();
            var hook = new Hook
            {
                Id = Guid.CreateVersion7(),
                ConversationId = conversationId,
                AccountId = accountId,
                HookKey = NewHookKey(),
                HookName = name,
                MkHookType = type,
                OutgoingUrl = outgoing,
                OutgoingDisabled = r.OutgoingDisabled ?? false,
                ExternalAccountId = r.ExternalAccountId,
                ExternalObjectId = r.ExternalObjectId,
                CreatedTime = change.Now,
                BaseUrl = PublicUrl.Of(http.HttpContext),
                TokenHash = [],
            };
            hook.TokenHash = HookTokens.Hash(tokens.TokenOf(hook.Id));
            db.Hooks.Add(hook);
            change.Hooks.Add(hook);
            change.AppendSystem(SystemTypes.Hook, FlowWriter.SystemBody(("hook_name", hook.HookName), ("hook_key", hook.HookKey)));
            change.Conversation.HasOutgoingHooks |= hook.Delivers;
            created = hook;
        }, ct);
        return (result, HookRecords.For(created!, accountId, tokens.UrlOf(created!, http.HttpContext)));
    }

    /// <summary>configure_hook: renames the hook and, for its owner, changes the outgoing URL or switches delivery on and off.</summary>
    public Task<ConvResult> ConfigureAsync(Guid accountId, Guid conversationId, ConfigureHook r, CancellationToken ct) =>
        writer.ChangeAsync(new(accountId, conversationId), async (change, token) =>
        {
            change.ValidateFrom(r.FromMessageNr);
            var hook = await RequireActiveAsync(change, r.HookKey!, token);
            var changesOutgoing = r.OutgoingUrl is not null || r.OutgoingDisabled is not null;
            if (changesOutgoing && hook.AccountId != accountId)
            {
                throw FleepErrors.BusinessRule("not_hook_owner", "Only the owner of a hook can change its outgoing settings.");
            }

            if (changesOutgoing && !HookTypes.HasOutgoing(hook.MkHookType))
            {
                throw FleepErrors.InvalidField("outgoing_url", "only plain and slack hooks deliver outgoing messages");
            }

            if (!string.IsNullOrWhiteSpace(r.HookName))
            {
                hook.HookName = r.HookName.Trim();
            }

            if (r.OutgoingUrl is not null)
            {
                hook.OutgoingUrl = OutgoingUrls.Normalize(r.OutgoingUrl);
            }

            if (r.OutgoingDisabled is { } disabled)
            {
                hook.OutgoingDisabled = disabled;
            }

            if (changesOutgoing && !hook.OutgoingDisabled)
            {
                // Switched on again (or pointed elsewhere): a fresh start for the failure count.
                hook.OutgoingFailures = 0;
                hook.OutgoingDisableReason = null;
            }

            change.Hooks.Add(hook);
            await OutgoingFlag.RecountAsync(db, change.Conversation, hook, token);
        }, ct);

    /// <summary>drop_hook: the hook stops accepting posts and delivering at once; an <c>unhook</c> message {hook_name, hook_key}.</summary>
    public Task<ConvResult> DropAsync(Guid accountId, Guid conversationId, DropHook r, CancellationToken ct) =>
        writer.ChangeAsync(new(accountId, conversationId), async (change, token) =>
        {
            change.ValidateFrom(r.FromMessageNr);
            var hook = await RequireActiveAsync(change, r.HookKey!, token);
            hook.IsActive = false;
            change.Hooks.Add(hook);
            change.AppendSystem(SystemTypes.Unhook, FlowWriter.SystemBody(("hook_name", hook.HookName), ("hook_key", hook.HookKey)));
            await OutgoingFlag.RecountAsync(db, change.Conversation, hook, token);
        }, ct);

    /// <summary>show_hooks: the conversation's active hooks as the caller sees them (the URL only on its own).</summary>
    public async Task<List<HookRecord>> ShowAsync(Guid accountId, Guid conversationId, CancellationToken ct)
    {
        await membership.RequireAsync(conversationId, accountId, Access.Write, ct);
        var hooks = await db.Hooks.AsNoTracking()
            .Where(h => h.ConversationId == conversationId && h.IsActive)
            .OrderBy(h => h.CreatedTime).ThenBy(h => h.Id)
            .ToListAsync(ct);
        return hooks.Select(h => HookRecords.For(h, accountId, h.AccountId == accountId ? tokens.UrlOf(h, http.HttpContext) : null)).ToList();
    }

    private async Task<Hook> RequireActiveAsync(ConversationChange change, string hookKey, CancellationToken ct)
    {
        var hook = await db.Hooks.FirstOrDefaultAsync(h => h.ConversationId == change.Conversation.Id && h.HookKey == hookKey, ct)
            ?? throw FleepErrors.HookNotFound();
        return hook.IsActive ? hook : throw FleepErrors.HookInactive();
    }

    /// <summary>12 base64url characters (72 random bits): public, short, and unique in practice.</summary>
    private static string NewHookKey() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(9));
}

/// <summary>The rules for a hook's <c>outgoing_url</c>: empty, or an absolute http(s) URL.</summary>
public static class OutgoingUrls
{
    public static string Normalize(string? url)
    {
        var value = url?.Trim() ?? "";
        if (value.Length == 0)
        {
            return "";
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw FleepErrors.InvalidField("outgoing_url", "an absolute http or https URL");
        }

        return value;
    }
}

/// <summary>
/// <see cref="Conversation.HasOutgoingHooks"/>: true exactly while some active hook of the
/// conversation delivers. Recounted by every change that can end a hook's deliveries (configure,
/// drop, switching off after failures), with the conversation row locked.
/// </summary>
public static class OutgoingFlag
{
    public static async Task RecountAsync(FleepDbContext db, Conversation conversation, Hook changed, CancellationToken ct)
    {
        var conversationId = conversation.Id;
        conversation.HasOutgoingHooks = changed.Delivers || await db.Hooks.AnyAsync(h =>
            h.ConversationId == conversationId && h.Id != changed.Id && h.IsActive && h.OutgoingUrl != "" && !h.OutgoingDisabled, ct);
    }
}
