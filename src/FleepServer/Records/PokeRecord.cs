using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>
/// PokeInfo, <c>mk_rec_type: "poke"</c>: the number a client chose when it
/// called <c>conversation/poke</c>. Clients wait for it to know that everything before it reached them.
/// </summary>
public sealed record PokeRecord(Guid ConversationId, long MessageNr) : IStreamRecord
{
    public string MkRecType => "poke";
}
