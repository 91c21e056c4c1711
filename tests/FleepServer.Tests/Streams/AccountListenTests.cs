using System.Text.Json;
using FleepServer.Http;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Streams;

/// <summary>
/// account/listen, the notification poll: {event_horizon, wait, download_url} →
/// {event_horizon moved to the latest, conv_count, messages: [{conv_url, conversation_id, topic,
/// message, author_name}]}.
/// </summary>
public sealed class AccountListenTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static Task<FleepResponse> ListenAsync(FleepTestClient client, long horizon, bool wait) =>
        client.PostAsync("/api/account/listen", new { event_horizon = horizon, wait, download_url = "https://example.org/app" });

    /// <summary>Fleep's rule for conversation links: ?cid= and the id's 16 bytes in unpadded base64url.</summary>
    private string ConvUrl(Guid conv)
    {
        var b64 = Convert.ToBase64String(conv.ToByteArray(bigEndian: true)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"http://{server.BaseAddress.Authority}/chat?cid={b64}";
    }

    [Fact]
    public void Conversation_links_use_the_short_id_of_the_spec()
    {
        // An example id and its short id, checked by decoding.
        Assert.Equal("2U9u4wIRSpSx0ulbP0vi3w", PublicUrl.ShortId(Guid.Parse("d94f6ee3-0211-4a94-b1d2-e95b3f4be2df")));
    }

    [Fact]
    public async Task A_parked_listen_wakes_on_a_message_from_another_account()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        var conv = await alice.CreateConversationAsync("Lunch plans", bob);
        var horizon = await bob.HorizonAsync();
        var parkedBefore = server.Services.GetRequiredService<FleepServer.Streams.StreamWaiters>().Count;

        var listening = ListenAsync(bob, horizon, wait: true);
        await server.WaitForParkedAsync(parkedBefore + 1);
        Assert.False(listening.IsCompleted);
        (await alice.SendAsync(conv, "see you at *noon*")).EnsureOk();
        var answer = (await listening).EnsureOk();

        Assert.Equal(await bob.HorizonAsync(), answer.Horizon());
        Assert.True(answer.Horizon() > horizon);
        Assert.Equal(1, answer.Json.Long("conv_count"));
        var messages = answer.Json.GetProperty("messages").EnumerateArray().ToList();
        Assert.Single(messages);
        var message = messages[0];
        Assert.Equal(ConvUrl(conv), message.Str("conv_url"));
        Assert.Equal(conv, message.GetProperty("conversation_id").GetGuid());
        Assert.Equal("Lunch plans", message.Str("topic"));
        Assert.Equal("<msg><p>see you at <b>noon</b></p></msg>", message.Str("message"));
        Assert.Equal("Alice", message.Str("author_name"));
        Assert.Equal(["author_name", "conv_url", "conversation_id", "message", "topic"], message.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Without_wait_it_answers_at_once()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        var conv = await alice.CreateConversationAsync("", bob);
        var horizon = await bob.HorizonAsync();

        var nothing = (await ListenAsync(bob, horizon, wait: false)).EnsureOk();
        Assert.Equal(horizon, nothing.Horizon());
        Assert.Equal(0, nothing.Json.Long("conv_count"));
        Assert.Empty(nothing.Json.GetProperty("messages").EnumerateArray());

        (await alice.SendAsync(conv, "one")).EnsureOk();
        (await alice.SendAsync(conv, "two")).EnsureOk();
        var two = (await ListenAsync(bob, horizon, wait: false)).EnsureOk();
        var messages = two.Json.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal(["<msg><p>one</p></msg>", "<msg><p>two</p></msg>"], messages.Select(m => m.Str("message")));
        Assert.All(messages, m => Assert.Equal("", m.Str("topic")));
        Assert.Equal(1, two.Json.Long("conv_count"));

        // From the answered horizon on, nothing is new.
        var again = (await ListenAsync(bob, two.Horizon(), wait: false)).EnsureOk();
        Assert.Equal(two.Horizon(), again.Horizon());
        Assert.Empty(again.Json.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task Own_messages_edits_and_system_messages_move_the_horizon_but_are_not_listed()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        var conv = await alice.CreateConversationAsync("quiet", bob);
        var sent = (await alice.SendAsync(conv, "original")).EnsureOk();
        var horizon = await bob.HorizonAsync();

        (await bob.SendAsync(conv, "my own")).EnsureOk();
        (await alice.MessageAsync("edit", conv, new { message_nr = sent.Json.Long("result_message_nr"), message = "edited" })).EnsureOk();
        (await alice.ConvAsync("set_topic", conv, new { topic = "renamed" })).EnsureOk();
        var answer = (await ListenAsync(bob, horizon, wait: true)).EnsureOk();

        Assert.Equal(await bob.HorizonAsync(), answer.Horizon());
        Assert.Empty(answer.Json.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task Conv_count_counts_conversations_with_unread_messages()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        var first = await alice.CreateConversationAsync("first", bob);
        var second = await alice.CreateConversationAsync("second", bob);
        var horizon = await bob.HorizonAsync();
        (await alice.SendAsync(first, "a")).EnsureOk();
        (await alice.SendAsync(first, "b")).EnsureOk();
        (await alice.SendAsync(second, "c")).EnsureOk();

        var both = (await ListenAsync(bob, horizon, wait: false)).EnsureOk();
        Assert.Equal(2, both.Json.Long("conv_count"));
        var messages = both.Json.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(3, messages.Count);
        Assert.Equal([first, first, second], messages.Select(m => m.GetProperty("conversation_id").GetGuid()));
        Assert.Equal(["first", "first", "second"], messages.Select(m => m.Str("topic")));

        (await bob.ConvAsync("mark_read", first)).EnsureOk();
        var one = (await ListenAsync(bob, both.Horizon(), wait: false)).EnsureOk();
        Assert.Equal(1, one.Json.Long("conv_count"));
        Assert.Equal(0, (await ListenAsync(alice, await alice.HorizonAsync(), wait: false)).EnsureOk().Json.Long("conv_count"));
    }

    [Fact]
    public async Task Horizon_zero_starts_at_the_head_and_bad_horizons_are_400()
    {
        using var alice = await server.NewAccountAsync("Alice");
        using var bob = await server.NewAccountAsync("Bob");
        var conv = await alice.CreateConversationAsync("history", bob);
        (await alice.SendAsync(conv, "old news")).EnsureOk();
        var head = await bob.HorizonAsync();

        var fresh = (await ListenAsync(bob, 0, wait: true)).EnsureOk();
        Assert.Equal(head, fresh.Horizon());
        Assert.Empty(fresh.Json.GetProperty("messages").EnumerateArray());
        Assert.Equal(1, fresh.Json.Long("conv_count"));

        (await ListenAsync(bob, -1, wait: false)).AssertError(400, "invalid_horizon");
        // A horizon this database never handed out (a restore from an older backup) starts over at the head, at once.
        var restored = (await ListenAsync(bob, head + 1000, wait: true)).EnsureOk();
        Assert.Equal(head, restored.Horizon());
        Assert.Empty(restored.Json.GetProperty("messages").EnumerateArray());
        (await bob.PostRawAsync("/api/account/listen", $$"""{"ticket": "{{bob.Ticket}}", "event_horizon": "abc"}""")).AssertError(400, "invalid_param");
        (await bob.PostRawAsync("/api/account/listen", $$"""{"ticket": "{{bob.Ticket}}", "wait": "perhaps"}""")).AssertError(400, "invalid_param");
        (await bob.PostRawAsync("/api/account/listen", $$"""{"ticket": "{{bob.Ticket}}", "download_url": 7}""")).AssertError(400, "invalid_param");
    }

    [Fact]
    public async Task A_listen_with_wait_true_and_nothing_new_answers_the_same_horizon_when_its_wait_ends()
    {
        using var bob = await server.NewAccountAsync("Bob");
        var horizon = await bob.HorizonAsync();
        var waiters = server.Services.GetRequiredService<FleepServer.Streams.StreamWaiters>();
        var parkedBefore = waiters.Count;

        var listening = ListenAsync(bob, horizon, wait: true);
        await server.WaitForParkedAsync(parkedBefore + 1);
        server.Clock.Advance(TimeSpan.FromMinutes(2));
        var answer = (await listening).EnsureOk();

        Assert.Equal(horizon, answer.Horizon());
        Assert.Empty(answer.Json.GetProperty("messages").EnumerateArray());
        Assert.Equal(JsonValueKind.Number, answer.Json.GetProperty("conv_count").ValueKind);
    }
}
