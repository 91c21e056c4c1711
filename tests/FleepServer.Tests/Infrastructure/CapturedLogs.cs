using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace FleepServer.Tests.Infrastructure;

/// <summary>Every log event the server under test wrote, rendered with all its properties.</summary>
public sealed class CapturedLogs : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> events = new();

    public void Emit(LogEvent logEvent) => events.Enqueue(logEvent);

    public IReadOnlyList<LogEvent> Events => events.ToArray();

    /// <summary>
    /// Waits until some rendered event matches: a request is logged only after its response has
    /// been sent, so the client can see the answer before the log line exists.
    /// </summary>
    public async Task WaitForAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (!RenderAll().Any(match))
        {
            Assert.True(DateTime.UtcNow < deadline, "the expected log event was not written");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until an event matches and returns the first that does (see <see cref="WaitForAsync"/>).</summary>
    public async Task<LogEvent> WaitForEventAsync(Func<LogEvent, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        LogEvent? found;
        while ((found = events.FirstOrDefault(match)) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the expected log event was not written");
            await Task.Delay(20);
        }

        return found;
    }

    /// <summary>The full text of each event: message, every property, and any exception.</summary>
    public IEnumerable<string> RenderAll() => events.Select(e =>
    {
        using var writer = new StringWriter();
        e.RenderMessage(writer);
        foreach (var (name, value) in e.Properties)
        {
            writer.Write($" {name}=");
            value.Render(writer);
        }

        writer.Write(e.Exception);
        return writer.ToString();
    });
}
