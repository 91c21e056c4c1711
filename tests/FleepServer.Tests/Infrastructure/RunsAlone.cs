namespace FleepServer.Tests.Infrastructure;

/// <summary>
/// Test classes whose assertions include time (start-up, answers within a second, recovery within
/// seconds) run one at a time, after the parallel ones, on a machine no other test is loading.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class RunsAlone;
