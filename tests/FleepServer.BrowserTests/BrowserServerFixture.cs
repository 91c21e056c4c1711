using FleepServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;

// One chromium at a time is plenty for a small machine; the tests of this project run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace FleepServer.BrowserTests;

/// <summary>The main suite's server fixture, on the real clock: a browser session lives in real time (long-polls end, backoffs wait).</summary>
public sealed class BrowserServerFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    /// <summary>The suite's settings; the server logs only warnings and errors (the test executable's console is the CI log).</summary>
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };

    protected override void Customize(WebApplicationBuilder builder) =>
        builder.Services.Replace(ServiceDescriptor.Singleton(TimeProvider.System));

    /// <summary>An address for a new person: unique in the run.</summary>
    public static string NewEmail(string name) => $"{name}.{Guid.NewGuid():N}@example.org";
}
