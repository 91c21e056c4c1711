using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Hooks;

/// <summary>
/// A server that delivers outgoing webhooks to the test's own receiver on 127.0.0.1, with short
/// real delays: retries after 50, 100, 200 ms (each jittered down to half), four failures switch a
/// hook off, a call is abandoned after 500 ms, and the queue is swept every 200 ms.
/// </summary>
public class OutgoingHooksFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Hooks:Outgoing:AllowPrivateAddresses"] = "true",
        ["Fleep:Hooks:Outgoing:BaseDelay"] = "00:00:00.050",
        ["Fleep:Hooks:Outgoing:MaxDelay"] = "00:00:01",
        ["Fleep:Hooks:Outgoing:MaxAttempts"] = "4",
        ["Fleep:Hooks:Outgoing:Timeout"] = "00:00:00.500",
        ["Fleep:Hooks:Outgoing:SweepInterval"] = "00:00:00.200",
    };
}

/// <summary>The same, with this server's sender off: only peers started by the test deliver.</summary>
public sealed class PeersDeliverFixture(PostgresServer postgres) : OutgoingHooksFixture(postgres)
{
    public static readonly IReadOnlyDictionary<string, string?> Delivering = new Dictionary<string, string?>
    {
        ["Fleep:Hooks:Outgoing:Enabled"] = "true",
    };

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Hooks:Outgoing:Enabled"] = "false",
    };
}

/// <summary>The production address rule: no loopback or private addresses.</summary>
public sealed class PublicAddressesOnlyFixture(PostgresServer postgres) : OutgoingHooksFixture(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Hooks:Outgoing:AllowPrivateAddresses"] = "false",
    };
}

public static class OutgoingHookSteps
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>Creates a plain hook delivering to <paramref name="url"/>; answers its hook_info as the owner got it.</summary>
    public static async Task<JsonElement> CreateOutgoingHookAsync(this FleepTestClient owner, Guid conversationId, string name, string url) =>
        (await owner.ConvAsync("create_hook", conversationId, new { hook_name = name, outgoing_url = url })).EnsureOk().Json.GetProperty("hook_info").Clone();

    /// <summary>
    /// Waits until the conversation has nothing queued: a delivery's row is deleted when the
    /// receiver's answer is back, a moment after the receiver recorded the call. Fails after <see cref="Bound"/>.
    /// </summary>
    public static async Task WaitForEmptyQueueAsync(this FleepServer.Data.FleepDbContext db, Guid conversationId)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (await db.HookDeliveries.AnyAsync(d => d.ConversationId == conversationId, bound.Token))
        {
            await Task.Delay(20, bound.Token);
        }
    }

    /// <summary>Polls (parking while there is nothing) until a record matches; fails after <see cref="Bound"/>.</summary>
    public static async Task<(JsonElement Record, long Horizon)> PollUntilAsync(this FleepTestClient client, long horizon, Func<JsonElement, bool> match)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (true)
        {
            FleepResponse response;
            try
            {
                response = (await client.PostAsync("/api/account/poll", new { event_horizon = horizon }, ct: timeout.Token)).EnsureOk();
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"No matching record reached the stream within {Bound}");
                throw;
            }

            horizon = response.Horizon();
            foreach (var record in response.Stream().Where(match))
            {
                return (record, horizon);
            }
        }
    }

    /// <summary>
    /// The message numbers a hook received, in arrival order; checks that the sequence never goes
    /// back (a repeat of the latest is an at-least-once duplicate) and, de-duplicated, is exactly
    /// <paramref name="first"/>..<paramref name="last"/>. Answers the number of duplicates.
    /// </summary>
    public static int AssertInOrderWithoutGaps(IReadOnlyList<Received> requests, string hook, long first, long last)
    {
        var nrs = requests.Where(r => r.Name == hook).Select(r => r.MessageNr).ToList();
        for (var i = 1; i < nrs.Count; i++)
        {
            Assert.True(nrs[i] >= nrs[i - 1], $"{hook}: {nrs[i]} arrived after {nrs[i - 1]}");
        }

        var distinct = nrs.Distinct().ToList();
        Assert.Equal(Range(first, last), distinct);
        return nrs.Count - distinct.Count;
    }

    /// <summary>
    /// Sends <paramref name="count"/> messages from <paramref name="senders"/> clients at once, each
    /// sending its share one after the other (call i is made by sender i % senders); all must succeed.
    /// </summary>
    public static async Task SendConcurrentlyAsync(int count, Func<int, Task<FleepResponse>> send, int senders)
    {
        await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(async () =>
        {
            for (var i = s; i < count; i += senders)
            {
                (await send(i)).EnsureOk();
            }
        })));
    }

    public static List<long> Range(long first, long last) => Enumerable.Range(0, (int)(last - first + 1)).Select(i => first + i).ToList();

    /// <summary>True once every hook has received every number up to its last.</summary>
    public static bool AllReceived(IReadOnlyList<Received> requests, IReadOnlyDictionary<string, long> lastByHook) =>
        lastByHook.All(h => requests.Any(r => r.Name == h.Key && r.MessageNr == h.Value));

    public static async Task<long> LastMessageNrAsync(this FleepTestClient client, Guid conversationId) =>
        (await client.HeaderAsync(conversationId)).Long("last_message_nr");
}
