using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace FleepServer.Errors;

/// <summary>
/// The one place that decides whether an exception means "the database is unreachable right now"
/// (answered with <see cref="FleepErrors.ServiceUnavailable"/>, 503 and <c>Retry-After</c>) rather
/// than a bug (500). Unreachable: a connection refused, reset or timed out (an
/// <see cref="NpgsqlException"/> Npgsql marks transient: its cause is an I/O, socket or timeout
/// error), PostgreSQL shutting down or starting up (SQLSTATE 57P01 admin_shutdown, 57P02
/// crash_shutdown, 57P03 cannot_connect_now), a connection exception (class 08), no connection
/// slot left (53300), and EF Core giving up after retries. EF Core and Npgsql wrap these (EF's
/// "transient failure" <see cref="InvalidOperationException"/>, <c>DbUpdateException</c>), so the
/// whole chain of inner exceptions is searched. Anything else a <see cref="PostgresException"/>
/// reports (a constraint, a serialization failure, a syntax error) stays what it is.
/// </summary>
public static class DatabaseFailures
{
    public static bool IsUnreachable(Exception exception)
    {
        for (var depth = 0; depth < 16 && exception is not null; depth++)
        {
            switch (exception)
            {
                case PostgresException postgres:
                    return IsUnreachableState(postgres.SqlState);
                case NpgsqlException { IsTransient: true }:
                case RetryLimitExceededException:
                    return true;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Any(IsUnreachable);
            }

            exception = exception.InnerException!;
        }

        return false;
    }

    /// <summary>SQLSTATEs that mean the server cannot serve this connection now, whatever the statement.</summary>
    public static bool IsUnreachableState(string sqlState) =>
        sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.TooManyConnections
        || sqlState.StartsWith("08", StringComparison.Ordinal);
}
