using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Streams;

/// <summary>
/// Conversation and message changes reach every affected account's stream (docs/streams.md, "Who
/// receives what"), checked the Zulip way: take account/sync, act as another account, apply the
/// polled records to the old state, compare with a fresh account/sync (and, for messages, a fresh
/// conversation sync).
/// </summary>
public sealed class ConversationStreamTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static async Task<FleepResponse> PollAsync(FleepTestClient client, long horizon) =>
        (await client.PostAsync("/api/account/poll", new { event_horizon = horizon, wait = false })).EnsureOk();

    private static List<JsonElement> OfType(IEnumerable<JsonElement> records, string type) =>
        records.Where(r => r.Str("mk_rec_type") == type).ToList();

    [Fact]
    public async Task A_sent_message_reaches_the_other_member_and_the_senders_own_sessions()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var conversation = await alice.CreateConversationAsync("hello", bob);
        var bobHorizon = (await bob.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        var aliceHorizon = (await alice.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        var sent = (await alice.SendAsync(conversation, "hello bot")).EnsureOk();
        var nr = sent.Json.GetProperty("result_message_nr").GetInt64();

        var bobPoll = await PollAsync(bob, bobHorizon);
        var message = Assert.Single(OfType(bobPoll.Stream(), "message"));
        Assert.Equal(conversation, message.GetProperty("conversation_id").GetGuid());
        Assert.Equal(nr, message.Long("message_nr"));
        Assert.Equal(alice.AccountId, message.GetProperty("account_id").GetGuid());
        Assert.Equal(bob.AccountId, message.GetProperty("profile_id").GetGuid());
        Assert.Equal("<msg><p>hello bot</p></msg>", message.Str("message"));
        Assert.Equal("text", message.Str("mk_message_type"));
        Assert.False(message.Has("flow_message_nr"));
        Assert.False(message.Has("revision_message_nr"));
        var header = Assert.Single(OfType(bobPoll.Stream(), "conv"));
        Assert.Equal(bob.AccountId, header.GetProperty("profile_id").GetGuid());
        Assert.Equal(nr, header.Long("last_message_nr"));
        Assert.True(header.Long("unread_count") >= 1);

        // The sender's own session receives the same message, rendered for it.
        var alicePoll = await PollAsync(alice, aliceHorizon);
        var own = Assert.Single(OfType(alicePoll.Stream(), "message"));
        Assert.Equal(nr, own.Long("message_nr"));
        Assert.Equal(alice.AccountId, own.GetProperty("profile_id").GetGuid());
        Assert.Equal(0, Assert.Single(OfType(alicePoll.Stream(), "conv")).Long("unread_count"));
    }

    [Fact]
    public async Task A_client_req_id_comes_back_as_a_request_record_to_the_caller_only()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("req", bob);
        var aliceHorizon = (await alice.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        var bobHorizon = (await bob.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        var reqId = Guid.NewGuid();

        var sent = (await alice.SendAsync(conversation, "with id", new { client_req_id = reqId })).EnsureOk();

        var request = Assert.Single(OfType((await PollAsync(alice, aliceHorizon)).Stream(), "request"));
        Assert.Equal(reqId, request.GetProperty("client_req_id").GetGuid());
        Assert.Equal(conversation, request.GetProperty("conversation_id").GetGuid());
        Assert.Equal(sent.Json.GetProperty("result_message_nr").GetInt64(), request.Long("result_message_nr"));
        Assert.Empty(OfType((await PollAsync(bob, bobHorizon)).Stream(), "request"));

        // A retry creates nothing new in anyone's stream.
        var afterFirst = (await bob.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        (await alice.SendAsync(conversation, "with id", new { client_req_id = reqId })).EnsureOk();
        Assert.Empty((await PollAsync(bob, afterFirst)).Stream());
    }

    [Fact]
    public async Task Read_receipts_arrive_as_activity_records_unless_the_reader_keeps_full_privacy()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("receipts", bob);
        var nr = (await alice.SendAsync(conversation, "read me")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();
        var aliceHorizon = (await alice.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        (await bob.MessageAsync("mark_read", conversation, new { message_nr = nr })).EnsureOk();

        var receipt = Assert.Single(OfType((await PollAsync(alice, aliceHorizon)).Stream(), "activity"));
        Assert.Equal(bob.AccountId, receipt.GetProperty("account_id").GetGuid());
        Assert.Equal(conversation, receipt.GetProperty("conversation_id").GetGuid());
        Assert.Equal(nr, receipt.Long("read_message_nr"));

        (await bob.PostAsync("/api/account/configure", new { is_full_privacy = true })).EnsureOk();
        var nr2 = (await alice.SendAsync(conversation, "again")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();
        var before = (await alice.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        var bobBefore = (await bob.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        (await bob.MessageAsync("mark_read", conversation, new { message_nr = nr2 })).EnsureOk();
        (await alice.MessageAsync("mark_read", conversation, new { message_nr = nr2 })).EnsureOk();

        Assert.Empty(OfType((await PollAsync(alice, before)).Stream(), "activity"));
        Assert.Empty(OfType((await PollAsync(bob, bobBefore)).Stream(), "activity"));
    }

    [Fact]
    public async Task Applying_polled_records_to_the_old_state_gives_the_new_state()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        using var carol = await server.NewAccountAsync("carol");
        var before = (await bob.PostAsync("/api/account/sync")).EnsureOk();
        var cache = new Dictionary<string, Dictionary<string, string>>();
        before.Stream().MergeInto(cache);

        // Every kind of change, made by someone else.
        var conversation = await alice.CreateConversationAsync("verify", bob);
        var first = (await alice.SendAsync(conversation, "one")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();
        var second = (await alice.SendAsync(conversation, "two")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();
        (await alice.SendAsync(conversation, "three")).EnsureOk();
        (await alice.MessageAsync("edit", conversation, new { message_nr = first, message = "one, edited" })).EnsureOk();
        (await alice.MessageAsync("delete", conversation, new { message_nr = second })).EnsureOk();
        (await alice.ConvAsync("set_topic", conversation, new { topic = "verified topic" })).EnsureOk();
        (await alice.ConvAsync("add_members", conversation, new { account_ids = new[] { carol.AccountId } })).EnsureOk();
        (await carol.SendAsync(conversation, "carol here")).EnsureOk();
        (await alice.PostAsync("/api/account/configure", new { display_name = "alice renamed" })).EnsureOk();

        var polled = await PollAsync(bob, before.Horizon());
        polled.Stream().MergeInto(cache);

        var after = (await bob.PostAsync("/api/account/sync")).EnsureOk();
        Assert.Equal(after.Horizon(), polled.Horizon());
        var fresh = new Dictionary<string, Dictionary<string, string>>();
        after.Stream().MergeInto(fresh);
        var flow = (await bob.ConvAsync("sync", conversation, new { mk_direction = "ic_full" })).EnsureOk();
        flow.Messages().MergeInto(fresh);

        foreach (var (key, fields) in fresh)
        {
            Assert.True(cache.TryGetValue(key, out var cached), $"{key} never arrived through the stream");
            foreach (var (name, value) in fields.Where(f => f.Key is not ("is_init" or "is_full" or "is_tiny" or "mk_init_mode" or "fw_message_nr" or "bw_message_nr")))
            {
                Assert.True(cached.TryGetValue(name, out var streamed), $"{key}.{name} never arrived through the stream");
                Assert.True(value == streamed, $"{key}.{name}: sync says {value}, the stream said {streamed}");
            }
        }
    }

    [Fact]
    public async Task A_removed_member_learns_it_is_out_and_then_sees_nothing_new()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("kick", bob);
        var horizon = (await bob.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        (await alice.ConvAsync("remove_members", conversation, new { account_ids = new[] { bob.AccountId } })).EnsureOk();
        var told = await PollAsync(bob, horizon);
        var header = Assert.Single(OfType(told.Stream(), "conv"));
        Assert.False(header.Bool("can_post"));
        Assert.DoesNotContain(bob.AccountId, header.Ids("members"));

        (await alice.SendAsync(conversation, "secret after the kick")).EnsureOk();
        Assert.Empty((await PollAsync(bob, told.Horizon())).Stream());
    }
}
