using System.Net.Sockets;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace FleepServer.Tests.Operations;

/// <summary>Which exceptions mean "the database is unreachable" (503 service_unavailable) and which stay bugs (500).</summary>
public sealed class DatabaseOutageErrorMappingTests
{
    private static PostgresException Postgres(string sqlState) => new("message", "FATAL", "FATAL", sqlState);

    public static TheoryData<string> UnreachableStates => ["57P01", "57P02", "57P03", "08006", "08001", "53300"];

    public static TheoryData<string> OtherStates => ["23505", "40001", "40P01", "42601", "57014"];

    [Theory]
    [MemberData(nameof(UnreachableStates))]
    public void Shutdown_and_connection_states_are_unreachable(string sqlState)
    {
        Assert.True(DatabaseFailures.IsUnreachable(Postgres(sqlState)));
        Assert.True(DatabaseFailures.IsUnreachable(new DbUpdateException("save failed", Postgres(sqlState))));
    }

    [Theory]
    [MemberData(nameof(OtherStates))]
    public void Other_server_errors_stay_errors(string sqlState)
    {
        Assert.False(DatabaseFailures.IsUnreachable(Postgres(sqlState)));
        Assert.False(DatabaseFailures.IsUnreachable(new DbUpdateException("save failed", Postgres(sqlState))));
    }

    [Fact]
    public void Refused_reset_and_timed_out_connections_are_unreachable_however_wrapped()
    {
        var refused = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));
        Assert.True(DatabaseFailures.IsUnreachable(refused));
        Assert.True(DatabaseFailures.IsUnreachable(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
        Assert.True(DatabaseFailures.IsUnreachable(new NpgsqlException("The operation has timed out", new TimeoutException())));
        // EF Core's default Npgsql strategy wraps transient failures like this.
        Assert.True(DatabaseFailures.IsUnreachable(new InvalidOperationException("transient failure", refused)));
        Assert.True(DatabaseFailures.IsUnreachable(new RetryLimitExceededException("gave up", refused)));
        Assert.True(DatabaseFailures.IsUnreachable(new AggregateException(new InvalidOperationException("bug"), refused)));
    }

    [Fact]
    public void Bugs_are_not_unreachable()
    {
        Assert.False(DatabaseFailures.IsUnreachable(new InvalidOperationException("bug")));
        Assert.False(DatabaseFailures.IsUnreachable(new NullReferenceException()));
        Assert.False(DatabaseFailures.IsUnreachable(new NpgsqlException("not transient")));
        Assert.False(DatabaseFailures.IsUnreachable(new TimeoutException("not from the database")));
    }

    [Fact]
    public void The_error_is_a_503_with_retry_after()
    {
        var error = FleepErrors.ServiceUnavailable();
        Assert.Equal(503, error.StatusCode);
        Assert.Equal("service_unavailable", error.ErrorId);
        Assert.True(error.RetryAfterSeconds > 0);
    }
}
