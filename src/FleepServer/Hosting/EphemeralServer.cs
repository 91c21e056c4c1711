using System.Security.Cryptography;

namespace FleepServer.Hosting;

/// <summary>
/// <c>--ephemeral</c>: a server for another project's tests, in any language. It runs in test mode
/// (<see cref="HostMode"/>) over a throwaway database (<see cref="ThrowawayDatabases"/>: a private
/// cluster in a temporary folder, or a new database on the server a connection string names),
/// listens on a free loopback port unless <c>--urls</c> or <c>--port</c> says otherwise, relaxes the
/// login and hook rate limits, waits at most 5 s for requests in flight when it stops, and writes exactly one line to standard output once it serves:
/// <c>FLEEP_READY http://127.0.0.1:PORT</c>. Its log goes to standard error. On SIGTERM or Ctrl+C it
/// stops and deletes the database and the folder; the embedded cluster of a normal run is never used.
/// </summary>
public static class EphemeralServer
{
    public const string Flag = "--ephemeral";
    public const string ReadyPrefix = "FLEEP_READY";

    public static bool IsRequested(string[] args) => args.Contains(Flag);

    /// <summary>
    /// The settings of test mode, before the caller's own arguments (which win): the limits a test
    /// suite would trip over are relaxed; a fresh hook token key; outgoing webhooks may call
    /// loopback (the bot under test usually listens there); the API reference is on.
    /// </summary>
    public static IReadOnlyDictionary<string, string> TestModeSettings() => new Dictionary<string, string>
    {
        ["Fleep:Login:PermitsPerIp"] = "1000000",
        ["Fleep:Login:PermitsPerAccount"] = "1000000",
        ["Fleep:Hooks:PostsPerWindow"] = "0",
        ["Fleep:Hooks:TokenKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["Fleep:Hooks:Outgoing:AllowPrivateAddresses"] = "true",
        ["Fleep:Files:External:AllowPrivateAddresses"] = "true",
        ["Fleep:ApiReference:Enabled"] = "true",
        ["Fleep:ShutdownTimeout"] = "00:00:05",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var own = args.Where(a => a != Flag).ToList();
        var given = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(own.ToArray()).Build();
        var commandLine = new ConfigurationBuilder().AddCommandLine(own.ToArray()).Build();
        var urls = commandLine["urls"] ?? (commandLine["port"] is { } port ? $"http://127.0.0.1:{port}" : "http://127.0.0.1:0");

        await using var databases = given.GetConnectionString("Fleep") is { Length: > 0 } server
            ? await ThrowawayDatabases.OnServerAsync(server)
            : await ThrowawayDatabases.OnPrivateClusterAsync(given["Fleep:EmbeddedDatabase:BinDirectory"]);
        var connection = await databases.CreateAsync();
        // Files go to a folder of their own, removed with the database: nothing is left where the server was started.
        var files = Directory.CreateTempSubdirectory("fleep-ephemeral-files-").FullName;
        try
        {
            var settings = TestModeSettings()
                .Append(new("Fleep:Logging:Console", "stderr"))
                .Append(new("Fleep:Files:Directory", files))
                .SelectMany(s => new[] { $"--{s.Key}", s.Value })
                .Concat(own)
                .Concat(["--urls", urls, "--ConnectionStrings:Fleep", connection])
                .ToArray();
            var app = await FleepServerHost.BuildAsync(settings, mode: new HostMode(TestControl: true));
            await using (app)
            {
                await app.StartAsync();
                var address = FleepServerHost.AddressOf(app);
                app.Logger.LogInformation("Ephemeral server on {Address}; its database is on {Source} and is deleted when it stops",
                    address, databases.Source);
                await Console.Out.WriteLineAsync($"{ReadyPrefix} {address}");
                await Console.Out.FlushAsync();
                await app.WaitForShutdownAsync();
            }
        }
        finally
        {
            await databases.DropAsync(connection);
            Directory.Delete(files, recursive: true);
        }

        return 0;
    }
}
