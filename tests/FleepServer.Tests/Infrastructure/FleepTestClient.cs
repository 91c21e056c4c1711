using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FleepServer.Tests.Infrastructure;

/// <summary>A server answer: status, parsed JSON body and the raw response (headers).</summary>
public sealed record FleepResponse(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Raw)
{
    public int StatusCode => (int)Status;

    public string? ErrorId => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("error_id", out var id) ? id.GetString() : null;

    public FleepResponse EnsureOk()
    {
        Assert.True(Status == HttpStatusCode.OK, $"expected 200, got {StatusCode}: {Json}");
        return this;
    }

    /// <summary>Asserts the Fleep error shape: the status, and a body with error_id, error_message and status_code.</summary>
    public FleepResponse AssertError(int status, string? errorId = null)
    {
        Assert.True(StatusCode == status, $"expected {status}, got {StatusCode}: {Json}");
        Assert.StartsWith("application/json", Raw.Content.Headers.ContentType?.ToString());
        Assert.Equal(status, Json.GetProperty("status_code").GetInt32());
        Assert.False(string.IsNullOrEmpty(Json.GetProperty("error_message").GetString()));
        var actualId = Json.GetProperty("error_id").GetString();
        Assert.False(string.IsNullOrEmpty(actualId));
        if (errorId is not null)
        {
            Assert.Equal(errorId, actualId);
        }

        return this;
    }
}

/// <summary>
/// Talks to the server the way real Fleep clients do: POST JSON bodies, the <c>token_id</c> cookie
/// sent as a plain <c>Cookie</c> header, and the <c>ticket</c> added to every JSON body.
/// </summary>
public sealed class FleepTestClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(100),
    };

    public string? Token { get; set; }
    public string? Ticket { get; set; }
    public Guid AccountId { get; private set; }
    public string Email { get; private set; } = "";

    public Task<FleepResponse> PostAsync(string path, object? body = null, bool withTicket = true, CancellationToken ct = default)
    {
        var json = body is null ? new JsonObject() : JsonSerializer.SerializeToNode(body)!.AsObject();
        if (withTicket && Ticket is not null && !json.ContainsKey("ticket"))
        {
            json["ticket"] = Ticket;
        }

        return PostRawAsync(path, json.ToJsonString(), ct: ct);
    }

    public async Task<FleepResponse> PostRawAsync(string path, string content, string? contentType = "application/json",
        string? cookieHeader = null, CancellationToken ct = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(content, Encoding.UTF8) };
        request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        return await SendAsync(request, cookieHeader, ct);
    }

    public async Task<FleepResponse> PostBytesAsync(string path, byte[] content, CancellationToken ct = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(content) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await SendAsync(request, null, ct);
    }

    public async Task<FleepResponse> SendAsync(HttpRequestMessage request, string? cookieHeader = null, CancellationToken ct = default)
    {
        cookieHeader ??= Token is null ? null : $"token_id={Token}";
        if (cookieHeader is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookieHeader);
        }

        var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var isJson = response.Content.Headers.ContentType?.MediaType == "application/json";
        var json = text.Length == 0 || !isJson ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new FleepResponse(response.StatusCode, json, response);
    }

    public async Task<FleepResponse> RegisterAsync(string email, string password, string displayName) =>
        (await PostAsync("/api/account/register", new { email, password, display_name = displayName }, withTicket: false)).EnsureOk();

    /// <summary>Logs in and keeps the cookie and ticket the way the iOS client does: token = the first Set-Cookie's value.</summary>
    public async Task<FleepResponse> LoginAsync(string email, string password)
    {
        var response = (await PostAsync("/api/account/login", new { email, password }, withTicket: false)).EnsureOk();
        var cookie = response.Raw.Headers.GetValues("Set-Cookie").First();
        Token = cookie[9..45];
        Ticket = response.Json.GetProperty("ticket").GetString();
        AccountId = response.Json.GetProperty("account_id").GetGuid();
        Email = email;
        return response;
    }

    public void Dispose() => http.Dispose();
}
