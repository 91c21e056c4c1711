using System.Text.RegularExpressions;
using FleepServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;

namespace FleepServer.Tests.StandIn;

/// <summary>
/// <c>--ephemeral</c>, run as a separate process the way a pytest or Jest fixture runs it: the first
/// output line is the ready line, the server works, SIGTERM takes its data with it, two at once do
/// not collide, and the test controls exist only there.
/// </summary>
public sealed partial class EphemeralModeTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [GeneratedRegex(@"^FLEEP_READY http://127\.0\.0\.1:\d+/?$")]
    private static partial Regex ReadyLine();

    [GeneratedRegex(@"private cluster in (\S+)")]
    private static partial Regex ClusterFolder();

    [Fact]
    public async Task The_first_line_is_the_ready_line_and_register_login_send_work()
    {
        await using var ephemeral = await EphemeralProcess.StartAsync();
        Assert.Matches(ReadyLine(), ephemeral.FirstLine);

        using var alice = new FleepTestClient(ephemeral.Url);
        using var bob = new FleepTestClient(ephemeral.Url);
        await alice.RegisterAsync("alice@example.org", "correct horse", "Alice");
        await bob.RegisterAsync("bob@example.org", "correct horse", "Bob");
        await alice.LoginAsync("alice@example.org", "correct horse");
        await bob.LoginAsync("bob@example.org", "correct horse");
        var conversationId = await alice.CreateConversationAsync("Ephemeral", bob);
        (await alice.SendAsync(conversationId, "hello from a throwaway server")).EnsureOk();

        var history = (await bob.ConvAsync("sync", conversationId)).EnsureOk().Messages();
        Assert.Contains(history, m => m.Str("message").Contains("hello from a throwaway server"));
    }

    [Fact]
    public async Task Sigterm_ends_the_process_and_deletes_the_database_and_its_folder()
    {
        var ephemeral = await EphemeralProcess.StartAsync();
        await using (ephemeral)
        {
            var folder = ClusterFolder().Match(ephemeral.LogText) is { Success: true } match ? match.Groups[1].Value : "";
            Assert.True(Directory.Exists(folder), $"the log names the cluster folder: {ephemeral.LogText}");
            Assert.NotEmpty(PostgresProcessesUsing(folder));

            await ephemeral.TerminateAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(0, ephemeral.ExitCode);
            Assert.False(Directory.Exists(folder));
            Assert.Empty(PostgresProcessesUsing(folder));
            using var client = new FleepTestClient(ephemeral.Url);
            await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("/api/account/login", new { email = "a@example.org", password = "x" }));
            // Nothing was written where it ran: no embedded cluster, no key file.
            Assert.Empty(Directory.EnumerateFileSystemEntries(ephemeral.WorkingDirectory));
        }
    }

    [Fact]
    public async Task Two_ephemeral_servers_at_once_have_their_own_port_and_data()
    {
        var starting = new[] { EphemeralProcess.StartAsync(), EphemeralProcess.StartAsync() };
        var both = await Task.WhenAll(starting);
        try
        {
            Assert.Equal(2, both.Length);
            Assert.NotEqual(both[0].Url, both[1].Url);
            using var first = new FleepTestClient(both[0].Url);
            using var second = new FleepTestClient(both[1].Url);
            await first.RegisterAsync("same@example.org", "correct horse", "First");
            await second.RegisterAsync("same@example.org", "other horse!", "Second");

            // Each server knows only its own account with that address.
            await first.LoginAsync("same@example.org", "correct horse");
            await second.LoginAsync("same@example.org", "other horse!");
            Assert.NotEqual(first.AccountId, second.AccountId);
        }
        finally
        {
            foreach (var ephemeral in both)
            {
                await ephemeral.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Test_controls_exist_in_ephemeral_mode_only()
    {
        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(routes);
        Assert.DoesNotContain(routes, r => r.RoutePattern.RawText?.StartsWith("/_test", StringComparison.Ordinal) == true);
        using var outsider = server.NewClient();
        (await outsider.PostAsync("/_test/reset")).AssertError(404);
        (await outsider.PostAsync("/_test/account", new { email = "x@example.org" })).AssertError(404);

        await using var ephemeral = await EphemeralProcess.StartAsync();
        using var tester = new FleepTestClient(ephemeral.Url);
        var made = (await tester.PostAsync("/_test/account", new { email = "made@example.org" })).EnsureOk();
        await tester.LoginAsync("made@example.org", made.Json.Str("password"));
        (await tester.PostAsync("/_test/reset")).EnsureOk();
        // The reset took the account and its session with it.
        (await tester.PostAsync("/api/account/sync")).AssertError(401, "not_authenticated");
    }

    [Fact]
    public async Task A_given_port_is_used()
    {
        var port = FreePort.Next();
        await using var ephemeral = await EphemeralProcess.StartAsync("--port", port.ToString());
        Assert.Equal(port, ephemeral.Url.Port);
    }

    /// <summary>The PostgreSQL server processes whose command line names <paramref name="folder"/>.</summary>
    private static List<int> PostgresProcessesUsing(string folder) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => (Pid: int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0, Dir: d))
            .Where(p => p.Pid > 0)
            .Where(p =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(p.Dir, "cmdline")).Replace('\0', ' ').Contains(folder, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
                catch (UnauthorizedAccessException)
                {
                    return false;
                }
            })
            .Select(p => p.Pid)
            .ToList();
}
