using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Files;

/// <summary>
/// <c>storage_used_bytes</c> on the owner's own contact (docs/files.md, "Storage accounting"): the
/// sizes of the attachments of the messages the account sees, per attachment (a copy counts again),
/// less what was removed or deleted, less what was reachable only through a conversation it left.
/// The sizes are the fixtures' byte counts.
/// </summary>
public sealed class StorageAccountingTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static readonly byte[] Small = new byte[1000];
    private static readonly byte[] Large = new byte[25_000];

    static StorageAccountingTests()
    {
        Small.AsSpan().Fill((byte)'s');
        Large.AsSpan().Fill((byte)'L');
    }

    private static async Task<long> UsedAsync(FleepTestClient client)
    {
        var sync = (await client.PostAsync("/api/account/sync")).EnsureOk();
        var own = Assert.Single(sync.Json.GetProperty("profiles").EnumerateArray().ToList());
        var inStream = Assert.Single(sync.Stream(), r => r.Str("mk_rec_type") == "contact" && r.GetProperty("account_id").GetGuid() == client.AccountId);
        Assert.Equal(own.Long("storage_used_bytes"), inStream.Long("storage_used_bytes"));
        return own.Long("storage_used_bytes");
    }

    [Fact]
    public async Task Attaching_copying_removing_and_leaving_change_what_each_member_is_counted()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        Assert.Equal(0, await UsedAsync(alice));

        var shared = await alice.CreateConversationAsync("shared", bob);
        var mine = await alice.CreateConversationAsync("mine");
        var small = await alice.UploadUrlAsync("small.bin", Small);
        var large = await alice.UploadUrlAsync("large.bin", Large);
        // An upload not attached yet counts for nobody.
        Assert.Equal(0, await UsedAsync(alice));

        var sent = (await alice.SendAsync(shared, "two files", new { attachments = new[] { small, large } })).EnsureOk();
        var nr = sent.Json.Long("result_message_nr");
        Assert.Equal(26_000, await UsedAsync(alice));
        Assert.Equal(26_000, await UsedAsync(bob));

        // A copy counts again, for the accounts that see it.
        (await alice.MessageAsync("copy", shared, new { message_nr = nr, to_conv_id = mine })).EnsureOk();
        Assert.Equal(52_000, await UsedAsync(alice));
        Assert.Equal(26_000, await UsedAsync(bob));

        // Removing one attachment subtracts it.
        var largeId = Assert.Single(sent.Files(), f => f.Str("file_name") == "large.bin").Str("attachment_id");
        (await alice.MessageAsync("delete", shared, new { message_nr = nr, attachment_id = largeId })).EnsureOk();
        Assert.Equal(27_000, await UsedAsync(alice));
        Assert.Equal(1000, await UsedAsync(bob));

        // Bob's view of alice never carries her storage; her own records always do.
        var bobsSync = (await bob.PostAsync("/api/account/sync")).EnsureOk();
        var aliceForBob = Assert.Single(bobsSync.Stream(), r => r.Str("mk_rec_type") == "contact" && r.GetProperty("account_id").GetGuid() == alice.AccountId);
        Assert.False(aliceForBob.Has("storage_used_bytes"));

        // Leaving gives up what was reachable only through that conversation.
        (await bob.ConvAsync("leave", shared)).EnsureOk();
        Assert.Equal(0, await UsedAsync(bob));
        Assert.Equal(27_000, await UsedAsync(alice));

        // Deleting the whole message subtracts its files.
        (await alice.MessageAsync("delete", shared, new { message_nr = nr })).EnsureOk();
        Assert.Equal(26_000, await UsedAsync(alice));
    }

    [Fact]
    public async Task Login_configure_and_a_poll_from_zero_carry_the_owners_storage()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("files");
        (await alice.SendAsync(conv, "", new { attachments = new[] { await alice.UploadUrlAsync("s.bin", Small) } })).EnsureOk();

        using var again = server.NewClient();
        var login = await again.LoginAsync(alice.Email, "correct horse");
        Assert.Equal(1000, Assert.Single(login.Json.GetProperty("profiles").EnumerateArray().ToList()).Long("storage_used_bytes"));

        var configured = (await alice.PostAsync("/api/account/configure", new { display_name = "Alice Files" })).EnsureOk();
        Assert.Equal(1000, OwnContact(configured.Json, alice.AccountId).Long("storage_used_bytes"));

        var poll = (await alice.PostAsync("/api/account/poll", new { event_horizon = 0, wait = false })).EnsureOk();
        Assert.Equal(1000, Assert.Single(poll.Stream(), r => r.Str("mk_rec_type") == "contact" && r.GetProperty("account_id").GetGuid() == alice.AccountId)
            .Long("storage_used_bytes"));
    }

    [Fact]
    public async Task Concurrent_attaches_by_several_members_are_all_counted()
    {
        const int writers = 5;
        var clients = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => server.NewAccountAsync($"s{i}")));
        var conv = await clients[0].CreateConversationAsync("busy", clients[1..]);
        var uploads = await Task.WhenAll(clients.Select(c => c.UploadUrlAsync("s.bin", Small)));

        var answers = await ConcurrentCalls.RunAsync(clients.Select((c, i) => (Func<Task<FleepResponse>>)(() =>
            c.SendAsync(conv, "", new { attachments = new[] { uploads[i] } }))));
        server.AssertAllOk(answers);

        foreach (var client in clients)
        {
            Assert.Equal(writers * 1000, await UsedAsync(client));
            client.Dispose();
        }
    }

    /// <summary>The owner's contact in a profile answer: the answer itself, or its <c>profiles</c> / <c>stream</c> entry.</summary>
    private static JsonElement OwnContact(JsonElement answer, Guid accountId)
    {
        if (answer.TryGetProperty("storage_used_bytes", out _))
        {
            return answer;
        }

        foreach (var list in new[] { "profiles", "stream" })
        {
            if (answer.TryGetProperty(list, out var items))
            {
                return items.EnumerateArray().Single(r => r.TryGetProperty("account_id", out var id) && id.GetGuid() == accountId);
            }
        }

        throw new InvalidOperationException($"no own contact in {answer}");
    }
}
