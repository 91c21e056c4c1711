using System.Threading.RateLimiting;
using FleepServer.Errors;
using FleepServer.Http;
using FleepServer.Telemetry;
using Microsoft.AspNetCore.RateLimiting;

namespace FleepServer.Auth;

/// <summary>Marks the endpoints whose cost is a password hash or a mailed secret: login, the registration calls, password reset.</summary>
public sealed class PasswordEndpointAttribute : Attribute;

/// <summary>
/// Velocity limits for the password endpoints, checked by the rate limiting middleware before the
/// handler (and so before any password hash) runs: a fixed window per client IP, and for login
/// one more per e-mail address so that a botnet cannot grind one account from many addresses.
/// Refusals are Fleep 429 errors with <c>Retry-After</c>.
/// </summary>
public static class LoginRateLimits
{
    public static void Configure(RateLimiterOptions options, LoginOptions login)
    {
        options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsPasswordEndpoint(context)
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        "ip:" + context.Connection.RemoteIpAddress, _ => Window(login.PermitsPerIp, login.Window))
                    : RateLimitPartition.GetNoLimiter("")),
            PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsPasswordEndpoint(context) && AddressOf(context) is { Length: > 0 } email
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        "email:" + email.Trim().ToLowerInvariant(), _ => Window(login.PermitsPerAccount, login.Window))
                    : RateLimitPartition.GetNoLimiter("")));

        options.OnRejected = (rejected, _) =>
        {
            rejected.HttpContext.RequestServices.GetRequiredService<FleepMetrics>().RateLimitRefused("login");
            var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                ? (int)Math.Ceiling(wait.TotalSeconds)
                : (int)Math.Ceiling(login.Window.TotalSeconds);
            return new ValueTask(FleepExceptionHandler.WriteAsync(rejected.HttpContext, FleepErrors.TooManyRequests(retryAfter)));
        };
    }

    /// <summary>The address a call is about: <c>email</c>, or prepare/v2's <c>registration_mail</c>.</summary>
    private static string? AddressOf(HttpContext context) =>
        RequestBody.Of(context) is { } body ? body.GetString("email") ?? body.GetString("registration_mail") : null;

    private static bool IsPasswordEndpoint(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<PasswordEndpointAttribute>() is not null;

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
