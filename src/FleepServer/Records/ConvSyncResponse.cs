using FleepServer.Domain.Conversations;
using FleepServer.Http;

namespace FleepServer.Records;

/// <summary>
/// The "conversation sync" answer of conversation and message calls:
/// <c>header</c> (the caller's ConvInfo), <c>stream</c> (always present), and
/// <c>result_message_nr</c> / <c>client_req_id</c> when the call created or changed a message.
/// </summary>
public sealed record ConvSyncResponse(ConvRecord Header, IReadOnlyList<object> Stream)
{
    public long? ResultMessageNr { get; init; }
    public Guid? ClientReqId { get; init; }

    /// <summary>The header followed by the stream records, as a poll would list them.</summary>
    public IEnumerable<object> AllRecords() => Stream.Prepend(Header);

    /// <summary>Maps a domain result through the record builders; a client_req_id adds its request record.</summary>
    public static ConvSyncResponse Of(ConvResult result, HttpContext context) => Of(result, PublicUrl.Of(context));

    /// <inheritdoc cref="Of(ConvResult, HttpContext)"/>
    public static ConvSyncResponse Of(ConvResult result, string publicUrl)
    {
        var view = result.View;
        var stream = new List<object>();
        stream.AddRange(result.Messages.SelectMany(m => MessageRecords.WithFiles(m, view.ViewerId)));
        stream.AddRange(result.Activities);
        stream.AddRange(result.Records);
        if (result.ClientReqId is { } reqId)
        {
            stream.Add(RequestRecords.For(reqId, view.Conversation.Id, result.ResultMessageNr));
        }

        var header = ConvRecords.For(view, publicUrl, result.Mode, result.BwMessageNr, result.FwMessageNr) with { FileHorizon = result.FileHorizon };
        if (result.Board is { } board)
        {
            header = header with
            {
                PinCursor = board.PinCursor, PinSyncState = board.PinSyncState, PinHorizon = board.PinHorizon, TaskHorizon = board.TaskHorizon,
            };
        }

        return new ConvSyncResponse(header, stream)
        {
            ResultMessageNr = result.ResultMessageNr,
            ClientReqId = result.ClientReqId,
        };
    }
}
