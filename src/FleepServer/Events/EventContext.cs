namespace FleepServer.Events;

/// <summary>
/// One event being handled: the caller, the event's client_req_id, and the services of the event's
/// own scope (each event gets a fresh scope, so a failed event leaves nothing tracked for the next).
/// </summary>
public sealed record EventContext(
    Guid AccountId, Guid SessionId, Guid ClientReqId, string MkEventType, string PublicUrl, IServiceProvider Services)
{
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
}
