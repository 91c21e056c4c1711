using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using FleepServer.Hosting;
using FleepServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FleepServer.Tests.Operations;

/// <summary>
/// A server of its own on a private PostgreSQL cluster (the cluster other classes share keeps
/// running) whose cluster is stopped for about ten seconds under load: members sending in a loop and
/// fifty parked polls. Half the pollers watch the busy conversation; the other half watch a quiet
/// one, so their polls are certainly still parked while the database is down. While it is down
/// every call that needs the database is a 503 <c>service_unavailable</c> with <c>Retry-After</c>,
/// never a 500 and never a hang; a poll that was parked when it went is answered 200 (the quiet
/// ones at the poll wait, with their own horizon and an empty stream); within five seconds of the
/// cluster's return sends succeed again; every acknowledged send is in its conversation exactly
/// once; and every poller, polling on from its own horizon, receives every acknowledged message of
/// its conversation (docs/operations.md, "Database outages").
/// </summary>
[Collection(typeof(RunsAlone))]
public sealed class DatabaseOutageTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const int Senders = 8, Watchers = 10, SessionsEach = 5, Pollers = Watchers * SessionsEach;
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(5);

    /// <summary>Bounds on waiting for signals: they only fail a hung run.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sends_and_polls_ride_out_a_stopped_database()
    {
        await using var databases = await ThrowawayDatabases.OnPrivateClusterAsync();
        var server = new OutageServerFixture(postgres, databases, PollWait);
        await server.InitializeAsync();
        var clients = new List<FleepTestClient>();
        try
        {
            await RunAsync(server, databases, clients);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
            await server.DisposeAsync();
        }
    }

    private async Task RunAsync(OutageServerFixture server, ThrowawayDatabases databases, List<FleepTestClient> clients)
    {
        const string password = "correct horse";
        var senders = await Task.WhenAll(Enumerable.Range(0, Senders).Select(i => server.NewAccountAsync($"sender{i}", password)));
        var watchers = await Task.WhenAll(Enumerable.Range(0, Watchers).Select(i => server.NewAccountAsync($"watcher{i}", password)));
        clients.AddRange(senders);
        clients.AddRange(watchers);
        var busy = await senders[0].CreateConversationAsync("outage", [.. senders[1..], .. watchers[..(Watchers / 2)]]);
        var quiet = await senders[0].CreateConversationAsync("quiet", watchers[(Watchers / 2)..]);

        // Fifty sessions poll: each watcher's first session and more of its own.
        var pollers = new List<Poller>();
        foreach (var (watcher, index) in watchers.Select((w, i) => (w, i)))
        {
            for (var s = 0; s < SessionsEach; s++)
            {
                var client = watcher;
                if (s > 0)
                {
                    client = server.NewClient();
                    clients.Add(client);
                    await client.LoginAsync(watcher.Email, password);
                }

                pollers.Add(new Poller(client, index < Watchers / 2 ? busy : quiet, await client.HorizonAsync()));
            }
        }

        var probe = server.NewClient();
        clients.Add(probe);
        await probe.LoginAsync(senders[0].Email, password);

        var calls = new ConcurrentQueue<Call>();
        var acknowledged = new ConcurrentDictionary<string, (Guid Conv, long Nr)>();
        var clock = Stopwatch.StartNew();

        async Task<FleepResponse> Timed(string kind, Guid conv, Func<Task<FleepResponse>> call, long horizon = 0)
        {
            var started = clock.Elapsed;
            var response = await call();
            calls.Enqueue(new Call(kind, conv, response, started, clock.Elapsed, horizon));
            return response;
        }

        async Task<bool> SendOnceAsync(FleepTestClient client, Guid conv, string text)
        {
            var response = await Timed("send", conv, () => client.SendAsync(conv, text));
            if (response.Status == HttpStatusCode.OK)
            {
                Assert.True(acknowledged.TryAdd(text, (conv, response.Json.Long("result_message_nr"))));
                return true;
            }

            return false;
        }

        // Senders pass this gate before every send; closing it lets the polls settle into parking.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        using var sendersStop = new CancellationTokenSource();
        var sentOk = new int[Senders];
        var sending = senders.Select((client, index) => Task.Run(async () =>
        {
            for (var i = 0; !sendersStop.IsCancellationRequested; i++)
            {
                await Volatile.Read(ref gate).Task;
                if (await SendOnceAsync(client, busy, $"sender{index} message {i}"))
                {
                    Interlocked.Increment(ref sentOk[index]);
                    await Task.Delay(100);
                }
                else
                {
                    // A real client waits Retry-After; a shorter pause keeps the load on.
                    await Task.Delay(200);
                }
            }
        })).ToArray();

        // Pollers poll on from their horizon until they hold every acknowledged message of the run.
        var target = new TaskCompletionSource<ILookup<Guid, long>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var pollersStop = new CancellationTokenSource(Bound * 4);
        var polling = pollers.Select(poller => Task.Run(async () =>
        {
            while (!(target.Task.IsCompleted && poller.Seen.IsSupersetOf(target.Task.Result[poller.Conv])))
            {
                Assert.False(pollersStop.IsCancellationRequested, "a poller never received every acknowledged message");
                var response = await Timed("poll", poller.Conv, () =>
                    poller.Client.PostAsync("/api/account/poll", new { event_horizon = poller.Horizon, wait = true }), poller.Horizon);
                if (response.Status != HttpStatusCode.OK)
                {
                    await Task.Delay(200);
                    continue;
                }

                foreach (var record in response.Messages().Where(r => r.GetProperty("conversation_id").GetGuid() == poller.Conv))
                {
                    poller.Seen.Add(record.Long("message_nr"));
                }

                poller.Horizon = response.Horizon();
            }
        })).ToArray();

        // Load before the outage: every sender has had sends acknowledged.
        await WaitUntilAsync(() => sentOk.All(n => n >= 3), "every sender had three sends acknowledged");

        // Hold the senders a moment so all fifty polls are parked when the database goes.
        Volatile.Write(ref gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await server.WaitForParkedAsync(Pollers);
        var parkedAtStop = server.Services.GetRequiredService<FleepServer.Streams.StreamWaiters>().Count;
        Volatile.Read(ref gate).SetResult();

        var stopIssued = clock.Elapsed;
        await databases.StopClusterAsync();
        var stopTook = clock.Elapsed - stopIssued;
        await Task.Delay(Outage); // the outage itself
        await databases.StartClusterAsync();
        var back = Stopwatch.StartNew();

        // Recovery: a send made after the cluster is back succeeds within the bound.
        var probes = 0;
        while (!await SendOnceAsync(probe, busy, $"probe {probes++}"))
        {
            Assert.True(back.Elapsed < Recovery + Bound, "sends never succeeded again");
            await Task.Delay(50);
        }

        var recovered = back.Elapsed;
        Assert.True(await SendOnceAsync(probe, quiet, "the quiet conversation after the outage"), "a send after recovery failed");

        // Load after the outage, then the senders stop and one last message marks the end.
        var okAfter = sentOk.ToArray();
        await WaitUntilAsync(() => sentOk.Select((n, i) => n - okAfter[i]).All(n => n >= 3), "every sender had sends acknowledged after the outage");
        await sendersStop.CancelAsync();
        await Task.WhenAll(sending);
        Assert.True(await SendOnceAsync(probe, busy, "the end"), "the last send failed");
        target.SetResult(acknowledged.Values.ToLookup(a => a.Conv, a => a.Nr));
        await Task.WhenAll(polling);

        // The polls that were parked when the cluster was stopped; nothing could wake the quiet ones.
        var parkedPolls = calls.Where(c => c.Kind == "poll" && c.Started < stopIssued && c.Ended > stopIssued).ToList();
        var quietParked = parkedPolls.Where(c => c.Conv == quiet).ToList();

        var all = calls.ToList();
        var unavailable = all.Where(c => c.Response.StatusCode == 503).ToList();
        var summary = $"{all.Count} calls ({all.Count(c => c.Kind == "send")} sends, {all.Count(c => c.Kind == "poll")} polls): " +
            $"{all.Select(c => c.Response).Tally()}; 503s: {unavailable.Count(c => c.Kind == "send")} sends, " +
            $"{unavailable.Count(c => c.Kind == "poll")} polls; longest call {all.Max(c => c.Took).TotalSeconds:0.00} s; " +
            $"parked at stop {parkedAtStop}, answered {parkedPolls.Select(c => c.Response).Tally()} (quiet: {quietParked.Select(c => c.Response).Tally()}, " +
            $"{quietParked.Count(c => c.Response.StatusCode == 200 && c.Response.Stream().Count == 0)} empty, shortest " +
            $"{(quietParked.Count > 0 ? quietParked.Min(c => c.Took).TotalSeconds : 0):0.00} s); pg_ctl stop {stopTook.TotalSeconds:0.00} s; recovered {recovered.TotalSeconds:0.00} s after start " +
            $"({probes} probe sends); acknowledged {acknowledged.Count}";
        output.WriteLine(summary);

        // While down: 503 with Retry-After and Fleep's error body; nothing else at 500 or above.
        Assert.NotEmpty(unavailable);
        foreach (var call in unavailable)
        {
            call.Response.AssertError(503, "service_unavailable");
            Assert.True(call.Response.Raw.Headers.RetryAfter?.Delta is { } retry && retry > TimeSpan.Zero, "503 without Retry-After");
        }

        server.AssertNoServerErrors(all.Where(c => c.Response.StatusCode != 503).Select(c => c.Response).ToList());
        Assert.All(all, c => Assert.True(c.Response.StatusCode is 200 or 503, $"{c.Kind}: {c.Response.StatusCode} {c.Response.Json}"));
        Assert.True(all.Max(c => c.Took) < PollWait + TimeSpan.FromSeconds(5), summary);
        Assert.True(recovered <= Recovery, summary);

        // A poll that was merely waiting is never an error: each quiet one parked when the database
        // went (nothing could wake it) was answered 200 at the poll wait, while the database was
        // still down, with its own horizon and an empty stream.
        Assert.True(quietParked.Count == Pollers / 2, summary);
        Assert.All(quietParked, c =>
        {
            Assert.Equal(200, c.Response.StatusCode);
            Assert.Empty(c.Response.Stream());
            Assert.Equal(c.Horizon, c.Response.Horizon());
            Assert.True(c.Took >= PollWait - TimeSpan.FromSeconds(1), summary);
            Assert.True(c.Ended < stopIssued + stopTook + Outage, summary);
        });

        // Every acknowledged send is in its conversation exactly once.
        foreach (var conv in new[] { busy, quiet })
        {
            var stored = await SyncMessagesAsync(senders[0], conv);
            foreach (var (text, sent) in acknowledged.Where(a => a.Value.Conv == conv))
            {
                Assert.Equal(sent.Nr, Assert.Single(stored, m => m.Text == $"<msg><p>{text}</p></msg>").Nr);
            }
        }

        // Every poller received every acknowledged message of its conversation, those committed after the outage included.
        var expected = acknowledged.Values.ToLookup(a => a.Conv, a => a.Nr);
        Assert.All(pollers, p => Assert.Empty(expected[p.Conv].Except(p.Seen)));
    }

    /// <summary>The conversation's messages, read with forward syncs from the first.</summary>
    private static async Task<List<(long Nr, string Text)>> SyncMessagesAsync(FleepTestClient client, Guid conv)
    {
        var messages = new List<(long Nr, string Text)>();
        long from = 1;
        for (var calls = 0; calls < 1000; calls++)
        {
            var batch = (await client.ConvAsync("sync", conv, new { from_message_nr = from, mk_direction = "forward" })).EnsureOk();
            messages.AddRange(batch.Messages().Select(m => (m.Long("message_nr"), m.Str("message"))));
            var next = batch.Header().Long("fw_message_nr");
            if (next == batch.Header().Long("last_message_nr"))
            {
                return messages;
            }

            Assert.True(next > from);
            from = next;
        }

        throw new InvalidOperationException("the conversation never reached its end");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < Bound, $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }

    private sealed record Call(string Kind, Guid Conv, FleepResponse Response, TimeSpan Started, TimeSpan Ended, long Horizon)
    {
        public TimeSpan Took => Ended - Started;
    }

    private sealed class Poller(FleepTestClient client, Guid conv, long horizon)
    {
        public FleepTestClient Client { get; } = client;
        public Guid Conv { get; } = conv;
        public long Horizon { get; set; } = horizon;
        public HashSet<long> Seen { get; } = [];
    }
}

/// <summary>
/// A server on a database of the test's private cluster, with real time (parked polls end after
/// <c>Fleep:Poll:Wait</c>) and a short poll wait.
/// </summary>
public sealed class OutageServerFixture(PostgresServer postgres, ThrowawayDatabases databases, TimeSpan pollWait)
    : FleepServerFixture(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Poll:Wait"] = pollWait.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    protected override Task<string> CreateDatabaseAsync() => databases.CreateAsync();

    protected override void Customize(WebApplicationBuilder builder) =>
        builder.Services.Replace(ServiceDescriptor.Singleton(TimeProvider.System));
}
