using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>
/// LockInfo, <c>mk_rec_type: "lock"</c>: who holds a message's edit lock. A record
/// without <c>lock_account_id</c> says the message is unlocked.
/// </summary>
public sealed record LockRecord(Guid ConversationId, long MessageNr, Guid? LockAccountId) : IStreamRecord
{
    public string MkRecType => "lock";
}
