using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FleepServer.Testing;

/// <summary>
/// A Fleep client for tests, speaking the API as Fleep's own clients do: JSON POSTs, the
/// <c>token_id</c> cookie, and the session's <c>ticket</c> in every body. The common calls have
/// helpers; anything else goes through <see cref="PostAsync"/>. Errors throw
/// <see cref="FleepApiException"/> with Fleep's <c>error_id</c>.
/// </summary>
public sealed class FleepClient : IDisposable
{
    private readonly HttpClient http;

    public FleepClient(Uri baseAddress)
    {
        http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(100),
        };
    }

    public Uri BaseAddress => http.BaseAddress!;

    /// <summary>The session cookie's value; null before login.</summary>
    public string? TokenId { get; private set; }

    /// <summary>The session's ticket, added to every body; null before login.</summary>
    public string? Ticket { get; private set; }

    public string? AccountId { get; private set; }
    public string? Email { get; private set; }

    /// <summary>Where the next <see cref="PollAsync"/> continues the account's stream; 0 starts at the beginning.</summary>
    public long EventHorizon { get; set; }

    /// <summary>
    /// POSTs <paramref name="body"/> (any object serialisable to a JSON object, or null) to
    /// <paramref name="path"/> (e.g. <c>api/account/sync</c>) with the session, and returns the answer.
    /// </summary>
    public async Task<JsonElement> PostAsync(string path, object? body = null, CancellationToken ct = default)
    {
        var json = body switch
        {
            null => new JsonObject(),
            JsonObject node => node,
            _ => JsonSerializer.SerializeToNode(body)?.AsObject() ?? new JsonObject(),
        };
        if (Ticket is not null && !json.ContainsKey("ticket"))
        {
            json["ticket"] = Ticket;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/'))
        {
            Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (TokenId is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", $"token_id={TokenId}");
        }

        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var parsed = text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json"
            ? JsonDocument.Parse(text).RootElement.Clone()
            : default;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new FleepApiException(path, response.StatusCode, Property(parsed, "error_id"), Property(parsed, "error_message"), text);
        }

        if (response.Headers.TryGetValues("Set-Cookie", out var cookies) &&
            cookies.Select(c => c.Split(';')[0]).FirstOrDefault(c => c.StartsWith("token_id=", StringComparison.Ordinal)) is { } cookie)
        {
            TokenId = cookie["token_id=".Length..];
        }

        return parsed;
    }

    /// <summary>Logs in (<c>api/account/login</c>); afterwards every call carries the session.</summary>
    public async Task<JsonElement> LoginAsync(string email, string password, CancellationToken ct = default)
    {
        var answer = await PostAsync("api/account/login", new { email, password }, ct);
        Ticket = answer.GetProperty("ticket").GetString();
        AccountId = answer.GetProperty("account_id").GetString();
        Email = email;
        return answer;
    }

    /// <summary>Creates a conversation with the accounts of these e-mail addresses (<c>api/conversation/create</c>) and returns its id.</summary>
    public async Task<string> CreateConversationAsync(string topic, params string[] emails)
    {
        var answer = await PostAsync("api/conversation/create", new { topic, emails = string.Join(", ", emails) });
        return answer.GetProperty("header").GetProperty("conversation_id").GetString()!;
    }

    /// <summary>Sends a plain-text message (<c>api/message/send</c>) and returns its message_nr.</summary>
    public async Task<long> SendAsync(string conversationId, string text, CancellationToken ct = default)
    {
        var answer = await PostAsync($"api/message/send/{conversationId}", new { message = text }, ct);
        return answer.GetProperty("result_message_nr").GetInt64();
    }

    /// <summary>
    /// Creates an incoming hook in the conversation (<c>api/conversation/create_hook</c>) and
    /// returns its URL: POST <c>{"message": "..."}</c> to it to post as the hook.
    /// </summary>
    public async Task<string> CreateHookAsync(string conversationId, string hookName = "Test hook", CancellationToken ct = default)
    {
        var answer = await PostAsync($"api/conversation/create_hook/{conversationId}", new { hook_name = hookName }, ct);
        return answer.GetProperty("hook_info").GetProperty("hook_url").GetString()!;
    }

    /// <summary>
    /// One <c>api/account/poll</c> from <see cref="EventHorizon"/>: with <paramref name="wait"/> it
    /// parks until something happens (or the server's poll wait ends). Moves the horizon on and
    /// returns the records.
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> PollAsync(bool wait = true, CancellationToken ct = default)
    {
        var answer = await PostAsync("api/account/poll", new { event_horizon = EventHorizon, wait }, ct);
        EventHorizon = answer.GetProperty("event_horizon").GetInt64();
        return answer.TryGetProperty("stream", out var stream) ? [.. stream.EnumerateArray()] : [];
    }

    /// <summary>
    /// Polls until a record matches (records already polled are not seen again) and returns it;
    /// throws <see cref="TimeoutException"/> after <paramref name="timeout"/> (default 10 s).
    /// </summary>
    public async Task<JsonElement> WaitForRecordAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                foreach (var record in await PollAsync(wait: true, limit.Token))
                {
                    if (match(record))
                    {
                        return record;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"No matching record within {timeout ?? TimeSpan.FromSeconds(10)}.");
        }
    }

    /// <summary>Waits for a message record in the conversation whose text (the XML body) contains <paramref name="text"/>.</summary>
    public Task<JsonElement> WaitForMessageAsync(string conversationId, string text, TimeSpan? timeout = null, CancellationToken ct = default) =>
        WaitForRecordAsync(r => Property(r, "mk_rec_type") == "message" && Property(r, "conversation_id") == conversationId &&
            Property(r, "message")?.Contains(text, StringComparison.Ordinal) == true, timeout, ct);

    public void Dispose() => http.Dispose();

    private static string? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
