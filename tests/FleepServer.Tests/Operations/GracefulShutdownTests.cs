using System.Diagnostics;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Operations;

/// <summary>
/// A server that is told to stop (SIGTERM, Ctrl+C) answers its parked polls at once with their own
/// horizon, lets the writes in flight finish, and goes; after its restart the clients carry on
/// from their horizons with the same sessions, missing nothing and receiving nothing twice.
/// </summary>
[Collection(typeof(RunsAlone))]
public sealed class GracefulShutdownTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int ParkedPolls = 20;
    private const int Senders = 8;

    [Fact]
    public async Task Stopping_answers_parked_polls_at_once_and_every_acknowledged_send_stays()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        var conversationId = await alice.CreateConversationAsync("shutdown", bob);
        var horizon = await bob.HorizonAsync();

        var peer = await server.StartPeerAsync();
        using var bobOnPeer = new FleepTestClient(peer.BaseAddress) { Token = bob.Token, Ticket = bob.Ticket };
        using var aliceOnPeer = new FleepTestClient(peer.BaseAddress) { Token = alice.Token, Ticket = alice.Ticket };
        var polls = Enumerable.Range(0, ParkedPolls)
            .Select(_ => bobOnPeer.PostAsync("/api/account/poll", new { event_horizon = horizon }))
            .ToList();
        await StreamAssertions.WaitForParkedAsync(peer.Services, ParkedPolls);

        // Sends under way while the stop begins: each either finishes (and then stays) or never starts.
        var sends = Enumerable.Range(0, Senders).Select(i => TrySendAsync(aliceOnPeer, conversationId, $"in flight {i}")).ToList();
        var clock = Stopwatch.StartNew();
        var stopping = server.StopPeerAsync(peer.Services);
        var answers = await Task.WhenAll(polls);
        var answeredWithin = clock.Elapsed;
        await stopping;
        var sent = await Task.WhenAll(sends);

        Assert.Equal(ParkedPolls, answers.Length);
        Assert.True(answeredWithin < TimeSpan.FromSeconds(1), $"parked polls were answered after {answeredWithin.TotalMilliseconds:0} ms");
        foreach (var answer in answers)
        {
            answer.EnsureOk();
            // Either the stop's own answer (same horizon, nothing) or, if a send landed first, its records.
            Assert.True(answer.Horizon() >= horizon);
        }

        // The process comes back (a restart on the same database): the same sessions work there, and
        // polling on from the old horizon brings every acknowledged send once, and nothing twice.
        var restarted = await server.StartPeerAsync();
        using var bobAfter = new FleepTestClient(restarted.BaseAddress) { Token = bob.Token, Ticket = bob.Ticket };
        using var aliceAfter = new FleepTestClient(restarted.BaseAddress) { Token = alice.Token, Ticket = alice.Ticket };
        (await aliceAfter.SendAsync(conversationId, "after the restart")).EnsureOk();
        var acknowledged = sent.Where(s => s.Acknowledged).Select(s => s.Text).Append("after the restart").ToList();
        Assert.Equal(Senders, sent.Length);

        List<string> history;
        await using (var db = server.OpenDb())
        {
            history = await db.Messages.Where(m => m.ConversationId == conversationId).Select(m => m.Body).ToListAsync();
        }

        var polled = new List<string>();
        var from = answers.Max(a => a.Horizon());
        polled.AddRange(answers.SelectMany(a => a.Stream()).Where(r => r.Str("mk_rec_type") == "message").Select(r => r.Str("message")).Distinct());
        while (true)
        {
            var next = (await bobAfter.PostAsync("/api/account/poll", new { event_horizon = from, wait = false })).EnsureOk();
            if (next.Horizon() == from)
            {
                break;
            }

            polled.AddRange(next.Stream().Where(r => r.Str("mk_rec_type") == "message").Select(r => r.Str("message")));
            from = next.Horizon();
        }

        foreach (var text in acknowledged)
        {
            Assert.True(history.Count(m => m.Contains(text, StringComparison.Ordinal)) == 1, $"'{text}' once in the database: {string.Join(" | ", history)}");
            Assert.True(polled.Count(m => m.Contains(text, StringComparison.Ordinal)) == 1, $"'{text}' once in the polls: {string.Join(" | ", polled)}");
        }
    }

    private static async Task<(string Text, bool Acknowledged)> TrySendAsync(FleepTestClient client, Guid conversationId, string text)
    {
        try
        {
            var response = await client.SendAsync(conversationId, text);
            return (text, response.StatusCode == 200);
        }
        catch (HttpRequestException)
        {
            // The stopping server refused the connection: not acknowledged, so nothing is owed.
            return (text, false);
        }
    }
}
