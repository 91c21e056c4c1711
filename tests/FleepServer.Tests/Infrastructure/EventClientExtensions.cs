using System.Text.Json;

namespace FleepServer.Tests.Infrastructure;

/// <summary>One event of an api/event/store batch, as a test writes it.</summary>
public sealed record TestEvent(string Type, object? Params = null, Guid? ClientReqId = null)
{
    public Guid Id { get; } = ClientReqId ?? Guid.NewGuid();

    public object ToJson() => new
    {
        client_req_id = Id,
        mk_event_type = Type.StartsWith("urn:", StringComparison.Ordinal) ? Type : "urn:fleep:client:" + Type,
        @params = Params ?? new { },
    };
}

/// <summary>An api/event/store answer: the changed records (request records apart) and one request record per event.</summary>
public sealed record EventBatchResult(FleepResponse Response, int? Sent = null)
{
    public List<JsonElement> Requests => Response.Json.GetProperty("requests").EnumerateArray().ToList();

    /// <summary>The stream without its request records.</summary>
    public List<JsonElement> Records => Response.Stream().Where(r => r.Str("mk_rec_type") != "request").ToList();

    public List<JsonElement> OfType(string recType) => Records.Where(r => r.Str("mk_rec_type") == recType).ToList();

    /// <summary>The only event's request record.</summary>
    public JsonElement Request => Assert.Single(Requests);

    public int Status => Request.GetProperty("status_code").GetInt32();

    public EventBatchResult EnsureApplied()
    {
        // One request record per event sent: an empty or short list is a failure, not a pass.
        Assert.True(Requests.Count > 0 && (Sent is null || Requests.Count == Sent),
            $"sent {Sent?.ToString() ?? "some"} events, got {Requests.Count} request records: {Response.Json}");
        foreach (var request in Requests)
        {
            Assert.True(request.GetProperty("status_code").GetInt32() == 200, $"event refused: {request}");
        }

        return this;
    }

    public JsonElement AssertRefused(int status, string? errorId = null)
    {
        var request = Request;
        Assert.True(request.GetProperty("status_code").GetInt32() == status, $"expected {status}: {request}");
        if (errorId is not null)
        {
            Assert.Equal(errorId, request.Str("error_id"));
        }

        Assert.False(string.IsNullOrEmpty(request.Str("error_message")));
        return request;
    }

    public JsonElement Identifier => Request.GetProperty("identifier");
}

public static class EventClientExtensions
{
    public static async Task<EventBatchResult> EventsAsync(this FleepTestClient client, params TestEvent[] events) =>
        new((await client.PostAsync("/api/event/store", new { api_version = 4, stream = events.Select(e => e.ToJson()).ToArray() })).EnsureOk(), events.Length);

    public static Task<EventBatchResult> EventAsync(this FleepTestClient client, string type, object? parameters = null, Guid? clientReqId = null) =>
        client.EventsAsync(new TestEvent(type, parameters, clientReqId));

    /// <summary>Records the account's stream got after <paramref name="horizon"/>, without waiting.</summary>
    public static async Task<List<JsonElement>> PollSinceAsync(this FleepTestClient client, long horizon) =>
        (await client.PollAfterAsync(horizon)).Records;
}
