using System.Diagnostics;
using System.Text.RegularExpressions;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Operations;

/// <summary>
/// The repository's docker-compose.yml is a valid Compose file: the compose tool itself
/// (<c>docker compose</c> or the standalone <c>docker-compose</c>) parses and resolves it with the
/// default settings, and the result has both services, the database volume and port 8080.
/// </summary>
public sealed class ComposeFileTests
{
    [Fact]
    public async Task Compose_file_is_valid_and_declares_the_services_volume_and_port()
    {
        var root = Repository.Root();
        if (await FindComposeToolAsync() is not (var fileName, var prefix))
        {
            Assert.Fail("No compose tool found: install the Debian package docker-compose (apt-get install docker-compose) " +
                "or the Docker Compose v2 plugin (`docker compose`). .ci/run installs docker-compose.");
            return;
        }

        // An empty env file and no FLEEP_* variables: the defaults in the file are what is checked,
        // whatever the developer's shell or a local .env says.
        var emptyEnv = Path.GetTempFileName();
        try
        {
            var result = await RunAsync(fileName,
                [.. prefix, "-f", Path.Combine(root, "docker-compose.yml"), "--env-file", emptyEnv, "config"], root);

            Assert.True(result.ExitCode == 0,
                $"`{fileName} {string.Join(' ', prefix)} config` exited {result.ExitCode}:\n{result.Error}\n{result.Output}");
            var config = result.Output.ReplaceLineEndings("\n").Split('\n');

            var services = Children(Section(config, "services"), indent: 2);
            Assert.Contains("postgres", services.Keys);
            Assert.Contains("fleepserver", services.Keys);
            Assert.Contains("postgres-data", Children(Section(config, "volumes"), indent: 2).Keys);
            Assert.Contains(services["postgres"], line => line.Contains("postgres-data", StringComparison.Ordinal));

            var server = string.Join('\n', services["fleepserver"]);
            Assert.Matches(new Regex(@"target:\s*8080\b|\b8080:8080\b"), server);
            Assert.Matches(new Regex(@"published:\s*""?8080""?\s*$|\b8080:8080\b", RegexOptions.Multiline), server);
        }
        finally
        {
            File.Delete(emptyEnv);
        }
    }

    /// <summary>The folder holding FleepServer.sln, found by walking up from the test binaries.</summary>

    /// <summary>The Compose v2 plugin (<c>docker compose</c>) if it answers, else <c>docker-compose</c> on PATH.</summary>
    private static async Task<(string FileName, string[] Prefix)?> FindComposeToolAsync()
    {
        if (OnPath("docker") is { } docker && (await RunAsync(docker, ["compose", "version"], Directory.GetCurrentDirectory())).ExitCode == 0)
        {
            return (docker, ["compose"]);
        }

        return OnPath("docker-compose") is { } compose ? (compose, []) : null;
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Where(dir => dir.Length > 0)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string fileName, string[] arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("FLEEP_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within 60 s.");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>The lines under a top-level key of the YAML that <c>config</c> prints.</summary>
    private static string[] Section(string[] lines, string key)
    {
        var start = Array.IndexOf(lines, key + ":");
        Assert.True(start >= 0, $"no top-level `{key}:` in the resolved compose file:\n{string.Join('\n', lines)}");
        return lines.Skip(start + 1).TakeWhile(line => line.Length == 0 || line.StartsWith(' ')).ToArray();
    }

    /// <summary>The mapping keys at exactly <paramref name="indent"/> spaces, each with the lines nested under it.</summary>
    private static Dictionary<string, string[]> Children(string[] lines, int indent)
    {
        var pad = new string(' ', indent);
        var children = new Dictionary<string, string[]>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (!line.StartsWith(pad, StringComparison.Ordinal) || line.Length <= indent || line[indent] == ' ' || line[indent] == '-')
            {
                continue;
            }

            var key = line[indent..].Split(':')[0].Trim().Trim('"', '\'');
            children[key] = lines.Skip(i + 1)
                .TakeWhile(l => l.Length == 0 || (l.StartsWith(pad, StringComparison.Ordinal) && l.Length > indent && (l[indent] == ' ' || l[indent] == '-')))
                .ToArray();
        }

        return children;
    }
}
