using FleepServer.Data;
using FleepServer.Domain.Conversations;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.MyBoard;

/// <summary>
/// A conversation message by its <c>message_id</c>, for one account, by the rule of every read
/// (docs/compatibility.md, "Who sees what"): only while the account is or was a member (not
/// removed by someone else) and the message lies in what it sees (ViewerState.Sees). Anything
/// else is null, exactly as for an id that names no message, so an account never learns of a
/// message it could not sync.
/// </summary>
public static class MessageLookup
{
    public static async Task<(Message Message, ConversationMember Viewer)?> FindVisibleAsync(FleepDbContext db, Guid accountId, Guid messageId,
        CancellationToken ct)
    {
        var found = await (
            from m in db.Messages.AsNoTracking().Where(m => m.MessageId == messageId)
            join v in db.ConversationMembers.AsNoTracking().Where(v => v.AccountId == accountId) on m.ConversationId equals v.ConversationId
            select new { Message = m, Viewer = v }).FirstOrDefaultAsync(ct);
        return found is not null && !found.Viewer.IsRemoved && ViewerState.Sees(found.Viewer, found.Message.MessageNr)
            ? (found.Message, found.Viewer)
            : null;
    }
}
