using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FleepServer.Data;

/// <summary>
/// Readiness: the database answers a query. It answers within the connect timeout
/// (<see cref="FleepDbContext.DefaultConnectTimeout"/> unless the connection string sets one) on a
/// connection of its own (EF Core's check bypasses the pool), so it is unhealthy while the database
/// is unreachable, the same condition that answers calls 503 <c>service_unavailable</c>
/// (docs/operations.md, "Database outages").
/// </summary>
public sealed class DatabaseHealthCheck(FleepDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("Database unreachable.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Database unreachable.", e);
        }
    }
}
