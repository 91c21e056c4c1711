using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace FleepServer.Bench;

/// <summary>One HTTP answer: status and body bytes (0 status = the call failed below HTTP).</summary>
public readonly record struct Answer(int Status, byte[] Body, string? SetCookie = null)
{
    public bool Ok => Status == 200;

    public JsonDocument Json() => JsonDocument.Parse(Body);
}

/// <summary>
/// The load generator's HTTP side: one SocketsHttpHandler, unlimited connections per server, no
/// cookie container (the <c>token_id</c> cookie goes as a plain header, like Fleep clients send
/// it). Connections come from 127.0.0.1 to 127.0.0.16 in turn, so ten thousand parked polls per
/// round do not run out of ephemeral ports while closed ones sit in TIME_WAIT.
/// </summary>
public sealed class LoadClient : IDisposable
{
    private static int nextSource;
    private readonly HttpClient http;

    public LoadClient(TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            ConnectCallback = ConnectAsync,
        };
        http = new HttpClient(handler) { Timeout = timeout ?? TimeSpan.FromMinutes(5) };
    }

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            var source = 1 + (int)((uint)Interlocked.Increment(ref nextSource) % 16);
            socket.Bind(new IPEndPoint(new IPAddress([127, 0, 0, (byte)source]), 0));
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task<Answer> PostAsync(Uri uri, string json, string? token = null, CancellationToken ct = default, bool wantCookie = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", "token_id=" + token);
        }

        return await SendAsync(request, ct, wantCookie);
    }

    public async Task<Answer> GetAsync(Uri uri, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        return await SendAsync(request, ct);
    }

    private async Task<Answer> SendAsync(HttpRequestMessage request, CancellationToken ct, bool wantCookie = false)
    {
        try
        {
            using var response = await http.SendAsync(request, ct);
            var cookie = wantCookie && response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.First() : null;
            return new Answer((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(ct), cookie);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return new Answer(0, Encoding.UTF8.GetBytes(e.Message));
        }
    }

    public void Dispose() => http.Dispose();
}

/// <summary>A logged-in Fleep session: the cookie value and the ticket every JSON body carries.</summary>
public sealed record Session(Guid AccountId, string Email, string Token, string Ticket)
{
    public string Body(string fields = "") =>
        fields.Length == 0 ? $"{{\"ticket\":\"{Ticket}\"}}" : $"{{\"ticket\":\"{Ticket}\",{fields}}}";
}

/// <summary>Fleep calls the scenarios make.</summary>
public sealed class FleepCalls(LoadClient client)
{
    public const string Password = "bench password 1";

    public LoadClient Client => client;

    public async Task<Answer> RegisterAsync(Uri server, string email, CancellationToken ct = default) =>
        await client.PostAsync(new Uri(server, "/api/account/register"),
            $"{{\"email\":\"{email}\",\"password\":\"{Password}\",\"display_name\":\"bench\"}}", ct: ct);

    /// <summary>Logs in the way Fleep clients do: the token is the first Set-Cookie's <c>token_id</c> value.</summary>
    public async Task<(Answer Answer, Session? Session)> LoginAsync(Uri server, string email, CancellationToken ct = default)
    {
        var answer = await client.PostAsync(new Uri(server, "/api/account/login"),
            $"{{\"email\":\"{email}\",\"password\":\"{Password}\"}}", ct: ct, wantCookie: true);
        if (!answer.Ok || answer.SetCookie is not { Length: >= 45 } cookie || !cookie.StartsWith("token_id=", StringComparison.Ordinal))
        {
            return (answer, null);
        }

        using var json = answer.Json();
        var root = json.RootElement;
        return (answer, new Session(root.GetProperty("account_id").GetGuid(), email, cookie[9..45], root.GetProperty("ticket").GetString()!));
    }

    public Task<Answer> PollAsync(Uri server, Session session, long horizon, bool wait, CancellationToken ct = default) =>
        client.PostAsync(new Uri(server, "/api/account/poll"),
            session.Body($"\"event_horizon\":{horizon},\"wait\":{(wait ? "true" : "false")}"), session.Token, ct);

    public Task<Answer> ConfigureAsync(Uri server, Session session, string displayName, CancellationToken ct = default) =>
        client.PostAsync(new Uri(server, "/api/account/configure"), session.Body($"\"display_name\":\"{displayName}\""), session.Token, ct);

    public Task<Answer> SyncAsync(Uri server, Session session, CancellationToken ct = default) =>
        client.PostAsync(new Uri(server, "/api/account/sync"), session.Body(), session.Token, ct);

    /// <summary>conversation/create with the given members; the new conversation's id from the answer's header.</summary>
    public async Task<(Answer Answer, Guid? ConversationId)> CreateConversationAsync(Uri server, Session session, string topic,
        IEnumerable<Guid> accountIds, CancellationToken ct = default)
    {
        var ids = string.Join(",", accountIds.Select(id => $"\"{id}\""));
        var answer = await client.PostAsync(new Uri(server, "/api/conversation/create"),
            session.Body($"\"topic\":\"{topic}\",\"account_ids\":[{ids}]"), session.Token, ct);
        if (!answer.Ok)
        {
            return (answer, null);
        }

        using var json = answer.Json();
        return (answer, json.RootElement.GetProperty("header").GetProperty("conversation_id").GetGuid());
    }

    /// <summary>message/send: the new message's number (<c>result_message_nr</c>), or null when the call failed.</summary>
    public async Task<(Answer Answer, long? MessageNr)> SendAsync(Uri server, Session session, Guid conversationId, string text,
        CancellationToken ct = default, string? subject = null)
    {
        var answer = await client.PostAsync(new Uri(server, $"/api/message/send/{conversationId}"),
            session.Body($"\"message\":\"{text}\"" + (subject is null ? "" : $",\"subject\":{JsonSerializer.Serialize(subject)}")), session.Token, ct);
        if (!answer.Ok)
        {
            return (answer, null);
        }

        using var json = answer.Json();
        return (answer, json.RootElement.TryGetProperty("result_message_nr", out var nr) && nr.ValueKind == JsonValueKind.Number ? nr.GetInt64() : null);
    }

    /// <summary>The (conversation_id, message_nr) of every message record in a poll answer's stream.</summary>
    public static List<(Guid Conversation, long MessageNr)> MessageKeys(JsonElement root)
    {
        var keys = new List<(Guid, long)>();
        foreach (var record in root.GetProperty("stream").EnumerateArray())
        {
            if (record.TryGetProperty("mk_rec_type", out var type) && type.ValueEquals("message"))
            {
                keys.Add((record.GetProperty("conversation_id").GetGuid(), record.GetProperty("message_nr").GetInt64()));
            }
        }

        return keys;
    }

    public static long Horizon(Answer answer)
    {
        using var json = answer.Json();
        return json.RootElement.GetProperty("event_horizon").GetInt64();
    }

    public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
