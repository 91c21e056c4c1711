using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.MyBoard;

/// <summary>Every message record carries its message's stable <c>message_id</c> (docs/boards.md).</summary>
public sealed class MessageIdTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task The_message_id_is_the_same_in_the_answer_sync_and_every_members_poll_and_survives_edits()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("ids", bob);
        var bobAt = await bob.HorizonAsync();
        var sent = (await alice.SendAsync(conv, "hello")).EnsureOk();
        var nr = sent.Json.GetProperty("result_message_nr").GetInt64();
        var first = (await alice.SendAsync(conv, "second")).EnsureOk().Messages().Single(m => m.Long("message_nr") == nr + 1);
        Assert.NotEqual(Guid.Empty, first.Id());

        var synced = (await alice.PostAsync($"/api/conversation/sync/{conv}")).EnsureOk().Messages();
        Assert.All(synced, m => Assert.NotEqual(Guid.Empty, m.Id()));
        Assert.Equal(synced.Count, synced.Select(m => m.Id()).Distinct().Count());
        var hello = synced.Single(m => m.Long("message_nr") == nr).Id();

        var edited = (await alice.MessageAsync("edit", conv, new { message_nr = nr, message = "hello again" })).EnsureOk().Messages()
            .Single(m => m.Str("message").Contains("hello again"));
        Assert.Equal(hello, edited.Id());

        var polled = (await bob.PollSinceAsync(bobAt)).Where(r => r.Str("mk_rec_type") == "message" && r.Long("message_nr") == nr).ToList();
        Assert.NotEmpty(polled);
        Assert.All(polled, m => Assert.Equal(hello, m.Id()));
        var bobSynced = (await bob.PostAsync($"/api/conversation/sync/{conv}")).EnsureOk().Messages().Single(m => m.Long("message_nr") == nr);
        Assert.Equal(hello, bobSynced.Id());
    }
}
