using FleepServer.Data;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// Processed <c>client_req_id</c>s: unique per (account, id), written in the same
/// transaction as the change. The change's lock reads the earlier request once it holds the
/// conversation lock (so a concurrent retry waits and then finds the original), and
/// <see cref="AnswerAsync"/> answers with it. The same id raced into another
/// conversation fails the unique key at commit; the unit of work re-runs the change, and the re-run
/// finds the winner here (docs/writes.md).
/// </summary>
public sealed class RequestLog(FleepDbContext db, Membership membership, ConversationReader reader)
{
    public void Remember(ConversationChange change, Guid? clientReqId)
    {
        change.ClientReqId = clientReqId;
        if (clientReqId is { } reqId)
        {
            db.ClientRequests.Add(new ClientRequest
            {
                AccountId = change.Viewer.AccountId,
                ClientReqId = reqId,
                ConversationId = change.Conversation.Id,
                ResultMessageNr = change.ResultMessageNr ?? 0,
                CreatedTime = change.Now,
            });
        }
    }

    /// <summary>The answer to a request already processed (found by the change's lock): the original message as it is now.</summary>
    public async Task<ConvResult> AnswerAsync(ConversationChange change, ClientRequest original, CancellationToken ct)
    {
        if (original.ConversationId != change.Conversation.Id)
        {
            throw Reused();
        }

        return await ResultAsync(await membership.ViewAsync(change.Conversation, change.Members, change.Viewer, ct), original, ct);
    }

    private async Task<ConvResult> ResultAsync(ConvView view, ClientRequest original, CancellationToken ct)
    {
        long? nr = original.ResultMessageNr > 0 ? original.ResultMessageNr : null;
        var messages = nr is null ? [] : await reader.Visible(view).Where(m => m.MessageNr == nr).ToListAsync(ct);
        return new ConvResult(view, messages) { ResultMessageNr = nr, ClientReqId = original.ClientReqId };
    }

    private static FleepException Reused() =>
        FleepErrors.BusinessRule("client_req_id_reused", "This client_req_id was already used in another conversation.");
}
