using FleepServer.Api.Wire;
using FleepServer.Auth;
using FleepServer.Events;
using FleepServer.Http;

namespace FleepServer.Api;

/// <summary>api/event/store: the batch of <c>urn:fleep:client:*</c> events newer clients send instead of classic calls (docs/events.md).</summary>
public static class EventApi
{
    public static IEndpointRouteBuilder MapEventApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/event/store", Store);
        return app;
    }

    /// <summary>
    /// POST api/event/store {stream: [{client_req_id, mk_event_type, params}], api_version?} →
    /// {stream: [changed records…, request records…], requests: [one request record per event]}.
    /// HTTP 200 whenever the envelope is sound; each event's own outcome is its request record.
    /// </summary>
    internal static Task<EventStoreResponse> Store(EventStoreRequest request, CurrentSession me, EventBatch batch, HttpContext context,
        CancellationToken ct) =>
        batch.RunAsync(me.AccountId, me.SessionId, PublicUrl.Of(context), request.Stream!, ct);
}
