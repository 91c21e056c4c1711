using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FleepServer.Streams;
using FleepServer.Tests.Hooks;
using FleepServer.Tests.Infrastructure;
using FleepServer.Tests.StandIn;

namespace FleepServer.Tests.Operations;

/// <summary>
/// A server with the Prometheus endpoint on a loopback port of its own, a per-address login limit
/// and a per-hook limit small enough to reach (the per-IP limit stays relaxed for the rest of the traffic).
/// </summary>
public sealed class MetricsServerFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    public int MetricsPort { get; } = FreePort.Next();

    public Uri MetricsAddress => new($"http://127.0.0.1:{MetricsPort}/metrics");

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Fleep:Login:PermitsPerIp"] = "100000",
        ["Fleep:Login:PermitsPerAccount"] = "3",
        ["Fleep:Login:Window"] = "00:10:00",
        ["Fleep:Hooks:PostsPerWindow"] = "1",
        ["Fleep:Hooks:Window"] = "00:10:00",
        ["Fleep:Telemetry:Metrics:Enabled"] = "true",
        ["Fleep:Telemetry:Metrics:Port"] = MetricsPort.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// The Prometheus scrape endpoint: the server's own series and ASP.NET Core's, after real traffic,
/// on the metrics listener only. The exporter may answer a scrape from a short cache, so each
/// expectation is polled for, within a bound. It runs alone: OpenTelemetry merges the same-named
/// meters of every server in the process into one series, and stops the series when any of those
/// servers is disposed (open-telemetry/opentelemetry-dotnet#6412), so the other classes' servers,
/// started and stopped in parallel, would blank this one's series. One server per process, as in
/// production, is not affected.
/// </summary>
[Collection(typeof(RunsAlone))]
public sealed class MetricsTests(MetricsServerFixture server) : IClassFixture<MetricsServerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_scrape_shows_parked_polls_wakeups_append_time_refusals_and_request_durations()
    {
        var ct = TestContext.Current.CancellationToken;
        using var poller = await server.NewAccountAsync("poller");
        using var other = server.NewClient();
        await other.LoginAsync(poller.Email, "correct horse");
        using var sender = await server.NewAccountAsync("sender");
        var conversation = await sender.CreateConversationAsync("metrics", poller);
        (await sender.SendAsync(conversation, "hello")).EnsureOk();

        var horizon = (await poller.PostAsync("/api/account/sync", ct: ct)).EnsureOk().Horizon();
        var parkedBefore = server.Services.GetRequiredService<StreamWaiters>().Count;
        var poll = poller.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = true }, ct: ct);
        await server.WaitForParkedAsync(parkedBefore + 1);

        await ScrapeUntilAsync(s => s.Sum("fleep_polls_parked") >= 1, ct);

        (await other.PostAsync("/api/account/set_flag", new { client_flag = "woken" }, ct: ct)).EnsureOk();
        (await poll.WaitAsync(Bound, ct)).EnsureOk();

        // The per-address limit (3 per window) refuses the fourth login for one address, before any password check.
        using var guesser = server.NewClient();
        var email = $"nobody.{Guid.NewGuid():N}@example.org";
        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await guesser.PostAsync("/api/account/login", new { email, password = "wrong guess" }, withTicket: false, ct: ct)).StatusCode);
        }

        Assert.Equal(429, statuses[^1]);

        // One post per hook per window: the second is refused.
        using var hooked = await HookedConversation.CreateAsync(server);
        (await guesser.PostRawAsync(hooked.Url, "message=first", "application/x-www-form-urlencoded", ct: ct)).EnsureOk();
        (await guesser.PostRawAsync(hooked.Url, "message=second", "application/x-www-form-urlencoded", ct: ct)).AssertError(429, "too_many_requests");

        var scrape = await ScrapeUntilAsync(s =>
            s.Sum("fleep_polls_wakeups_total") >= 1
            && s.Sum("fleep_stream_append_duration_seconds_count") > 0
            && s.Sum("fleep_rate_limit_refusals_total", "limiter=\"login\"") >= 1
            && s.Sum("fleep_rate_limit_refusals_total", "limiter=\"hook\"") >= 1
            && s.Sum("http_server_request_duration_seconds_count") > 0, ct);

        Assert.True(scrape.Sum("fleep_stream_append_duration_seconds_sum") > 0, scrape.Text);
        Assert.Contains("fleep_stream_append_duration_seconds_bucket{", scrape.Text);
        Assert.Contains("# TYPE fleep_polls_parked gauge", scrape.Text);
        Assert.Contains("# TYPE fleep_hooks_outgoing_queued gauge", scrape.Text);
        Assert.Equal(0, scrape.Sum("fleep_hooks_outgoing_queued"));
        Assert.Contains("# TYPE fleep_files_external_queued gauge", scrape.Text);
        Assert.Equal(0, scrape.Sum("fleep_files_external_queued"));
        Assert.Contains("# TYPE fleep_mail_queued gauge", scrape.Text);
        Assert.True(scrape.Sum("http_server_request_duration_seconds_count", "http_route=\"/api/account/login\"") >= 4, scrape.Text);
    }

    [Fact]
    public async Task The_endpoint_is_not_on_the_API_port_and_the_metrics_port_serves_nothing_else()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient();

        using var onApi = await http.GetAsync(new Uri(server.BaseAddress, "/metrics"), ct);
        Assert.Contains(onApi.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed });

        // A Host header naming the metrics port does not turn an API request into a scrape.
        using var posing = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseAddress, "/metrics"));
        posing.Headers.Host = $"127.0.0.1:{server.MetricsPort}";
        using var posed = await http.SendAsync(posing, ct);
        Assert.Contains(posed.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed });

        using var apiOnMetrics = await http.PostAsync(new Uri($"http://127.0.0.1:{server.MetricsPort}/api/account/login"),
            new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.NotFound, apiOnMetrics.StatusCode);

        using var scrape = await http.GetAsync(server.MetricsAddress, ct);
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
    }

    private async Task<Scrape> ScrapeUntilAsync(Func<Scrape, bool> done, CancellationToken ct)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var scrape = new Scrape(await http.GetStringAsync(server.MetricsAddress, ct));
            if (done(scrape))
            {
                return scrape;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the scrape did not show the expected series within {Bound}:\n{scrape.Fleep}");
            await Task.Delay(100, ct);
        }
    }
}

/// <summary>The <c>cause</c> tag of <c>fleep.hooks.outgoing.retries</c>, from the failure a delivery recorded.</summary>
public sealed class MetricsRetryCauseTests
{
    [Theory]
    [InlineData("HTTP 500", "http_5xx")]
    [InlineData("HTTP 503", "http_5xx")]
    [InlineData("HTTP 404", "http_4xx")]
    [InlineData("HTTP 301", "http_3xx")]
    [InlineData("timeout", "timeout")]
    [InlineData("connection failed", "refused")]
    [InlineData("name not resolved", "dns")]
    [InlineData("TLS failed", "tls")]
    [InlineData("address not allowed", "not_allowed")]
    [InlineData("URL not allowed", "not_allowed")]
    [InlineData("request failed", "other")]
    public void Failures_map_to_a_few_causes(string error, string cause) =>
        Assert.Equal(cause, FleepServer.Domain.Hooks.OutgoingDelivery.RetryCause(error));
}

/// <summary>With metrics off (the default), there is no metrics listener and no endpoint on the API port.</summary>
public sealed class MetricsDisabledServerFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    public int MetricsPort { get; } = FreePort.Next();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Fleep:Telemetry:Metrics:Port"] = MetricsPort.ToString(CultureInfo.InvariantCulture),
    };
}

public sealed class MetricsDisabledTests(MetricsDisabledServerFixture server) : IClassFixture<MetricsDisabledServerFixture>
{
    [Fact]
    public async Task Disabled_metrics_have_no_listener_and_no_endpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient();

        using var onApi = await http.GetAsync(new Uri(server.BaseAddress, "/metrics"), ct);
        Assert.Contains(onApi.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed });

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{server.MetricsPort}/metrics"), ct));
        Assert.IsType<SocketException>(refused.InnerException);
    }
}

/// <summary>A Prometheus text exposition, read just enough to sum a series' samples.</summary>
internal sealed record Scrape(string Text)
{
    /// <summary>The server's own series, for failure messages (the whole text is long).</summary>
    public string Fleep => string.Join('\n', Text.Split('\n').Where(line => line.StartsWith("fleep_", StringComparison.Ordinal) || line.StartsWith("# TYPE fleep_", StringComparison.Ordinal)));

    /// <summary>The sum of the samples of <paramref name="name"/> (with <paramref name="label"/> among their labels, if given).</summary>
    public double Sum(string name, string? label = null)
    {
        var sum = 0.0;
        foreach (var line in Text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal)
                || line.Length == name.Length || line[name.Length] is not ('{' or ' '))
            {
                continue;
            }

            var labelsEnd = line.LastIndexOf('}');
            var labels = line[name.Length] == '{' ? line[(name.Length + 1)..labelsEnd] : "";
            if (label is not null && !labels.Split(',').Contains(label))
            {
                continue;
            }

            // "name{labels} value [timestamp]"
            var rest = line[(labelsEnd >= 0 ? labelsEnd + 1 : name.Length)..].Trim().Split(' ');
            sum += double.Parse(rest[0], CultureInfo.InvariantCulture);
        }

        return sum;
    }
}
