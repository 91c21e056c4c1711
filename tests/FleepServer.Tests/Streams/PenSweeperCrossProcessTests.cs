using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Streams;

/// <summary>
/// Two server processes on one database both sweep writing pens (docs/contacts.md: expired pens are
/// ended with FOR UPDATE SKIP LOCKED, so two processes never end one pen twice). Pens are set through
/// both processes, so both sweepers are due at the same moment of the shared fake clock; each pen
/// that runs out reaches the other member as exactly one <c>is_writing: false</c>.
/// </summary>
public sealed class PenSweeperCrossProcessTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int Conversations = 24;

    [Fact]
    public async Task Each_pen_that_runs_out_is_ended_once_though_both_processes_sweep()
    {
        var peer = await server.StartPeerAsync();
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        using var aliceOnPeer = new FleepTestClient(peer.BaseAddress);
        await aliceOnPeer.LoginAsync(alice.Email, "correct horse");
        var conversations = new List<Guid>();
        for (var i = 0; i < Conversations; i++)
        {
            conversations.Add(await alice.CreateConversationAsync($"pens {i}", bob));
        }

        var horizon = await bob.HorizonAsync();
        // Half the pens are set through each process: each process's schedule expects its own.
        for (var i = 0; i < Conversations; i++)
        {
            var through = i % 2 == 0 ? alice : aliceOnPeer;
            (await through.ConvAsync("show_activity", conversations[i], new { is_writing = true })).EnsureOk();
        }

        // Past the pens' 30 s and the one-minute full sweep: both processes sweep on their next tick.
        server.Clock.Advance(TimeSpan.FromSeconds(61));

        var first = await WaitForActivityAsync(bob, horizon, 2 * Conversations);
        AssertOnePenAndOneEndEach(first, conversations, alice.AccountId);

        // Nothing more: a second round of pens, also through both processes, is ended after the
        // first; once bob has its ends, any repeated end of the first round would be there too.
        for (var i = 0; i < Conversations; i++)
        {
            var through = i % 2 == 0 ? aliceOnPeer : alice;
            (await through.ConvAsync("show_activity", conversations[i], new { is_writing = true })).EnsureOk();
        }

        server.Clock.Advance(TimeSpan.FromSeconds(61));
        var both = await WaitForActivityAsync(bob, horizon, 4 * Conversations);
        AssertOnePenAndOneEndEach(both.Take(2 * Conversations).ToList(), conversations, alice.AccountId);
        AssertOnePenAndOneEndEach(both.Skip(2 * Conversations).ToList(), conversations, alice.AccountId);
    }

    /// <summary>Per conversation: alice's pen, then exactly one end of it.</summary>
    private static void AssertOnePenAndOneEndEach(List<JsonElement> activity, List<Guid> conversations, Guid alice)
    {
        Assert.Equal(2 * conversations.Count, activity.Count);
        Assert.All(activity, a => Assert.Equal(alice, a.GetProperty("account_id").GetGuid()));
        foreach (var conversation in conversations)
        {
            var mine = activity.Where(a => a.GetProperty("conversation_id").GetGuid() == conversation).Select(a => a.Bool("is_writing")).ToList();
            Assert.Equal([true, false], mine);
        }
    }

    private static async Task<List<JsonElement>> ActivitySinceAsync(FleepTestClient client, long horizon) =>
        (await client.PollToEndAsync(horizon)).Where(r => r.Str("mk_rec_type") == "activity").ToList();

    /// <summary>Polls until the account has at least this many activity records; the bound only fails a hung run.</summary>
    private static async Task<List<JsonElement>> WaitForActivityAsync(FleepTestClient client, long horizon, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var seen = await ActivitySinceAsync(client, horizon);
            if (seen.Count >= count)
            {
                return seen;
            }

            Assert.True(DateTime.UtcNow < deadline, $"expected {count} activity records, have {seen.Count}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
