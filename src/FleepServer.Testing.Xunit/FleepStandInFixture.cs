using Xunit;

namespace FleepServer.Testing.Xunit;

/// <summary>
/// One <see cref="FleepStandIn"/> for the tests that share this fixture: started before the first
/// of them, stopped (its database dropped) after the last.
/// <list type="bullet">
/// <item>For one test class: <c>public class MyTests(FleepStandInFixture fleep) : IClassFixture&lt;FleepStandInFixture&gt;</c>.</item>
/// <item>For the whole test assembly: <c>[assembly: AssemblyFixture(typeof(FleepStandInFixture))]</c>, and take it in any test class's constructor.</item>
/// </list>
/// Tests that share a stand-in see each other's accounts and conversations: give each test its own
/// e-mail addresses, or call <see cref="FleepStandIn.ResetAsync"/> only where no other test runs at
/// the same time (within one class fixture, whose tests run one after another). To choose how the
/// server starts, derive from this class and override <see cref="Options"/>.
/// </summary>
public class FleepStandInFixture : IAsyncLifetime
{
    private FleepStandIn? standIn;

    /// <summary>The running stand-in.</summary>
    /// <exception cref="InvalidOperationException">Before xunit initialised the fixture, or after it was disposed.</exception>
    public FleepStandIn StandIn => standIn ?? throw new InvalidOperationException(
        "The stand-in is not running: xunit starts it before the first test that uses this fixture and stops it after the last.");

    /// <summary>How the stand-in starts (read once, before it starts); the default is <see cref="FleepStandInOptions"/> as it comes.</summary>
    protected virtual FleepStandInOptions Options => new();

    /// <summary>Starts the stand-in.</summary>
    public virtual async ValueTask InitializeAsync() => standIn = await FleepStandIn.StartAsync(Options);

    /// <summary>Stops the stand-in and drops its database.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        if (standIn is { } running)
        {
            standIn = null;
            await running.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
