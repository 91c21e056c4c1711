using System.Collections.Concurrent;

namespace FleepServer.TestControl;

/// <summary>One call the server made to an outgoing webhook, as it went out and how it was answered.</summary>
public sealed record OutgoingCall(string Url, string Body, int? StatusCode, string? Error, DateTimeOffset Time);

/// <summary>
/// The outgoing-webhook calls a server in test mode made, newest last, so a test can assert what
/// its bot was sent without running a receiver of its own. The calls still go out as usual.
/// Bounded: the oldest are forgotten past <see cref="Capacity"/>.
/// </summary>
public sealed class OutgoingCalls
{
    public const int Capacity = 10_000;
    private readonly ConcurrentQueue<OutgoingCall> calls = new();

    public IReadOnlyList<OutgoingCall> All() => calls.ToArray();

    public void Clear() => calls.Clear();

    internal void Add(OutgoingCall call)
    {
        calls.Enqueue(call);
        while (calls.Count > Capacity && calls.TryDequeue(out _))
        {
        }
    }
}

/// <summary>Records every request of the outgoing-webhook HTTP client into <see cref="OutgoingCalls"/>.</summary>
public sealed class OutgoingCallRecorder(OutgoingCalls calls, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
        var url = request.RequestUri?.ToString() ?? "";
        try
        {
            var response = await base.SendAsync(request, ct);
            calls.Add(new OutgoingCall(url, body, (int)response.StatusCode, null, time.GetUtcNow()));
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            calls.Add(new OutgoingCall(url, body, null, e.Message, time.GetUtcNow()));
            throw;
        }
    }
}
