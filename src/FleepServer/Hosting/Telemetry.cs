using FleepServer.Telemetry;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FleepServer.Hosting;

/// <summary>
/// Metrics and traces (docs/operations.md, "Metrics and traces"): the server's own meter
/// (<see cref="FleepMetrics"/>), ASP.NET Core's, HttpClient's, Npgsql's and the runtime's, scraped
/// by Prometheus from a listener of its own and/or pushed to an OTLP collector. With neither
/// configured, no OpenTelemetry pipeline runs and the instruments cost next to nothing.
/// </summary>
public static class Telemetry
{
    /// <summary>The standard variable that names an OTLP collector.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddFleepTelemetry(this WebApplicationBuilder builder, FleepOptions fleep)
    {
        var services = builder.Services;
        services.AddSingleton<OutboxDepth>();
        services.AddSingleton<FleepMetrics>();

        var settings = fleep.Telemetry;
        var scrape = settings.Metrics.Enabled;
        var otlp = !string.IsNullOrWhiteSpace(settings.OtlpEndpoint) || !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]);
        if (!scrape && !otlp)
        {
            return;
        }

        if (scrape)
        {
            AddScrapeListener(builder, settings.Metrics);
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "fleep-server",
                serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(FleepMetrics.MeterName)
                    .AddMeter("System.Runtime")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsqlInstrumentation();
                if (scrape)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (!otlp)
        {
            return;
        }

        // Traces only go somewhere with OTLP; Prometheus takes metrics alone.
        telemetry.WithTracing(tracing => tracing
            .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsScrape(context, settings.Metrics))
            .AddHttpClientInstrumentation()
            .AddNpgsql());
        if (!string.IsNullOrWhiteSpace(settings.OtlpEndpoint))
        {
            var protocol = string.Equals(settings.OtlpProtocol, "http/protobuf", StringComparison.OrdinalIgnoreCase)
                ? OtlpExportProtocol.HttpProtobuf
                : OtlpExportProtocol.Grpc;
            telemetry.UseOtlpExporter(protocol, new Uri(settings.OtlpEndpoint));
        }
        else
        {
            // Endpoint, protocol, headers and the rest from the standard OTEL_EXPORTER_OTLP_* variables.
            telemetry.UseOtlpExporter();
        }
    }

    /// <summary>
    /// Answers the Prometheus scrape on the metrics listener, ahead of the rest of the pipeline (no
    /// session, no request log line per scrape). The same path on the API's port is not answered
    /// here: it falls through to the API, which does not know it.
    /// </summary>
    public static void UseFleepTelemetry(this WebApplication app)
    {
        // Created now, so its instruments exist before the first scrape.
        app.Services.GetRequiredService<FleepMetrics>();
        var settings = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FleepOptions>>().Value.Telemetry.Metrics;
        if (settings.Enabled)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context => IsScrape(context, settings));
            // The metrics listener serves the scrape and nothing else: no API on that port.
            app.Use((context, next) =>
            {
                if (context.Connection.LocalPort != settings.Port)
                {
                    return next(context);
                }

                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        }
    }

    /// <summary>
    /// A request on the metrics listener's port for the metrics path. The port is the connection's
    /// own, not the Host header's, so a request to the API's port cannot pose as a scrape.
    /// </summary>
    private static bool IsScrape(HttpContext context, MetricsEndpointOptions settings) =>
        settings.Enabled
        && context.Connection.LocalPort == settings.Port
        && string.Equals(context.Request.Path.Value, settings.Path, StringComparison.Ordinal);

    /// <summary>
    /// Adds the metrics listener to the server's addresses (<c>urls</c>), keeping the addresses it
    /// already had: Kestrel's defaults when none are configured.
    /// </summary>
    private static void AddScrapeListener(WebApplicationBuilder builder, MetricsEndpointOptions settings)
    {
        if (settings.Port is <= 0 or > 65535)
        {
            throw new InvalidOperationException($"Fleep:Telemetry:Metrics:Port must be a TCP port (1-65535), not {settings.Port}.");
        }

        if (!settings.Path.StartsWith('/'))
        {
            throw new InvalidOperationException($"Fleep:Telemetry:Metrics:Path must start with '/', not '{settings.Path}'.");
        }

        var configuration = builder.Configuration;
        var urls = (configuration[WebHostDefaults.ServerUrlsKey] ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (urls.Count == 0)
        {
            // What Kestrel would have listened on: HTTP_PORTS/HTTPS_PORTS, else localhost:5000.
            urls.AddRange(Ports(configuration[WebHostDefaults.HttpPortsKey]).Select(port => $"http://*:{port}"));
            urls.AddRange(Ports(configuration[WebHostDefaults.HttpsPortsKey]).Select(port => $"https://*:{port}"));
            if (urls.Count == 0)
            {
                urls.Add("http://localhost:5000");
            }
        }

        if (urls.Any(url => BindingAddress.Parse(url).Port == settings.Port))
        {
            throw new InvalidOperationException(
                $"Fleep:Telemetry:Metrics:Port {settings.Port} is also a port of the API ({string.Join(';', urls)}): the metrics need a port of their own.");
        }

        var host = settings.Host.Contains(':') && !settings.Host.StartsWith('[') ? $"[{settings.Host}]" : settings.Host;
        urls.Add($"http://{host}:{settings.Port}");
        builder.WebHost.UseUrls([.. urls]);
    }

    private static IEnumerable<string> Ports(string? ports) =>
        (ports ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
