using FleepServer.Testing;
using FleepServer.Testing.Xunit;

// One stand-in for every test class of this assembly that takes SharedFleep in its constructor.
[assembly: AssemblyFixture(typeof(FleepSamples.Tests.SharedFleep))]

namespace FleepSamples.Tests;

/// <summary>
/// The assembly's shared stand-in. Deriving from the fixture is only needed to choose options;
/// <c>[assembly: AssemblyFixture(typeof(FleepStandInFixture))]</c> alone works too.
/// </summary>
public sealed class SharedFleep : FleepStandInFixture
{
    protected override FleepStandInOptions Options => new()
    {
        // Nobody signs up in these tests: the stand-in makes the accounts, even with registration closed.
        Settings = { ["Fleep:Registration:Mode"] = "closed" },
        // FLEEP_SHOW_LOG=1 shows the server's log on standard error.
        ShowLog = Environment.GetEnvironmentVariable("FLEEP_SHOW_LOG") == "1",
    };
}
