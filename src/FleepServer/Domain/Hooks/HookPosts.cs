using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using FleepServer.Records;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// Messages that come in through a hook (docs/hooks.md, "Incoming posts"): found by the URL token,
/// posted as normal text messages of the hook's owner marked with <c>hook_key</c> and the given
/// <c>sender_name</c>, in one conversation change per call: a batch is written whole or not at all.
/// Imports keep each message's <c>posted_time</c>, and a <c>message_key</c> the hook imported
/// before is skipped, so a batch imported twice adds nothing. The check for earlier keys runs under
/// the conversation's row lock, so two copies of one batch arriving together add it once.
/// </summary>
public sealed class HookPosts(FleepDbContext db, ConversationWriter writer)
{
    /// <summary>
    /// The active hook a URL token names, with its conversation's flow number as read with it; an
    /// unknown, malformed or dropped token → the one "no such hook" answer.
    /// </summary>
    public async Task<FoundHook> FindAsync(string? token, CancellationToken ct)
    {
        if (!HookTokens.IsWellFormed(token))
        {
            throw FleepErrors.UnknownHookUrl();
        }

        var hash = HookTokens.Hash(token!);
        return await (
                from h in db.Hooks.AsNoTracking()
                join c in db.Conversations on h.ConversationId equals c.Id
                where h.TokenHash == hash && h.IsActive
                select new FoundHook(h, c.LastMessageNr))
            .FirstOrDefaultAsync(ct)
            ?? throw FleepErrors.UnknownHookUrl();
    }

    /// <summary>
    /// Posts the messages of a <c>/hook/&lt;token&gt;</c> call in order as one change of the owner;
    /// <paramref name="files"/> (a multipart post's, already in the store) become the attachments
    /// of its message. A hook dropped meanwhile, or whose owner is no longer a member, answers like
    /// an unknown URL.
    /// </summary>
    public async Task<ConvResult> PostAsync(FoundHook found, IReadOnlyList<HookMessage> messages, CancellationToken ct,
        IReadOnlyList<MessageFile>? files = null)
    {
        var hook = found.Hook;
        var xml = Prepare(messages);
        try
        {
            return await writer.ChangeAsync(new(hook.AccountId, hook.ConversationId), async (change, token) =>
            {
                // Dropped while this call was on its way? A drop appends its unhook message under this
                // lock, so a flow that has not moved since the hook was read has not seen one; only a
                // moved flow costs a second look at the hook.
                if (change.Conversation.LastMessageNr != found.FlowMessageNr
                    && !await db.Hooks.AnyAsync(h => h.Id == hook.Id && h.IsActive, token))
                {
                    throw FleepErrors.UnknownHookUrl();
                }

                var appended = await AppendAsync(change, hook, change.Viewer, messages, xml, token);
                if (files is { Count: > 0 } && appended.Count > 0)
                {
                    appended[0].Files = [.. files];
                }
            }, ct);
        }
        catch (FleepException e) when (e.ErrorId is "not_found" or "member_left")
        {
            // The owner is no longer a member: the hook cannot post, and says no more than a dropped one.
            throw FleepErrors.UnknownHookUrl();
        }
    }

    /// <summary>
    /// Checks a batch before anything is written and renders each text to message XML: an empty
    /// batch or an entry without text is refused whole, as are over-long names and keys.
    /// </summary>
    public static IReadOnlyList<string> Prepare(IReadOnlyList<HookMessage> messages)
    {
        if (messages.Count == 0)
        {
            throw FleepErrors.EmptyMessage();
        }

        foreach (var message in messages)
        {
            if (string.IsNullOrWhiteSpace(message.Text) && !message.HasFiles)
            {
                throw FleepErrors.EmptyMessage();
            }

            if (message.SenderName is { Length: > MaxNameLength })
            {
                throw FleepErrors.InvalidField("sender_name", $"longer than {MaxNameLength} characters");
            }

            if (message.MessageKey is { Length: > MaxNameLength })
            {
                throw FleepErrors.InvalidField("message_key", $"longer than {MaxNameLength} characters");
            }
        }

        return messages.Select(m => string.IsNullOrWhiteSpace(m.Text) ? MessageActions.FileMessageBody : Markup.ToXml(m.Text)).ToList();
    }

    /// <summary>
    /// Appends the prepared messages to a change as <paramref name="author"/>'s (the hook's owner),
    /// skipping keys the hook imported before or earlier in the same batch; answers the messages appended.
    /// </summary>
    public async Task<List<Message>> AppendAsync(ConversationChange change, Hook hook, ConversationMember author, IReadOnlyList<HookMessage> messages,
        IReadOnlyList<string> xml, CancellationToken ct)
    {
        var seen = await ImportedKeysAsync(hook, messages, ct);
        var appended = new List<Message>();
        for (var i = 0; i < messages.Count; i++)
        {
            var post = messages[i];
            if (post.MessageKey is { } key && !seen.Add(key))
            {
                continue;
            }

            var message = change.AppendText(xml[i], null, author);
            message.HookKey = hook.HookKey;
            message.SenderName = post.SenderName;
            message.MessageKey = post.MessageKey;
            if (post.PostedTime is { } posted)
            {
                message.PostedTime = posted;
            }

            appended.Add(message);
        }

        if (appended.Count > 0 && author != change.Viewer)
        {
            // The owner has read its own messages: the others learn its new read horizon.
            change.Activities.Add(ActivityRecords.Read(change.Conversation.Id, author, change.Now, penCleared: false));
        }

        return appended;
    }

    private const int MaxNameLength = 1024;

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

/// <summary>A hook found by its URL token, with the last flow number of its conversation when it was read.</summary>
public sealed record FoundHook(Hook Hook, long FlowMessageNr);
