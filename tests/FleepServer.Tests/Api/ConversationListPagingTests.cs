using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Api;

/// <summary>
/// conversation/list past its first batch (docs/compatibility.md "Conversation calls"):
/// <c>sync_horizon</c> is the number already returned, newest first, and an empty batch ends the
/// listing. The batch size of 50 is this server's (ConversationActions.ListBatchSize).
/// </summary>
public sealed class ConversationListPagingTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int Batch = 50;

    [Fact]
    public async Task Paging_by_sync_horizon_lists_every_conversation_once_newest_first()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        const int count = Batch + 12;
        var created = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            // One second apart on the test's clock, so "newest first" is the reverse of this order.
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            created.Add(i % 2 == 0 ? await alice.CreateConversationAsync($"c{i}") : await bob.CreateConversationAsync($"c{i}", alice));
        }

        server.Clock.Advance(TimeSpan.FromSeconds(1));
        var foreign = await bob.CreateConversationAsync("bob only");

        var listed = new List<Guid>();
        var batchSizes = new List<int>();
        long horizon = 0;
        for (var calls = 0; ; calls++)
        {
            Assert.True(calls < 10, "the listing never ended");
            var page = (await alice.PostAsync("/api/conversation/list", new { sync_horizon = horizon })).EnsureOk();
            var ids = page.Json.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetGuid()).ToList();
            batchSizes.Add(ids.Count);
            listed.AddRange(ids);
            Assert.Equal(horizon + ids.Count, page.Json.Long("sync_horizon"));
            horizon = page.Json.Long("sync_horizon");
            if (ids.Count == 0)
            {
                break;
            }
        }

        Assert.Equal([Batch, count - Batch, 0], batchSizes);
        Assert.Equal(count, listed.Count);
        Assert.Equal(Enumerable.Reverse(created), listed);
        Assert.DoesNotContain(foreign, listed);
        // The foreign conversation is listed for its own member: the same call can list it.
        var bobsFirst = (await bob.PostAsync("/api/conversation/list", new { sync_horizon = 0 })).EnsureOk();
        Assert.Equal(foreign, bobsFirst.Json.GetProperty("conversations")[0].GetProperty("conversation_id").GetGuid());
    }
}
