using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Labels;

/// <summary>label/sync_conversations and its event: paging the caller's conversations that carry a label.</summary>
public sealed class LabelSyncConversationsTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Seventy_five_labelled_conversations_page_in_three_calls_and_end_with_the_done_cursor()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var labelled = new List<Guid>();
        for (var i = 0; i < 75; i++)
        {
            // A millisecond apart: the pages split conversations of the same second exactly.
            server.Clock.Advance(TimeSpan.FromMilliseconds(1));
            var conversation = await alice.CreateConversationAsync($"c{i}", bob);
            await alice.StoreConvLabelsAsync(conversation, new { labels = new[] { "bulk" } });
            labelled.Insert(0, conversation);
        }

        await alice.CreateConversationAsync("not labelled", bob);
        var label = (await alice.SyncedLabelsAsync())["bulk"].GetProperty("label_id").GetGuid();

        var seen = new List<Guid>();
        object? cursor = null;
        var calls = 0;
        while (true)
        {
            calls++;
            Assert.True(calls <= 3, "more than three pages");
            var stream = (await alice.PostAsync("/api/label/sync_conversations",
                new { label_id = label, mk_init_mode = "ic_tiny", sync_cursor = cursor })).EnsureOk().Stream();
            var record = Assert.Single(stream.Labels());
            Assert.Equal(label, record.GetProperty("label_id").GetGuid());
            var convs = stream.Where(r => r.Str("mk_rec_type") == "conv").ToList();
            Assert.Contains(stream, r => r.Str("mk_rec_type") == "contact" && r.GetProperty("account_id").GetGuid() == bob.AccountId);
            Assert.All(convs, c => Assert.Contains("bulk", c.Strings("labels")));
            Assert.All(convs, c => Assert.Equal("ic_tiny", c.Str("mk_init_mode")));
            seen.AddRange(convs.Select(c => c.GetProperty("conversation_id").GetGuid()));
            if (record.Str("sync_cursor") == "{}")
            {
                Assert.Equal(0, record.Long("sync_inbox_time"));
                Assert.Equal(15, convs.Count);
                break;
            }

            Assert.Equal(30, convs.Count);
            Assert.True(record.Long("sync_inbox_time") > 0);
            Assert.Equal(convs[^1].GetProperty("conversation_id").GetGuid().ToString(), record.Str("sync_conversation_id"));
            cursor = record.Str("sync_cursor");
        }

        Assert.Equal(3, calls);
        Assert.Equal(75, seen.Count);
        // Newest inbox time first: the last created conversation leads.
        Assert.Equal(labelled, seen);
    }

    [Fact]
    public async Task The_event_pages_with_its_cursor_object_and_limit()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var expected = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            var conversation = await alice.CreateConversationAsync($"e{i}", bob);
            (await alice.ConvAsync("store", conversation, new { mk_alert_level = "never" })).EnsureOk();
            expected.Insert(0, conversation);
        }

        var muted = (await alice.SyncedLabelsAsync())["Muted"].GetProperty("label_id").GetGuid();
        var result = (await alice.EventAsync("label:sync_conversations", new { label_id = muted })).EnsureApplied();
        var convs = result.OfType("conv").Select(c => c.GetProperty("conversation_id").GetGuid()).ToList();
        Assert.Equal(expected, convs);
        var label = Assert.Single(result.OfType("label"));
        Assert.Equal("{}", label.Str("sync_cursor"));

        // The classic call pages the same conversations, in the same order, with a limit of 2.
        var page = (await alice.PostAsync("/api/label/sync_conversations", new { label_id = muted, limit = 2 })).EnsureOk().Stream();
        var first = page.Where(r => r.Str("mk_rec_type") == "conv").Select(c => c.GetProperty("conversation_id").GetGuid()).ToList();
        Assert.Equal(expected.Take(2), first);
        var cursor = JsonDocument.Parse(Assert.Single(page.Labels()).Str("sync_cursor")).RootElement;
        var next = (await alice.EventAsync("label:sync_conversations", new
        {
            label_id = muted,
            sync_cursor = new { acv_conv_id = cursor.GetProperty("acv_conv_id").GetGuid(), acv_inbox_time = cursor.GetProperty("acv_inbox_time").GetString() },
        })).EnsureApplied();
        Assert.Equal(expected.Skip(2), next.OfType("conv").Select(c => c.GetProperty("conversation_id").GetGuid()));

        (await alice.PostAsync("/api/label/sync_conversations", new { label_id = Guid.NewGuid() })).AssertError(430);
        (await alice.PostAsync("/api/label/sync_conversations", new { })).AssertError(400);
        (await alice.PostAsync("/api/label/sync_conversations", new { label_id = muted, mk_init_mode = "ic_flow" })).AssertError(400);
        (await alice.PostAsync("/api/label/sync_conversations", new { label_id = muted, sync_cursor = "not json" })).AssertError(400);
    }

    [Fact]
    public async Task Another_accounts_label_is_not_found()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var bobs = (await bob.StoreLabelAsync(new { label = "bobs" })).GetProperty("label_id").GetGuid();
        (await alice.PostAsync("/api/label/sync_conversations", new { label_id = bobs })).AssertError(430);
    }
}
