using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// conversation/import: the authenticated way to feed an import batch through one of the
/// conversation's hooks. The caller must be a current member; the messages are the hook's (its
/// owner's, with its hook_key), exactly as if the batch had been posted to its URL, and the
/// answer is the caller's view. The whole call is one conversation change: membership, the hook
/// and its owner are checked under the conversation's lock.
/// </summary>
public sealed class HookImports(FleepDbContext db, ConversationWriter writer, HookPosts posts)
{
    public Task<ConvResult> ImportAsync(Guid accountId, Guid conversationId, ImportMessages r, CancellationToken ct)
    {
        // posted_time was range-checked by its binding (PostedTimeConverter).
        var messages = HookPayloads.Imported(r.Messages!);
        var xml = HookPosts.Prepare(messages);
        return writer.ChangeAsync(new(accountId, conversationId), async (change, token) =>
        {
            change.ValidateFrom(r.FromMessageNr);
            var hook = await db.Hooks.AsNoTracking().FirstOrDefaultAsync(h => h.Id == r.HookId && h.ConversationId == conversationId, token)
                ?? throw FleepErrors.HookNotFound();
            if (!hook.IsActive)
            {
                throw FleepErrors.HookInactive();
            }

            var owner = change.Member(hook.AccountId);
            if (owner is not { IsActive: true })
            {
                throw FleepErrors.BusinessRule("hook_owner_left", "The owner of this hook is no longer a member of the conversation.");
            }

            await posts.AppendAsync(change, hook, owner, messages, xml, token);
        }, ct);
    }
}
