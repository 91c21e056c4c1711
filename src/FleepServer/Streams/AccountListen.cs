using System.Text.Json;
using FleepServer.Data;
using FleepServer.Errors;
using FleepServer.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Streams;

/// <summary>One new message as <c>account/listen</c> announces it.</summary>
public sealed record ListenMessage(string ConvUrl, Guid ConversationId, string Topic, string Message, string AuthorName);

/// <summary>What <c>account/listen</c> hands back: the head of the stream, the unread conversations and the new messages.</summary>
public sealed record ListenAnswer(long EventHorizon, long ConvCount, IReadOnlyList<ListenMessage> Messages);

/// <summary>
/// <c>api/account/listen</c>, the notification poll: the poll's machinery (register
/// the waiter, read, park until woken; docs/streams.md) with a lighter answer. It wakes on anything
/// that reaches the account's stream, moves the horizon to the stream's head, and lists the new
/// text messages of other accounts in between (the latest <see cref="MessageLimit"/>), with the
/// number of conversations that have unread messages.
/// </summary>
public sealed class AccountListen(
    FleepDbContext db,
    StreamLoader reader,
    StreamWaiters waiters,
    TimeProvider time,
    IOptions<FleepOptions> options)
{
    /// <summary>Most messages one answer lists: the latest ones.</summary>
    public const int MessageLimit = 50;

    public async Task<ListenAnswer> ListenAsync(Guid accountId, long horizon, bool wait, string publicBaseUrl, CancellationToken ct)
    {
        if (horizon < 0)
        {
            throw FleepErrors.InvalidHorizon();
        }

        var deadline = time.GetUtcNow() + options.Value.Poll.Wait;
        while (true)
        {
            // Register before reading, as the poll does: a commit between the read and the wait still wakes us.
            using var waiter = wait && horizon > 0 ? waiters.Register(accountId) : null;
            var batch = await reader.ReadTextsAfterAsync(accountId, horizon, MessageLimit, ct);
            if (batch.Head != horizon || waiter is null)
            {
                // Horizon 0 ("nothing seen yet") starts at the head: listen announces only what is new.
                // So does a horizon beyond the head, which this database never handed out (a restore
                // from an older backup): the client starts over from the head.
                var texts = horizon == 0 || batch.IsBeyondHead(horizon) ? [] : batch.Records;
                return new ListenAnswer(batch.Head, await UnreadConversationsAsync(accountId, ct),
                    await MessagesAsync(texts, publicBaseUrl, ct));
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return new ListenAnswer(horizon, await UnreadConversationsAsync(accountId, ct), []);
            }

            if (await waiter.WaitAsync(remaining, time, ct) != WaitEnd.Woken)
            {
                return new ListenAnswer(horizon, await UnreadConversationsAsync(accountId, ct), []);
            }
        }
    }

    /// <summary>Conversations in the account's list with an unread message (ConvInfo <c>unread_count</c> &gt; 0).</summary>
    private Task<int> UnreadConversationsAsync(Guid accountId, CancellationToken ct) =>
        (from m in db.ConversationMembers
         join c in db.Conversations on m.ConversationId equals c.Id
         where m.AccountId == accountId && !m.IsRemoved && m.LeaveMessageNr == null
               && c.LastInboxNr > m.ReadInboxNr
               && !(m.DeleteMessageNr > 0 && c.LastMessageNr <= m.DeleteMessageNr)
         select c.Id).CountAsync(ct);

    /// <summary>The messages with their conversation's topic and author's name: one query for both.</summary>
    private async Task<List<ListenMessage>> MessagesAsync(IReadOnlyList<StreamRow> rows, string publicBaseUrl, CancellationToken ct)
    {
        var messages = rows.Select(r => JsonSerializer.Deserialize<StreamText>(r.Payload!, FleepJson.Options)!)
            .DistinctBy(m => (m.ConversationId, m.MessageNr)).ToList();
        if (messages.Count == 0)
        {
            return [];
        }

        var conversationIds = messages.Select(m => m.ConversationId).Distinct().ToList();
        var authorIds = messages.Select(m => m.AccountId).Distinct().ToList();
        var names = await db.Conversations.Where(c => conversationIds.Contains(c.Id)).Select(c => new { Id = c.Id, Name = c.Topic })
            .Concat(db.Accounts.Where(a => authorIds.Contains(a.Id)).Select(a => new { Id = a.Id, Name = a.DisplayName }))
            .ToListAsync(ct);
        var byId = names.GroupBy(n => n.Id).ToDictionary(g => g.Key, g => g.First().Name);
        return messages.Select(m => new ListenMessage(PublicUrl.Conversation(publicBaseUrl, m.ConversationId), m.ConversationId,
            byId.GetValueOrDefault(m.ConversationId, ""), m.Message, byId.GetValueOrDefault(m.AccountId, ""))).ToList();
    }

    /// <summary>The fields of a stored message record that listen needs.</summary>
    private sealed record StreamText(Guid ConversationId, long MessageNr, Guid AccountId, string Message);
}
