using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;
using FleepServer.Data;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// conversation/import (peripheral spec §7.5): the authenticated way to feed an import batch
/// through one of the conversation's hooks. The caller must be a member; the messages are the
/// hook's, exactly as if the batch had been posted to its URL (§8.5).
/// </summary>
public sealed class HookImports(FleepDbContext db, Membership membership, HookPosts posts)
{
    public async Task<ConvResult> ImportAsync(Guid accountId, Guid conversationId, ImportMessages r, CancellationToken ct)
    {
        await membership.RequireAsync(conversationId, accountId, Access.Write, ct);
        var hook = await db.Hooks.AsNoTracking().FirstOrDefaultAsync(h => h.Id == r.HookId && h.ConversationId == conversationId, ct)
            ?? throw FleepErrors.HookNotFound();
        if (!hook.IsActive)
        {
            throw FleepErrors.HookInactive();
        }

        return await posts.PostAsync(hook, HookPayloads.Imported(r.Messages!), ct);
    }
}
