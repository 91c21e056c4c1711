namespace FleepServer.Tests.Infrastructure;

/// <summary>The checkout the tests were built from.</summary>
public static class Repository
{
    /// <summary>The folder holding FleepServer.sln, found upwards from the test output.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FleepServer.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (FleepServer.sln) was not found above the test output.");
    }
}
