namespace FleepServer.Auth;

/// <summary>
/// Marks a GET endpoint whose callers send the session <c>ticket</c> in the query string
/// (<c>GET api/classificators?ticket=…</c>). JSON calls never do: they carry
/// it in the body, and a query ticket on them is ignored.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class TicketInQueryAttribute : Attribute;
