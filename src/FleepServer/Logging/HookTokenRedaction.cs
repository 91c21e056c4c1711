using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace FleepServer.Logging;

/// <summary>
/// A hook URL's token is the hook's only secret (docs/hooks.md): every text property of every log
/// event — the request line's <c>RequestPath</c>, ASP.NET Core's <c>Path</c> and <c>RequestPath</c>
/// scope values, an error's path — is written with <c>/hook/***</c> in its place.
/// </summary>
public sealed partial class HookTokenRedaction : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? redacted = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (value is ScalarValue { Value: string text } && text.Contains("/hook/", StringComparison.OrdinalIgnoreCase))
            {
                (redacted ??= []).Add(new LogEventProperty(name, new ScalarValue(Redact(text))));
            }
        }

        foreach (var property in redacted ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    /// <summary>The text with whatever follows each <c>/hook/</c> up to the next <c>/</c>, <c>?</c> or space replaced by <c>***</c>.</summary>
    public static string Redact(string text) => HookToken().Replace(text, "/hook/" + RequestLogRedaction.Redacted);

    [GeneratedRegex(@"/hook/[^/?#\s""']+", RegexOptions.IgnoreCase)]
    private static partial Regex HookToken();
}
