using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// Messages that come in through a hook (peripheral spec §8): found by the URL token, posted as
/// normal text messages of the hook's owner marked with <c>hook_key</c> and the given
/// <c>sender_name</c>, in one conversation change per call. Imports keep each message's
/// <c>posted_time</c>, and a <c>message_key</c> the hook imported before is skipped, so a batch
/// imported twice adds nothing (§8.5).
/// </summary>
public sealed class HookPosts(FleepDbContext db, ConversationWriter writer)
{
    /// <summary>The active hook a URL token names; an unknown, malformed or dropped token → the one "no such hook" answer.</summary>
    public async Task<Hook> FindAsync(string? token, CancellationToken ct)
    {
        if (!HookTokens.IsWellFormed(token))
        {
            throw FleepErrors.UnknownHookUrl();
        }

        var hash = HookTokens.Hash(token!);
        return await db.Hooks.AsNoTracking().FirstOrDefaultAsync(h => h.TokenHash == hash && h.IsActive, ct)
            ?? throw FleepErrors.UnknownHookUrl();
    }

    /// <summary>Posts the messages in order as one change. Returns the number of the last message written (null: all were imported before).</summary>
    public async Task<ConvResult> PostAsync(Hook hook, IReadOnlyList<HookMessage> messages, CancellationToken ct)
    {
        if (messages.Count == 0 || messages.Any(m => string.IsNullOrWhiteSpace(m.Text)))
        {
            throw FleepErrors.EmptyMessage();
        }

        var xml = messages.Select(m => Markup.ToXml(m.Text)).ToList();
        try
        {
            return await writer.ChangeAsync(new(hook.AccountId, hook.ConversationId), async (change, token) =>
            {
                // Dropped while this call was on its way: the conversation row lock orders it after the drop.
                if (!await db.Hooks.AnyAsync(h => h.Id == hook.Id && h.IsActive, token))
                {
                    throw FleepErrors.UnknownHookUrl();
                }

                var seen = await ImportedKeysAsync(hook, messages, token);
                for (var i = 0; i < messages.Count; i++)
                {
                    var post = messages[i];
                    if (post.MessageKey is { } key && !seen.Add(key))
                    {
                        continue;
                    }

                    var message = change.AppendText(xml[i], null);
                    message.HookKey = hook.HookKey;
                    message.SenderName = post.SenderName;
                    message.MessageKey = post.MessageKey;
                    if (post.PostedTime is { } posted)
                    {
                        message.PostedTime = posted;
                    }
                }
            }, ct);
        }
        catch (FleepException e) when (e.ErrorId is "not_found" or "member_left")
        {
            // The owner is no longer a member: the hook cannot post, and says no more than a dropped one.
            throw FleepErrors.UnknownHookUrl();
        }
    }

    private async Task<HashSet<string>> ImportedKeysAsync(Hook hook, IReadOnlyList<HookMessage> messages, CancellationToken ct)
    {
        var keys = messages.Select(m => m.MessageKey).OfType<string>().Distinct().ToList();
        if (keys.Count == 0)
        {
            return [];
        }

        var found = await db.Messages
            .Where(m => m.ConversationId == hook.ConversationId && m.HookKey == hook.HookKey && keys.Contains(m.MessageKey!))
            .Select(m => m.MessageKey!)
            .ToListAsync(ct);
        return found.ToHashSet(StringComparer.Ordinal);
    }
}
