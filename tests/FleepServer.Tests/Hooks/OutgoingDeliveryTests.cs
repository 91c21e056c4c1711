using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static FleepServer.Tests.Hooks.OutgoingHookSteps;

namespace FleepServer.Tests.Hooks;

/// <summary>
/// Outgoing webhooks against a real receiver (docs/hooks.md, "Outgoing deliveries"): the payload,
/// order per hook, no echo, retries with backoff, switching off, timeouts, and two sending processes.
/// </summary>
public sealed class OutgoingDeliveryTests(OutgoingHooksFixture server) : IClassFixture<OutgoingHooksFixture>, IAsyncLifetime
{
    private WebhookReceiver receiver = null!;

    public async ValueTask InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task Two_hundred_messages_from_concurrent_senders_reach_three_hooks_in_order_with_the_section_9_payload()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        using var carol = await server.NewAccountAsync("Carol");
        var conv = await alice.CreateConversationAsync("deliveries", bob, carol);
        var hooks = new[] { ("h1", alice), ("h2", bob), ("h3", alice) }
            .Select(h => (Name: h.Item1, Owner: h.Item2, Info: default(JsonElement))).ToList();
        for (var i = 0; i < hooks.Count; i++)
        {
            hooks[i] = hooks[i] with { Info = await hooks[i].Owner.CreateOutgoingHookAsync(conv, hooks[i].Name, receiver.Url(hooks[i].Name)) };
        }

        var senders = new[] { alice, bob, carol };
        await SendConcurrentlyAsync(200, i => senders[i % 3].SendAsync(conv, $"message {i}"), senders.Length);
        var last = await alice.LastMessageNrAsync(conv);

        var requests = await receiver.WaitForAsync(r => AllReceived(r, hooks.ToDictionary(h => h.Name, _ => last)), Bound, "every message at every hook");
        foreach (var hook in hooks)
        {
            // Each hook gets everything from its own creation message on: the hook messages of the
            // hooks created after it, then the 200 texts.
            var own = requests.First(r => r.Name == hook.Name);
            Assert.Equal("hook", own.Message.Str("mk_message_type"));
            Assert.Contains(hook.Info.Str("hook_key"), own.Message.Str("message"));
            Assert.Equal(0, AssertInOrderWithoutGaps(requests, hook.Name, own.MessageNr, last));
        }

        // The payload, for a text by Bob as hook h1 (Alice's) received it.
        var sample = requests.First(r => r.Name == "h1" && r.Message.Str("mk_message_type") == "text"
                                         && r.Message.GetProperty("account_id").GetGuid() == bob.AccountId);
        var body = sample.Body;
        Assert.StartsWith("application/json", sample.ContentType);
        Assert.Equal(hooks[0].Info.Str("hook_url"), body.Str("reply_url"));
        var message = Assert.Single(body.GetProperty("messages").EnumerateArray());
        Assert.Equal("message", message.Str("mk_rec_type"));
        Assert.Equal(conv, message.GetProperty("conversation_id").GetGuid());
        Assert.Equal(alice.AccountId, message.GetProperty("profile_id").GetGuid());
        Assert.StartsWith("<msg><p>message ", message.Str("message"));
        Assert.False(message.Has("revision_message_nr"));
        Assert.False(message.Has("hook_key"));
        var contact = Assert.Single(body.GetProperty("contacts").EnumerateArray());
        Assert.Equal("contact", contact.Str("mk_rec_type"));
        Assert.Equal(bob.AccountId, contact.GetProperty("account_id").GetGuid());
        Assert.Equal("Bob", contact.Str("display_name"));
        Assert.False(contact.Has("client_settings"));
        var conversation = Assert.Single(body.GetProperty("conversations").EnumerateArray());
        Assert.Equal("conv", conversation.Str("mk_rec_type"));
        Assert.Equal(conv, conversation.GetProperty("conversation_id").GetGuid());
        Assert.Equal(alice.AccountId, conversation.GetProperty("profile_id").GetGuid());
        var hookInfo = Assert.Single(body.GetProperty("hooks").EnumerateArray());
        Assert.Equal("hook", hookInfo.Str("mk_rec_type"));
        Assert.Equal(hooks[0].Info.Str("hook_key"), hookInfo.Str("hook_key"));
        Assert.Equal(JsonValueKind.Null, hookInfo.GetProperty("hook_url").ValueKind);

        // Everything delivered leaves the queue; the failure counts stayed at zero.
        await using var db = server.OpenDb();
        await db.WaitForEmptyQueueAsync(conv);
        Assert.All(await db.Hooks.Where(h => h.ConversationId == conv).ToListAsync(), h => Assert.Equal(0, h.OutgoingFailures));
    }

    [Fact]
    public async Task A_message_posted_through_a_hook_goes_to_the_other_hooks_but_not_back_to_its_own()
    {
        using var alice = await server.NewAccountAsync("Alice");
        var conv = await alice.CreateConversationAsync("echo");
        var bot = await alice.CreateOutgoingHookAsync(conv, "bot", receiver.Url("bot"));
        var watcher = await alice.CreateOutgoingHookAsync(conv, "watcher", receiver.Url("watcher"));
        using var anonymous = server.NewClient();
        (await anonymous.PostRawAsync(bot.Str("hook_url"), """{"message": "reply from the bot", "user": "Bot"}""")).EnsureOk();
        (await alice.SendAsync(conv, "after the bot")).EnsureOk();
        var last = await alice.LastMessageNrAsync(conv);

        var requests = await receiver.WaitForAsync(r => AllReceived(r, new Dictionary<string, long> { ["bot"] = last, ["watcher"] = last }),
            Bound, "the last message at both hooks");
        var botNrs = requests.Where(r => r.Name == "bot").Select(r => r.MessageNr).ToList();
        Assert.Equal(last - 1, requests.Single(r => r.Name == "watcher" && r.Message.Str("message").Contains("reply from the bot")).MessageNr);
        Assert.DoesNotContain(last - 1, botNrs);
        Assert.Contains(last, botNrs);

        // The watcher learns which hook the message came through: its own hook first, then that one.
        var viaBot = requests.Single(r => r.Name == "watcher" && r.MessageNr == last - 1).Body;
        Assert.Equal(bot.Str("hook_key"), viaBot.GetProperty("messages")[0].Str("hook_key"));
        Assert.Equal("Bot", viaBot.GetProperty("messages")[0].Str("sender_name"));
        Assert.Equal([watcher.Str("hook_key"), bot.Str("hook_key")],
            viaBot.GetProperty("hooks").EnumerateArray().Select(h => h.Str("hook_key")).ToArray());
        Assert.All(viaBot.GetProperty("hooks").EnumerateArray(), h =>
        {
            Assert.Equal(JsonValueKind.Null, h.GetProperty("hook_url").ValueKind);
            Assert.False(h.Has("outgoing_url"));
        });
    }

    [Fact]
    public async Task A_dropped_hook_gets_none_of_its_queued_items()
    {
        using var alice = await server.NewAccountAsync("Alice");
        var conv = await alice.CreateConversationAsync("dropped");
        receiver.Hang("dropped");
        var hook = await alice.CreateOutgoingHookAsync(conv, "dropped", receiver.Url("dropped"));
        await receiver.WaitForAsync(r => r.Any(x => x.Name == "dropped"), Bound, "the first call");
        for (var i = 0; i < 3; i++)
        {
            (await alice.SendAsync(conv, $"queued {i}")).EnsureOk();
        }

        // Dropped while its first item is on its way (and its receiver silent).
        (await alice.ConvAsync("drop_hook", conv, new { hook_key = hook.Str("hook_key") })).EnsureOk();
        await using var db = server.OpenDb();
        await db.WaitForEmptyQueueAsync(conv);

        Assert.Single(receiver.RequestsTo("dropped"));
        Assert.False(await db.Conversations.Where(c => c.Id == conv).Select(c => c.HasOutgoingHooks).SingleAsync());
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_with_growing_delays_then_the_hook_is_switched_off_in_every_members_stream()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        var conv = await alice.CreateConversationAsync("failing", bob);
        receiver.Answer("failing", 500);
        var hook = await alice.CreateOutgoingHookAsync(conv, "failing", receiver.Url("failing"));
        var aliceHorizon = await alice.HorizonAsync();
        var bobHorizon = await bob.HorizonAsync();

        // The hook's creation message is its first item: tried four times (MaxAttempts), no more.
        var attempts = (await receiver.WaitForAsync(r => r.Count(x => x.Name == "failing") >= 4, Bound, "four attempts"))
            .Where(r => r.Name == "failing").Take(4).ToList();
        Assert.All(attempts, a => Assert.Equal(attempts[0].MessageNr, a.MessageNr));
        var gaps = attempts.Zip(attempts.Skip(1), (a, b) => (b.At - a.At).TotalMilliseconds).ToList();
        // Waits of at least 25, 50 and 100 ms (the jittered halves of 50, 100, 200 ms): the retry
        // is never made before its time, so each gap is at least twice the least of the first.
        var shown = string.Join(", ", gaps.Select(x => x.ToString("F0")));
        for (var i = 0; i < gaps.Count; i++)
        {
            var least = 25 * (1 << i);
            Assert.True(gaps[i] >= least - 2, $"retry {i + 1} came after {gaps[i]:F0} ms, before its {least} ms (gaps: {shown})");
        }

        var (mine, _) = await alice.PollUntilAsync(aliceHorizon, r => r.Str("mk_rec_type") == "hook" && r.Str("hook_key") == hook.Str("hook_key"));
        Assert.True(mine.Bool("outgoing_disabled"));
        Assert.Equal("Delivery failed 4 times: HTTP 500", mine.Str("outgoing_disable_reason"));
        Assert.Equal(hook.Str("hook_url"), mine.Str("hook_url"));
        Assert.True(mine.Bool("is_active"));
        var (theirs, _) = await bob.PollUntilAsync(bobHorizon, r => r.Str("mk_rec_type") == "hook" && r.Str("hook_key") == hook.Str("hook_key"));
        // Every member learns the integration stopped and why; the URL stays the owner's.
        Assert.True(theirs.Bool("outgoing_disabled"));
        Assert.Equal("Delivery failed 4 times: HTTP 500", theirs.Str("outgoing_disable_reason"));
        Assert.False(theirs.Has("outgoing_url"));
        Assert.Equal(JsonValueKind.Null, theirs.GetProperty("hook_url").ValueKind);

        await using (var db = server.OpenDb())
        {
            Assert.False(await db.HookDeliveries.AnyAsync(d => d.ConversationId == conv));
            Assert.False(await db.Conversations.Where(c => c.Id == conv).Select(c => c.HasOutgoingHooks).SingleAsync());
        }

        // Switched on again by its owner: a fresh start, and new messages are delivered.
        receiver.Answer("failing", 200);
        (await alice.ConvAsync("configure_hook", conv, new { hook_key = hook.Str("hook_key"), outgoing_disabled = false })).EnsureOk();
        var nr = (await alice.SendAsync(conv, "after the repair")).Message().Long("message_nr");
        await receiver.WaitForAsync(r => r.Any(x => x.Name == "failing" && x.MessageNr == nr), Bound, "the message after the repair");
        Assert.Equal(4, receiver.RequestsTo("failing").Count(r => r.MessageNr == attempts[0].MessageNr));
    }

    [Fact]
    public async Task A_receiver_that_never_answers_is_abandoned_at_the_timeout_and_holds_up_only_its_own_hook()
    {
        using var alice = await server.NewAccountAsync("Alice");
        var conv = await alice.CreateConversationAsync("stuck");
        receiver.Hang("stuck");
        var stuck = await alice.CreateOutgoingHookAsync(conv, "stuck", receiver.Url("stuck"));
        await alice.CreateOutgoingHookAsync(conv, "healthy", receiver.Url("healthy"));
        await receiver.WaitForAsync(r => r.Any(x => x.Name == "stuck"), Bound, "the first call to the stuck receiver");
        for (var i = 0; i < 5; i++)
        {
            (await alice.SendAsync(conv, $"while stuck {i}")).EnsureOk();
        }

        var last = await alice.LastMessageNrAsync(conv);
        var requests = await receiver.WaitForAsync(r => AllReceived(r, new Dictionary<string, long> { ["healthy"] = last }), Bound,
            "every message at the healthy hook");
        Assert.Equal(0, AssertInOrderWithoutGaps(requests, "healthy", requests.First(r => r.Name == "healthy").MessageNr, last));
        // The stuck hook never got past its first item: every call to it was for that one.
        var first = requests.First(r => r.Name == "stuck").MessageNr;
        Assert.All(requests.Where(r => r.Name == "stuck"), r => Assert.Equal(first, r.MessageNr));

        // Each call is given up after 500 ms, counted as a failure and retried.
        var calls = (await receiver.WaitForAsync(r => r.Count(x => x.Name == "stuck") >= 3, Bound, "three calls to the stuck receiver"))
            .Where(r => r.Name == "stuck").ToList();
        for (var i = 1; i < 3; i++)
        {
            var gap = (calls[i].At - calls[i - 1].At).TotalMilliseconds;
            Assert.True(gap is >= 500 and < 5000, $"call {i + 1} came {gap:F0} ms after the one before");
        }

        await using var db = server.OpenDb();
        var failures = await db.Hooks.Where(h => h.HookKey == stuck.Str("hook_key") && h.ConversationId == conv).Select(h => h.OutgoingFailures).SingleAsync();
        Assert.True(failures >= 2, $"{failures} failures counted");
        var lastError = await db.HookDeliveries.Where(d => d.ConversationId == conv).Select(d => d.LastError).FirstOrDefaultAsync();
        Assert.True(lastError is null or "timeout", lastError);
    }

    [Fact]
    public async Task Two_server_processes_deliver_every_item_once_when_every_answer_is_200()
    {
        var peer = await server.StartPeerAsync();
        using var alice = await server.NewAccountAsync("Alice");
        using var atPeer = new FleepTestClient(peer.BaseAddress) { Token = alice.Token, Ticket = alice.Ticket };
        var conversations = new List<Guid>();
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var conv = await alice.CreateConversationAsync($"two processes {i}");
            await alice.CreateOutgoingHookAsync(conv, $"twice{i}", receiver.Url($"twice{i}"));
            conversations.Add(conv);
            names.Add($"twice{i}");
        }

        // Half of the messages are sent through each process, so each process's sender is woken by its own commits.
        await SendConcurrentlyAsync(90, i => (i % 2 == 0 ? alice : atPeer).SendAsync(conversations[i % 3], $"message {i}"), 6);
        var lastByHook = new Dictionary<string, long>();
        for (var i = 0; i < 3; i++)
        {
            lastByHook[names[i]] = await alice.LastMessageNrAsync(conversations[i]);
        }

        var requests = await receiver.WaitForAsync(r => AllReceived(r, lastByHook), Bound, "every message at every hook");
        foreach (var name in names)
        {
            // The hook's own creation message (nr 2) first, then every text, each exactly once.
            Assert.Equal(0, AssertInOrderWithoutGaps(requests, name, 2, lastByHook[name]));
        }
    }
}
