using System.Reflection;
using FleepServer.Errors;

namespace FleepServer.Auth;

/// <summary>
/// The caller of an authenticated API call, put on the request by
/// <see cref="SessionAuthenticationHandler"/>. Handlers take it as a parameter.
/// </summary>
public sealed record CurrentSession(Guid AccountId, Guid SessionId) : IBindableFromHttpContext<CurrentSession>
{
    public static ValueTask<CurrentSession?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult<CurrentSession?>(context.Features.Get<CurrentSession>() ?? throw FleepErrors.NotAuthenticated());
}
