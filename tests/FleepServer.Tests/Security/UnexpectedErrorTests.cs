using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Security;

/// <summary>An unexpected failure is a 500 with a correlation id shared by the body and the log, and no internals.</summary>
public sealed class UnexpectedErrorTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task A_broken_database_gives_a_500_with_a_correlation_id_and_no_stack_trace()
    {
        using var client = await server.NewAccountAsync();
        await using (var db = server.OpenDb())
        {
            // Break the table configure writes to, so the failure is one the code did not plan for.
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE accounts RENAME COLUMN phone_nr TO phone_nr_gone");
        }

        var response = await client.PostAsync("/api/account/configure", new { phone_nr = "123" });

        response.AssertError(500, "internal_error");
        var correlationId = response.Json.GetProperty("correlation_id").GetString()!;
        Assert.False(string.IsNullOrEmpty(correlationId));
        var body = response.Json.ToString();
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain("Npgsql", body);
        await server.Logs.WaitForAsync(line => line.Contains(correlationId) && line.Contains("PostgresException"));
    }
}
