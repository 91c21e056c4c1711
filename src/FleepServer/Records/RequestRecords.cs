namespace FleepServer.Records;

/// <summary>The one builder of <see cref="RequestRecord"/>s (core spec §2.4).</summary>
public static class RequestRecords
{
    public static RequestRecord For(Guid clientReqId, Guid conversationId, long? resultMessageNr) => new()
    {
        ClientReqId = clientReqId,
        ConversationId = conversationId,
        ResultMessageNr = resultMessageNr,
    };
}
