using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Api;

/// <summary>
/// api/account/sync_conversations and its event (docs/compatibility.md "Account events"): the asked
/// conversations at the asked init level (HTTP default ic_tiny, event default ic_header), in the
/// asked order; unknown ids and conversations the caller cannot see are left out.
/// </summary>
public sealed class AccountSyncConversationsTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private sealed record Scene(FleepTestClient Alice, FleepTestClient Bob, Guid Quiet, Guid Busy, Guid Solo, Guid Foreign) : IDisposable
    {
        /// <summary>Asked with a foreign and an unknown id between them.</summary>
        public Guid[] Asked => [Quiet, Foreign, Busy, Guid.NewGuid(), Solo];

        /// <summary>What is answered: the visible ones, in the asked order.</summary>
        public Guid[] Expected => [Quiet, Busy, Solo];

        public void Dispose()
        {
            Alice.Dispose();
            Bob.Dispose();
        }
    }

    /// <summary>
    /// quiet: alice alone, only the create message (1). busy: bob's, alice a member, bob posts flow
    /// 2..12, alice has read up to 6. solo: alice with bob, alice posted flow 2. foreign: bob alone.
    /// </summary>
    private async Task<Scene> SceneAsync()
    {
        var alice = await server.NewAccountAsync("alice");
        var bob = await server.NewAccountAsync("bob");
        var quiet = await alice.CreateConversationAsync("quiet");
        var busy = await bob.CreateConversationAsync("busy", alice);
        for (var nr = 2; nr <= 12; nr++)
        {
            (await bob.SendAsync(busy, $"m{nr}")).EnsureOk();
        }

        (await alice.MessageAsync("mark_read", busy, new { message_nr = 6 })).EnsureOk();
        var solo = await alice.CreateConversationAsync("solo", bob);
        (await alice.SendAsync(solo, "hi")).EnsureOk();
        var foreign = await bob.CreateConversationAsync("foreign");
        return new Scene(alice, bob, quiet, busy, solo, foreign);
    }

    /// <summary>The stream split into each header and the messages after it, asserting nothing else is in it but the header's sections.</summary>
    private static List<(JsonElement Header, List<long> Messages)> Split(List<JsonElement> stream)
    {
        var result = new List<(JsonElement Header, List<long> Messages)>();
        foreach (var record in stream)
        {
            switch (record.Str("mk_rec_type"))
            {
                case "conv":
                    result.Add((record, new List<long>()));
                    break;
                case "message":
                    Assert.True(result.Count > 0, $"a message before any header: {record}");
                    Assert.Equal(result[^1].Header.GetProperty("conversation_id").GetGuid(), record.GetProperty("conversation_id").GetGuid());
                    result[^1].Messages.Add(record.Long("message_nr"));
                    break;
                case "section":
                    // A full init lists the conversation's taskboard sections (docs/boards.md).
                    Assert.True(result.Count > 0, $"a section before any header: {record}");
                    Assert.Equal(result[^1].Header.GetProperty("conversation_id").GetGuid(), record.GetProperty("conversation_id").GetGuid());
                    break;
                default:
                    Assert.Fail($"unexpected record: {record}");
                    break;
            }
        }

        return result;
    }

    private static void AssertOrder(Scene s, List<(JsonElement Header, List<long> Messages)> answered)
    {
        Assert.Equal(s.Expected.Length, answered.Count);
        Assert.Equal(s.Expected, answered.Select(a => a.Header.GetProperty("conversation_id").GetGuid()));
        Assert.All(answered, a => Assert.Equal(s.Alice.AccountId, a.Header.GetProperty("profile_id").GetGuid()));
    }

    [Fact]
    public async Task Without_a_mode_it_answers_ic_tiny_the_header_and_the_inbox_message()
    {
        using var s = await SceneAsync();

        var answered = Split((await s.Alice.PostAsync("/api/account/sync_conversations", new { conversation_ids = s.Asked })).EnsureOk().Stream());

        AssertOrder(s, answered);
        foreach (var (header, _) in answered)
        {
            Assert.Equal("ic_tiny", header.Str("mk_init_mode"));
            Assert.True(header.Bool("is_init"));
            Assert.True(header.Bool("is_tiny"));
        }

        // quiet: the create message; busy: the first unread alerting message after read 6; solo: alice's own latest.
        Assert.Equal(["1", "7", "2"], answered.Select(a => string.Join(",", a.Messages)));
        Assert.Equal([1L, 7L, 2L], answered.Select(a => a.Header.Long("inbox_message_nr")));
        Assert.Equal([1L, 7L, 2L], answered.Select(a => a.Header.Long("bw_message_nr")));
        Assert.Equal([1L, 7L, 2L], answered.Select(a => a.Header.Long("fw_message_nr")));
        Assert.Equal([1L, 6L, 2L], answered.Select(a => a.Header.Long("read_message_nr")));
        Assert.Equal(["quiet", "busy", "solo"], answered.Select(a => a.Header.Str("topic")));
    }

    [Fact]
    public async Task Ic_header_answers_headers_only()
    {
        using var s = await SceneAsync();

        var answered = Split((await s.Alice.PostAsync("/api/account/sync_conversations",
            new { conversation_ids = s.Asked, mk_init_mode = "ic_header" })).EnsureOk().Stream());

        AssertOrder(s, answered);
        foreach (var (header, messages) in answered)
        {
            Assert.Empty(messages);
            Assert.Equal("ic_header", header.Str("mk_init_mode"));
            Assert.False(header.Has("is_init"));
            Assert.False(header.Has("is_tiny"));
            Assert.False(header.Has("bw_message_nr"));
            Assert.False(header.Has("fw_message_nr"));
        }

        Assert.Equal([1L, 12L, 2L], answered.Select(a => a.Header.Long("last_message_nr")));
        Assert.Equal([0L, 6L, 0L], answered.Select(a => a.Header.Long("unread_count")));
    }

    [Fact]
    public async Task Ic_full_answers_the_init_around_each_read_horizon()
    {
        using var s = await SceneAsync();

        var answered = Split((await s.Alice.PostAsync("/api/account/sync_conversations",
            new { conversation_ids = s.Asked, mk_init_mode = "ic_full" })).EnsureOk().Stream());

        AssertOrder(s, answered);
        foreach (var (header, _) in answered)
        {
            Assert.Equal("ic_full", header.Str("mk_init_mode"));
            Assert.True(header.Bool("is_init"));
            Assert.True(header.Bool("is_full"));
            Assert.False(header.Bool("is_tiny"));
        }

        // Up to 5 visible messages at or before the read horizon and 5 flow entries after it.
        Assert.Equal(["1", "2,3,4,5,6,7,8,9,10,11", "1,2"], answered.Select(a => string.Join(",", a.Messages)));
        Assert.Equal([1L, 2L, 1L], answered.Select(a => a.Header.Long("bw_message_nr")));
        Assert.Equal([1L, 11L, 2L], answered.Select(a => a.Header.Long("fw_message_nr")));
    }

    [Fact]
    public async Task The_event_defaults_to_ic_header_and_a_bad_mode_is_refused()
    {
        using var s = await SceneAsync();

        var result = (await s.Alice.EventAsync("account:sync_conversations", new { conversation_ids = s.Asked })).EnsureApplied();

        var answered = Split(result.Records);
        AssertOrder(s, answered);
        Assert.All(answered, a => Assert.Empty(a.Messages));
        Assert.All(answered, a => Assert.Equal("ic_header", a.Header.Str("mk_init_mode")));

        var tiny = Split((await s.Alice.EventAsync("account:sync_conversations", new { conversation_ids = s.Asked, mk_init_mode = "ic_tiny" }))
            .EnsureApplied().Records);
        AssertOrder(s, tiny);
        Assert.Equal(["1", "7", "2"], tiny.Select(a => string.Join(",", a.Messages)));

        (await s.Alice.PostAsync("/api/account/sync_conversations", new { conversation_ids = s.Asked, mk_init_mode = "ic_end" }))
            .AssertError(400, "invalid_param");
        (await s.Alice.PostAsync("/api/account/sync_conversations", new { mk_init_mode = "ic_tiny" })).AssertError(400, "missing_param");
    }
}
