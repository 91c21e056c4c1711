using System.Text.Json;
using FleepServer.Data;
using FleepServer.Errors;
using FleepServer.Records;

namespace FleepServer.Events;

/// <summary>
/// Runs an api/event/store batch: the events in order, each on its own — its own
/// parameter check against the catalogue, its own transaction and its own DI scope. A refused event
/// writes nothing and does not stop the batch: the events after it run as if it had not been sent,
/// and its request record carries the error (docs/events.md). The answer lists the records every
/// event changed and one request record per event, in the events' order; the same request records
/// reach the caller's stream, and the changed records reach every affected account's stream
/// through the actions' own fan-out.
/// </summary>
public sealed class EventBatch(IServiceScopeFactory scopes, EventLog log, ILogger<EventBatch> logger)
{
    /// <summary>Most events one batch may carry; a client that has more sends several batches.</summary>
    public const int MaxEvents = 500;

    public async Task<EventStoreResponse> RunAsync(Guid accountId, Guid sessionId, string publicUrl, IReadOnlyList<JsonElement> events,
        CancellationToken ct)
    {
        if (events.Count > MaxEvents)
        {
            throw FleepErrors.InvalidField("stream", $"more than {MaxEvents} events in one batch");
        }

        var envelopes = events.Select(EventEnvelope.Read).ToList();
        var earlier = await log.FindAsync(accountId, [.. envelopes.Select(e => e.ClientReqId).Distinct()], ct);

        var stream = new List<object>();
        var requests = new List<RequestRecord>(envelopes.Count);
        foreach (var envelope in envelopes)
        {
            var request = await RunAsync(accountId, sessionId, publicUrl, envelope, earlier, stream, ct);
            requests.Add(request);
            if (request.StatusCode == StatusCodes.Status200OK)
            {
                // A client_req_id repeated within the batch is a retry of this event, not a second one.
                earlier.TryAdd(envelope.ClientReqId, new ClientRequest
                {
                    ClientReqId = envelope.ClientReqId,
                    MkEventType = envelope.MkEventType,
                    ConversationId = request.Identifier?.ConversationId,
                    ResultMessageNr = request.Identifier?.MessageNr ?? 0,
                    ResultAccountId = request.Identifier?.AccountId,
                });
            }
        }

        await log.FinishAsync(accountId, requests, ct);
        stream.AddRange(requests);
        return new EventStoreResponse(stream, requests);
    }

    private async Task<RequestRecord> RunAsync(Guid accountId, Guid sessionId, string publicUrl, EventEnvelope envelope,
        Dictionary<Guid, ClientRequest> earlier, List<object> stream, CancellationToken ct)
    {
        try
        {
            // The parameters are checked for every catalogue event, served or not: a client learns of a
            // malformed event even where the feature behind it is missing here.
            var type = Resolve(envelope);
            var parameters = EventParamParser.Parse(type, envelope.Params);
            var handler = HandlerFor(type);

            // Events recorded by this log answer their first result; conversation changes answer it themselves.
            if (earlier.TryGetValue(envelope.ClientReqId, out var before) && before.MkEventType is not null)
            {
                if (before.MkEventType != type.Urn)
                {
                    throw FleepErrors.BusinessRule("client_req_id_reused", "This client_req_id was already used for another event.");
                }

                return RequestRecords.ForEvent(envelope.ClientReqId, type.Urn, EventLog.IdentifierOf(before));
            }

            await using var scope = scopes.CreateAsyncScope();
            var context = new EventContext(accountId, sessionId, envelope.ClientReqId, type.Urn, publicUrl, scope.ServiceProvider);
            var outcome = await handler(context, parameters, ct);
            stream.AddRange(outcome.Records);
            return RequestRecords.ForEvent(envelope.ClientReqId, type.Urn, outcome.Identifier, outcome.SyncCursor);
        }
        catch (FleepException e)
        {
            return RequestRecords.ForFailedEvent(envelope.ClientReqId, envelope.MkEventType, e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in one event must not cost the client the results of the others.
            var id = Guid.NewGuid();
            logger.LogError(e, "Event {MkEventType} failed unexpectedly (error {ErrorReference})", envelope.MkEventType, id);
            return RequestRecords.ForFailedEvent(envelope.ClientReqId, envelope.MkEventType,
                new FleepException(StatusCodes.Status500InternalServerError, "internal_error", $"Unexpected error; reference {id}."));
        }
    }

    private static EventType Resolve(EventEnvelope envelope)
    {
        if (envelope.Problem is { } problem)
        {
            throw problem;
        }

        var urn = envelope.MkEventType!;
        return EventCatalogue.Default.Find(urn) ?? throw EventErrors.UnknownEvent(urn);
    }

    private static EventHandler HandlerFor(EventType type) =>
        EventHandlers.Default.Find(type.Name)
        ?? throw (EventHandlers.Default.MissingFeature(type.Name) is { } feature
            ? EventErrors.NotSupportedYet(type.Urn, feature)
            : EventErrors.NotServed(type.Urn, type.Namespace));
}
