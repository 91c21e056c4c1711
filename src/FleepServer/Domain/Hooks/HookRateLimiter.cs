using System.Threading.RateLimiting;
using FleepServer.Errors;
using FleepServer.Telemetry;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// The velocity limit of <c>/hook/&lt;token&gt;</c>: a fixed window per hook
/// (<c>Fleep:Hooks:PostsPerWindow</c> posts per <c>Fleep:Hooks:Window</c>, counted in this
/// process), applied once the token has named an active hook, so unknown tokens create no state.
/// A refusal is a Fleep 429 with <c>Retry-After</c>.
/// </summary>
public sealed class HookRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<Guid>? limiter;
    private readonly TimeSpan window;
    private readonly FleepMetrics metrics;

    public HookRateLimiter(IOptions<FleepOptions> options, FleepMetrics metrics)
    {
        this.metrics = metrics;
        var hooks = options.Value.Hooks;
        window = hooks.Window;
        if (hooks.PostsPerWindow > 0 && hooks.Window > TimeSpan.Zero)
        {
            limiter = PartitionedRateLimiter.Create<Guid, Guid>(hookId => RateLimitPartition.GetFixedWindowLimiter(hookId,
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = hooks.PostsPerWindow,
                    Window = hooks.Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        }
    }

    /// <summary>Counts one post to the hook, or refuses it when the hook's window is used up.</summary>
    public void Acquire(Guid hookId)
    {
        if (limiter is null)
        {
            return;
        }

        using var lease = limiter.AttemptAcquire(hookId);
        if (!lease.IsAcquired)
        {
            metrics.RateLimitRefused("hook");
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : window;
            throw FleepErrors.TooManyRequests(Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)));
        }
    }

    public void Dispose() => limiter?.Dispose();
}
