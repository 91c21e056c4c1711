using FleepServer.Tests.Infrastructure;
using static FleepServer.Tests.Hooks.OutgoingHookSteps;

namespace FleepServer.Tests.Hooks;

/// <summary>
/// At-least-once across a crash: the process that delivers is killed mid-way and another one
/// takes over from the database; nothing is lost and nothing arrives out of order.
/// </summary>
public sealed class OutgoingRestartTests(PeersDeliverFixture server) : IClassFixture<PeersDeliverFixture>
{
    [Fact]
    public async Task A_sender_killed_mid_way_loses_nothing_and_repeats_at_most_the_items_in_flight()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var alice = await server.NewAccountAsync("Alice");
        var names = new[] { "r1", "r2", "r3" };
        var conversations = new List<Guid>();
        foreach (var name in names)
        {
            // A slow receiver, so the kill finds deliveries still queued.
            receiver.Answer(name, 200, TimeSpan.FromMilliseconds(10));
            var conv = await alice.CreateConversationAsync($"restart {name}");
            await alice.CreateOutgoingHookAsync(conv, name, receiver.Url(name));
            conversations.Add(conv);
        }

        // Queued while no process delivers (this server's sender is off), so the kill surely comes mid-way.
        await SendConcurrentlyAsync(150, i => alice.SendAsync(conversations[i % 3], $"message {i}"), 3);
        var lastByHook = new Dictionary<string, long>();
        for (var i = 0; i < 3; i++)
        {
            lastByHook[names[i]] = await alice.LastMessageNrAsync(conversations[i]);
        }

        var first = await server.StartPeerAsync(PeersDeliverFixture.Delivering);
        await receiver.WaitForAsync(r => r.Count >= 40, Bound, "the first deliveries");
        await server.KillPeerAsync(first.Services);
        var beforeRestart = receiver.Requests.Count;
        Assert.True(beforeRestart < 3 * 51, $"all {beforeRestart} deliveries were made before the kill");

        await server.StartPeerAsync(PeersDeliverFixture.Delivering);
        var requests = await receiver.WaitForAsync(r => AllReceived(r, lastByHook), Bound, "every message at every hook after the restart");
        var duplicates = names.Sum(name => AssertInOrderWithoutGaps(requests, name, 2, lastByHook[name]));
        // Only an item in flight at the kill can arrive twice: at most one per hook.
        Assert.True(duplicates <= names.Length, $"{duplicates} duplicates");
    }
}
