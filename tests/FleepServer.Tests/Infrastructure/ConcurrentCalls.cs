using Serilog.Events;

namespace FleepServer.Tests.Infrastructure;

/// <summary>Runs many calls at once and describes what came back, for the concurrency tests.</summary>
public static class ConcurrentCalls
{
    /// <summary>
    /// Starts every call on the thread pool, releases them together and returns the answers in the
    /// calls' order. A call that throws (a timeout, a refused connection) fails the whole run.
    /// </summary>
    public static async Task<FleepResponse[]> RunAsync(IEnumerable<Func<Task<FleepResponse>>> calls)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = calls.Select(call => Task.Run(async () =>
        {
            await start.Task;
            return await call();
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(running);
    }

    /// <summary>Statuses with their counts, e.g. "200×78, 500×2".</summary>
    public static string Tally(this IEnumerable<FleepResponse> responses) =>
        string.Join(", ", responses.GroupBy(r => r.StatusCode).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"));

    /// <summary>
    /// The statuses and, when the server logged errors, each distinct cause once with its count
    /// (the innermost exception's message), so a failing run names why it failed.
    /// </summary>
    public static string Explain(this FleepServerFixture server, IEnumerable<FleepResponse> responses)
    {
        // EF Core also logs a failed command; the exception handler's event is one per answer.
        var failures = server.Logs.Events.Where(e => e.Level >= LogEventLevel.Error && e.Exception is not null).ToList();
        var unhandled = failures.Where(e => e.MessageTemplate.Text.StartsWith("Unhandled", StringComparison.Ordinal)).ToList();
        var causes = (unhandled.Count > 0 ? unhandled : failures)
            .Select(e => e.Exception!.GetBaseException())
            .Select(inner => $"{inner.GetType().Name}: {FirstLine(inner.Message)}")
            .GroupBy(c => c)
            .Select(g => $"{g.Count()}× {g.Key}")
            .ToList();
        var errorIds = responses.Where(r => r.StatusCode != 200)
            .GroupBy(r => $"{r.StatusCode} {r.ErrorId}")
            .Select(g => $"{g.Count()}× {g.Key}");
        return $"statuses: {responses.Tally()}; refusals: [{string.Join("; ", errorIds)}]; server errors logged: [{string.Join("; ", causes)}]";
    }

    /// <summary>Asserts no answer had a status of 500 or more, naming the causes the server logged if some did.</summary>
    public static void AssertNoServerErrors(this FleepServerFixture server, IReadOnlyCollection<FleepResponse> responses)
    {
        var failed = responses.Count(r => r.StatusCode >= 500);
        Assert.True(failed == 0, $"{failed} of {responses.Count} answers were server errors; {server.Explain(responses)}");
    }

    /// <summary>Asserts every answer was 200 (after <see cref="AssertNoServerErrors"/>, so a server error is named as such).</summary>
    public static void AssertAllOk(this FleepServerFixture server, IReadOnlyCollection<FleepResponse> responses)
    {
        server.AssertNoServerErrors(responses);
        var refused = responses.Count(r => r.StatusCode != 200);
        Assert.True(refused == 0, $"{refused} of {responses.Count} answers were not 200; {server.Explain(responses)}");
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
