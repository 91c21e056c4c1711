using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FleepSamples;

/// <summary>A deploy: which version went to which environment, and when.</summary>
public sealed record Deploy(string Version, string Environment, DateTimeOffset Time);

/// <summary>
/// A Fleep bot that announces deploys in a conversation and answers "status?" wherever it is a
/// member. It speaks Fleep's API as any client does: <c>api/account/login</c> (then the
/// <c>token_id</c> cookie, and the <c>ticket</c> in every body), <c>api/message/send</c>, and
/// <c>api/account/poll</c> to see what others write.
/// </summary>
public sealed partial class DeployBot : IDisposable
{
    private readonly HttpClient http;
    private readonly string email;
    private readonly string password;
    private readonly HashSet<(string ConversationId, long MessageNr)> answered = [];
    private string? ticket;
    private long eventHorizon;

    /// <param name="fleepUrl">Fleep's base URL, e.g. <c>https://fleep.example.com/</c>.</param>
    public DeployBot(Uri fleepUrl, string email, string password)
    {
        http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() })
        {
            BaseAddress = fleepUrl.AbsoluteUri.EndsWith('/') ? fleepUrl : new Uri(fleepUrl.AbsoluteUri + "/"),
        };
        this.email = email;
        this.password = password;
    }

    /// <summary>The bot's own account, once logged in.</summary>
    public string? AccountId { get; private set; }

    /// <summary>The last deploy announced, which "status?" is answered with.</summary>
    public Deploy? LastDeploy { get; private set; }

    /// <summary>
    /// Logs in and finds where the account's event stream is now: a poll from horizon 0 answers a
    /// snapshot and the horizon to go on from, so questions asked before the bot started are not answered.
    /// </summary>
    public async Task LoginAsync(CancellationToken ct = default)
    {
        var session = await PostAsync("api/account/login", new JsonObject { ["email"] = email, ["password"] = password }, ct);
        ticket = session.GetProperty("ticket").GetString();
        AccountId = session.GetProperty("account_id").GetString();
        var snapshot = await PostAsync("api/account/poll", new JsonObject { ["event_horizon"] = 0, ["wait"] = false }, ct);
        eventHorizon = snapshot.GetProperty("event_horizon").GetInt64();
    }

    /// <summary>Posts "Deployed VERSION to ENVIRONMENT" into the conversation and returns the message's number.</summary>
    public async Task<long> AnnounceAsync(string conversationId, string version, string environment, CancellationToken ct = default)
    {
        LastDeploy = new Deploy(version, environment, DateTimeOffset.UtcNow);
        return await SendAsync(conversationId, AnnouncementText(LastDeploy), ct);
    }

    /// <summary>
    /// Announces a deploy through a conversation's incoming hook instead: no account, just the hook's
    /// URL (from the conversation's settings, or <c>api/conversation/create_hook</c>).
    /// </summary>
    public static async Task AnnounceThroughHookAsync(HttpClient http, Uri hookUrl, Deploy deploy, CancellationToken ct = default)
    {
        using var response = await http.PostAsJsonAsync(hookUrl, new { message = AnnouncementText(deploy), user = "DeployBot" }, ct);
        response.EnsureSuccessStatusCode();
    }

    public static string AnnouncementText(Deploy deploy) => $"Deployed {deploy.Version} to {deploy.Environment}";

    /// <summary>What the bot answers to "status?".</summary>
    public string StatusText() => LastDeploy is { } deploy
        ? $"Deploy status: {deploy.Version} on {deploy.Environment} since {deploy.Time:yyyy-MM-dd HH:mm} UTC"
        : "Deploy status: nothing deployed yet";

    /// <summary>
    /// One poll of the account's stream (with <paramref name="wait"/>, it waits until something
    /// happens): answers every new "status?" written by someone else, and returns how many it answered.
    /// </summary>
    public async Task<int> AnswerQuestionsAsync(bool wait = true, CancellationToken ct = default)
    {
        var answer = await PostAsync("api/account/poll", new JsonObject { ["event_horizon"] = eventHorizon, ["wait"] = wait }, ct);
        eventHorizon = answer.GetProperty("event_horizon").GetInt64();
        var answers = 0;
        if (answer.TryGetProperty("stream", out var stream))
        {
            foreach (var record in stream.EnumerateArray())
            {
                // An edit comes again with the same number: one answer per message.
                if (IsQuestion(record, out var conversationId, out var messageNr) && answered.Add((conversationId, messageNr)))
                {
                    await SendAsync(conversationId, StatusText(), ct);
                    answers++;
                }
            }
        }

        return answers;
    }

    /// <summary>Answers questions until <paramref name="ct"/> is cancelled; a failed poll is tried again a second later.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await AnswerQuestionsAsync(wait: true, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public void Dispose() => http.Dispose();

    private bool IsQuestion(JsonElement record, out string conversationId, out long messageNr)
    {
        conversationId = String(record, "conversation_id") ?? "";
        messageNr = record.TryGetProperty("message_nr", out var nr) ? nr.GetInt64() : 0;
        return String(record, "mk_rec_type") == "message"
            && String(record, "mk_message_type") == "text"
            && String(record, "account_id") != AccountId
            && String(record, "message") is { } xml
            && TextOf(xml).Contains("status?", StringComparison.OrdinalIgnoreCase);
    }

    private async Task<long> SendAsync(string conversationId, string text, CancellationToken ct)
    {
        var answer = await PostAsync($"api/message/send/{conversationId}", new JsonObject { ["message"] = text }, ct);
        return answer.GetProperty("result_message_nr").GetInt64();
    }

    private async Task<JsonElement> PostAsync(string path, JsonObject body, CancellationToken ct)
    {
        if (ticket is not null)
        {
            body["ticket"] = ticket;
        }

        using var response = await http.PostAsJsonAsync(path, body, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{path} answered {(int)response.StatusCode}: {text}", null, response.StatusCode);
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A message's text: Fleep sends it as XML (<c>&lt;msg&gt;&lt;p&gt;status?&lt;/p&gt;&lt;/msg&gt;</c>).</summary>
    private static string TextOf(string xml) => WebUtility.HtmlDecode(Tags().Replace(xml, ""));

    private static string? String(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}
