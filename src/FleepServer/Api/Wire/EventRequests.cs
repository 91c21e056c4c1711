using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using FleepServer.Http;

namespace FleepServer.Api.Wire;

/// <summary>
/// <c>api/event/store</c> (docs/events.md, "One batch"): <c>stream</c> is the list of events, each
/// <c>{client_req_id, mk_event_type, params}</c>; single events are checked one by one, so a bad
/// event fails alone instead of failing the batch.
/// </summary>
public sealed record EventStoreRequest([property: Required] List<JsonElement>? Stream, long? ApiVersion)
    : IFleepRequest<EventStoreRequest>;
