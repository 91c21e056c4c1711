using FleepServer.Auth;
using Serilog;
using Serilog.Events;

namespace FleepServer.Logging;

/// <summary>
/// Serilog for the whole process: levels from the <c>Serilog</c> configuration section, console
/// output, any <see cref="Serilog.Core.ILogEventSink"/> registered in DI, and one structured line
/// per request with redacted parameters (<see cref="RequestLogRedaction"/>).
/// </summary>
public static class LoggingSetup
{
    public static void AddFleepLogging(this WebApplicationBuilder builder)
    {
        // Fleep:Logging:Console = stdout (default), stderr (--ephemeral: stdout carries the ready line) or off.
        var console = builder.Configuration["Fleep:Logging:Console"]?.ToLowerInvariant() ?? "stdout";
        builder.Services.AddSerilog((services, logger) =>
        {
            logger
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.With<HookTokenRedaction>();
            if (console != "off")
            {
                logger.WriteTo.Console(
                    outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}",
                    standardErrorFromLevel: console == "stderr" ? LogEventLevel.Verbose : null);
            }
        },
            // Each server keeps its own logger: several servers can share a process (tests, tools).
            preserveStaticLogger: true);
    }

    public static void UseFleepRequestLogging(this WebApplication app) =>
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            options.MessageTemplate = "{RequestMethod} {RequestPath} -> {StatusCode} in {Elapsed:0.0} ms";
            // The request line never carries a hook URL's token (HookTokenRedaction covers every other event).
            options.GetMessageTemplateProperties = (context, path, elapsed, status) =>
            [
                new("RequestMethod", new ScalarValue(context.Request.Method)),
                new("RequestPath", new ScalarValue(HookTokenRedaction.Redact(path))),
                new("StatusCode", new ScalarValue(status)),
                new("Elapsed", new ScalarValue(elapsed)),
            ];
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                diagnostics.Set("ClientIp", context.Connection.RemoteIpAddress?.ToString());
                if (RequestLogRedaction.Parameters(context) is { } parameters)
                {
                    diagnostics.Set("Parameters", parameters, destructureObjects: true);
                }

                if (context.Features.Get<CurrentSession>() is { } session)
                {
                    diagnostics.Set("AccountId", session.AccountId);
                }
            };
            // Polls park for up to a minute by design; do not report them as slow.
            options.GetLevel = (context, _, exception) =>
                exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error : LogEventLevel.Information;
        });
}
