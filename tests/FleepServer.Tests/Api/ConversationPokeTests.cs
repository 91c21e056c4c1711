using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Api;

/// <summary>
/// conversation/poke: Fleep's test-suite barrier. A poke record
/// {mk_rec_type: "poke", conversation_id, message_nr} reaches the caller and every current member,
/// always behind every record of the caller's earlier changes.
/// </summary>
public sealed class ConversationPokeTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static bool IsPoke(JsonElement r, Guid conv, long nr) =>
        r.Str("mk_rec_type") == "poke" && r.GetProperty("conversation_id").GetGuid() == conv && r.Long("message_nr") == nr;

    private static bool IsMessageIn(JsonElement r, Guid conv) =>
        r.Str("mk_rec_type") == "message" && r.GetProperty("conversation_id").GetGuid() == conv;

    /// <summary>
    /// Polls (parking, as the test-suite does) until the poke arrives; answers every record up to and
    /// including it, and the horizon after it. The poke is the signal: no clock is involved.
    /// </summary>
    private static async Task<(List<JsonElement> Records, long Horizon)> PollUntilPokeAsync(FleepTestClient client, long horizon, Guid conv, long nr)
    {
        var records = new List<JsonElement>();
        for (var polls = 0; ; polls++)
        {
            Assert.True(polls < 1_000, $"poke {nr} never arrived");
            var response = (await client.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = true })).EnsureOk();
            records.AddRange(response.Stream());
            horizon = response.Horizon();
            if (records.Any(r => IsPoke(r, conv, nr)))
            {
                return (records, horizon);
            }
        }
    }

    [Fact]
    public async Task After_twenty_sends_the_poke_arrives_behind_all_of_them_every_time()
    {
        const int Rounds = 100, Sends = 20;
        using var a = await server.NewAccountAsync("a");
        using var b = await server.NewAccountAsync("b");
        var conv = await a.CreateConversationAsync("barrier", b);
        var horizonA = await a.HorizonAsync();
        var horizonB = await b.HorizonAsync();

        for (var round = 0; round < Rounds; round++)
        {
            var texts = Enumerable.Range(0, Sends).Select(i => $"round {round} send {i}").ToList();
            foreach (var text in texts)
            {
                (await a.SendAsync(conv, text)).EnsureOk();
            }

            var nr = 1000 + round;
            (await a.ConvAsync("poke", conv, new { message_nr = nr })).EnsureOk();

            foreach (var (client, horizon) in new[] { (b, horizonB), (a, horizonA) })
            {
                var (records, after) = await PollUntilPokeAsync(client, horizon, conv, nr);
                var pokeAt = records.FindIndex(r => IsPoke(r, conv, nr));
                Assert.Equal(records.Count - 1, pokeAt);
                Assert.Single(records, r => r.Str("mk_rec_type") == "poke");
                var messages = records.Take(pokeAt).Where(r => IsMessageIn(r, conv)).ToList();
                Assert.Equal(Sends, messages.Count);
                Assert.Equal(texts.Select(t => $"<msg><p>{t}</p></msg>"), messages.Select(m => m.Str("message")));
                if (client == b)
                {
                    horizonB = after;
                }
                else
                {
                    horizonA = after;
                }
            }
        }
    }

    [Fact]
    public async Task The_poke_record_has_the_fields_of_PokeInfo_and_the_answer_is_the_header_without_it()
    {
        using var a = await server.NewAccountAsync("a");
        using var b = await server.NewAccountAsync("b");
        var conv = await a.CreateConversationAsync("fields", b);
        (await a.SendAsync(conv, "one")).EnsureOk();
        var horizonB = await b.HorizonAsync();

        var answer = (await a.ConvAsync("poke", conv, new { message_nr = 77, is_bg_poke = false })).EnsureOk();

        // Answer: the conversation-sync shape; the poke travels only through poll, so a client that
        // merges answers and poll records into one cache cannot see it early.
        Assert.Equal(conv, answer.Header().GetProperty("conversation_id").GetGuid());
        Assert.Equal("conv", answer.Header().Str("mk_rec_type"));
        Assert.Equal(2, answer.Header().Long("last_message_nr"));
        Assert.Empty(answer.Stream());
        Assert.False(answer.Json.TryGetProperty("result_message_nr", out var resultNr) && resultNr.ValueKind != JsonValueKind.Null);

        var records = await b.PollToEndAsync(horizonB);
        var poke = Assert.Single(records);
        Assert.Equal(["conversation_id", "message_nr", "mk_rec_type"], poke.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("poke", poke.Str("mk_rec_type"));
        Assert.Equal(conv, poke.GetProperty("conversation_id").GetGuid());
        Assert.Equal(77, poke.Long("message_nr"));

        // Nothing else changed: the header is as before.
        Assert.Equal(2, (await b.HeaderAsync(conv)).Long("last_message_nr"));
    }

    [Fact]
    public async Task With_from_message_nr_the_answer_lists_the_flow_after_it()
    {
        using var a = await server.NewAccountAsync("a");
        var conv = await a.CreateConversationAsync("forward");
        (await a.SendAsync(conv, "two")).EnsureOk();
        (await a.SendAsync(conv, "three")).EnsureOk();

        var answer = (await a.ConvAsync("poke", conv, new { message_nr = 5, from_message_nr = 1 })).EnsureOk();

        var messages = answer.Messages();
        Assert.Equal(2, messages.Count);
        Assert.Equal([2L, 3L], messages.Select(m => m.Long("message_nr")));
        Assert.DoesNotContain(answer.Stream(), r => r.Str("mk_rec_type") == "poke");
        (await a.ConvAsync("poke", conv, new { message_nr = 5, from_message_nr = 99 })).AssertError(400, "invalid_param");
    }

    [Fact]
    public async Task A_background_poke_is_delivered_the_same_way()
    {
        using var a = await server.NewAccountAsync("a");
        using var b = await server.NewAccountAsync("b");
        var conv = await a.CreateConversationAsync("bg", b);
        var horizonB = await b.HorizonAsync();

        (await a.SendAsync(conv, "before the poke")).EnsureOk();
        (await a.ConvAsync("poke", conv, new { message_nr = 3, is_bg_poke = true })).EnsureOk();

        var (records, _) = await PollUntilPokeAsync(b, horizonB, conv, 3);
        Assert.True(IsPoke(records[^1], conv, 3));
        var message = Assert.Single(records, r => IsMessageIn(r, conv));
        Assert.Equal("<msg><p>before the poke</p></msg>", message.Str("message"));
    }

    [Fact]
    public async Task Any_number_is_accepted_and_a_missing_or_malformed_one_is_400()
    {
        using var a = await server.NewAccountAsync("a");
        var conv = await a.CreateConversationAsync("numbers");
        var horizon = await a.HorizonAsync();

        foreach (var nr in new[] { 0L, -4L, long.MaxValue })
        {
            (await a.ConvAsync("poke", conv, new { message_nr = nr })).EnsureOk();
        }

        var pokes = await a.PollToEndAsync(horizon);
        Assert.Equal(3, pokes.Count);
        Assert.Equal([0L, -4L, long.MaxValue], pokes.Select(p => p.Long("message_nr")));

        (await a.ConvAsync("poke", conv)).AssertError(400, "missing_param");
        (await a.PostRawAsync($"/api/conversation/poke/{conv}", $$"""{"ticket": "{{a.Ticket}}", "message_nr": "abc"}""")).AssertError(400, "invalid_param");
        (await a.PostRawAsync($"/api/conversation/poke/{conv}", $$"""{"ticket": "{{a.Ticket}}", "message_nr": 1, "is_bg_poke": "maybe"}"""))
            .AssertError(400, "invalid_param");
        (await a.PostRawAsync($"/api/conversation/poke/{conv}", $$"""{"ticket": "{{a.Ticket}}", "message_nr": 1""")).AssertError(400, "bad_request");
        (await a.PostAsync("/api/conversation/poke/not-a-uuid", new { message_nr = 1 })).AssertError(400, "invalid_param");
        Assert.Empty(await a.PollToEndAsync(horizon + 3));
    }

    [Fact]
    public async Task Outsiders_and_removed_members_get_the_unknown_id_answer_and_nobody_is_poked()
    {
        using var a = await server.NewAccountAsync("a");
        using var outsider = await server.NewAccountAsync("outsider");
        using var removed = await server.NewAccountAsync("removed");
        var conv = await a.CreateConversationAsync("closed", removed);
        (await a.ConvAsync("remove_members", conv, new { account_ids = new[] { removed.AccountId } })).EnsureOk();
        var horizons = new[] { await a.HorizonAsync(), await outsider.HorizonAsync(), await removed.HorizonAsync() };

        var unknown = (await outsider.ConvAsync("poke", Guid.NewGuid(), new { message_nr = 1 })).AssertError(430, "not_found");
        foreach (var caller in new[] { outsider, removed })
        {
            var response = (await caller.ConvAsync("poke", conv, new { message_nr = 1 })).AssertError(430, "not_found");
            Assert.Equal(unknown.Json.GetRawText(), response.Json.GetRawText());
        }

        var clients = new[] { a, outsider, removed };
        for (var i = 0; i < clients.Length; i++)
        {
            Assert.Empty(await clients[i].PollToEndAsync(horizons[i]));
        }
    }

    [Fact]
    public async Task A_member_who_left_may_poke_and_the_poke_reaches_it_and_the_current_members()
    {
        using var a = await server.NewAccountAsync("a");
        using var b = await server.NewAccountAsync("b");
        var conv = await a.CreateConversationAsync("left", b);
        (await b.ConvAsync("leave", conv)).EnsureOk();
        var horizonA = await a.HorizonAsync();
        var horizonB = await b.HorizonAsync();

        (await b.ConvAsync("poke", conv, new { message_nr = 9 })).EnsureOk();

        Assert.True(IsPoke(Assert.Single(await b.PollToEndAsync(horizonB)), conv, 9));
        Assert.True(IsPoke(Assert.Single(await a.PollToEndAsync(horizonA)), conv, 9));
    }

    [Fact]
    public async Task A_member_who_left_is_not_poked_by_the_others()
    {
        using var a = await server.NewAccountAsync("a");
        using var b = await server.NewAccountAsync("b");
        var conv = await a.CreateConversationAsync("left", b);
        (await b.ConvAsync("leave", conv)).EnsureOk();
        var horizonB = await b.HorizonAsync();

        (await a.ConvAsync("poke", conv, new { message_nr = 10 })).EnsureOk();

        Assert.Empty(await b.PollToEndAsync(horizonB));
    }

    [Fact]
    public async Task Concurrent_clients_each_find_their_poke_behind_their_own_sends_in_every_stream()
    {
        const int Members = 8, SendsEach = 5;
        var clients = await Task.WhenAll(Enumerable.Range(0, Members).Select(i => server.NewAccountAsync($"member{i}")));
        try
        {
            var conv = await clients[0].CreateConversationAsync("busy", clients[1..]);
            var horizons = new List<long>();
            foreach (var client in clients)
            {
                horizons.Add(await client.HorizonAsync());
            }

            // Each client sends, then pokes with its own number, while the others do the same.
            var responses = await ConcurrentCalls.RunAsync(Enumerable.Range(0, Members).Select(i => (Func<Task<FleepResponse>>)(async () =>
            {
                for (var s = 0; s < SendsEach; s++)
                {
                    var sent = await clients[i].SendAsync(conv, $"member {i} send {s}");
                    if (sent.StatusCode != 200)
                    {
                        return sent;
                    }
                }

                return await clients[i].ConvAsync("poke", conv, new { message_nr = 500 + i });
            })));

            Assert.Equal(Members, responses.Length);
            server.AssertAllOk(responses);
            for (var m = 0; m < Members; m++)
            {
                var records = await clients[m].PollToEndAsync(horizons[m]);
                var pokes = records.Where(r => r.Str("mk_rec_type") == "poke").ToList();
                Assert.Equal(Members, pokes.Count);
                Assert.Equal(Enumerable.Range(500, Members).Select(i => (long)i), pokes.Select(p => p.Long("message_nr")).Order());
                Assert.Equal(Members * SendsEach, records.Count(r => IsMessageIn(r, conv)));
                for (var i = 0; i < Members; i++)
                {
                    var pokeAt = records.FindIndex(r => IsPoke(r, conv, 500 + i));
                    var own = records.Select((r, at) => (r, at))
                        .Where(x => IsMessageIn(x.r, conv) && x.r.GetProperty("account_id").GetGuid() == clients[i].AccountId)
                        .Select(x => x.at).ToList();
                    Assert.Equal(SendsEach, own.Count);
                    Assert.True(own.Max() < pokeAt, $"member {m} saw poke of {i} at {pokeAt} before its message at {own.Max()}");
                }
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
