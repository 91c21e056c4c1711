using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Labels;

/// <summary>Labels on conversations: conversation/store {labels | label_ids}, conv:set_labels, and the system labels that follow state.</summary>
public sealed class ConversationLabelTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Storing_labels_by_name_replaces_the_set_and_delivers_the_implicit_label()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("labelled", bob, carol);
        using var second = server.NewClient();
        await second.LoginAsync(alice.Email, "correct horse");
        var before = (await second.PostAsync("/api/account/sync")).EnsureOk();

        var first = (await alice.PostAsync($"/api/conversation/store/{conversation}", new { labels = new[] { "travel", "starred" } })).EnsureOk();
        Assert.Equal(["starred", "Recent", "travel"], first.Header().Strings("labels"));
        Assert.Single(first.Stream().Labels()); // travel is new; starred is a system label
        var response = (await alice.PostAsync($"/api/conversation/store/{conversation}", new { labels = new[] { "finance" } })).EnsureOk();
        var header = response.Header();
        Assert.Equal(["finance"], header.Strings("labels").Where(n => n is not ("Recent")).ToList());
        var finance = Assert.Single(response.Stream().Labels());
        Assert.Equal("finance", finance.Str("label"));
        Assert.Equal("user_label", finance.Str("mk_label_type"));
        Assert.Equal("user", finance.Str("mk_label_subtype"));
        Assert.Equal("active", finance.Str("mk_label_status"));
        var financeId = finance.GetProperty("label_id").GetGuid();
        Assert.Contains(financeId, header.Ids("label_ids"));
        Assert.Equal(2, header.Ids("label_ids").Count); // finance and the derived Recent

        // The other session gets the label record and the header through poll.
        var polled = (await second.PollAsync(before.Horizon())).Stream();
        Assert.Contains(polled.Labels(), l => l.GetProperty("label_id").GetGuid() == financeId);
        await second.AssertStreamKeepsSyncAsync(before);

        // The same set by id; an id alice does not own is refused.
        var byId = await alice.StoreConvLabelsAsync(conversation, new { label_ids = new[] { financeId } });
        Assert.Contains(financeId, byId.Ids("label_ids"));
        var bobLabel = await bob.StoreLabelAsync(new { label = "bobs" });
        (await alice.PostAsync($"/api/conversation/store/{conversation}", new { label_ids = new[] { bobLabel.GetProperty("label_id").GetGuid() } }))
            .AssertError(430);
        (await alice.PostAsync($"/api/conversation/store/{conversation}", new { label_ids = new[] { Guid.NewGuid() } })).AssertError(430);

        // Derived system label names are ignored; an empty list clears the set.
        var ignored = await alice.StoreConvLabelsAsync(conversation, new { labels = new[] { "Muted", "Unread" } });
        Assert.DoesNotContain("Muted", ignored.Strings("labels"));
        Assert.DoesNotContain("finance", ignored.Strings("labels"));
        var cleared = await alice.StoreConvLabelsAsync(conversation, new { labels = Array.Empty<string>() });
        Assert.Equal(["Recent"], cleared.Strings("labels"));
    }

    [Fact]
    public async Task Labels_are_private_a_co_member_never_sees_them()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("private", bob);
        var bobBefore = (await bob.PostAsync("/api/account/sync")).EnsureOk();
        var aliceBefore = (await alice.PostAsync("/api/account/sync")).EnsureOk();

        var header = await alice.StoreConvLabelsAsync(conversation, new { labels = new[] { "secret", "starred" } });
        var secret = header.Ids("label_ids");
        Assert.Equal(3, secret.Count); // starred, Recent, secret
        (await alice.SendAsync(conversation, "after labelling")).EnsureOk();

        // Bob: no label record, and none of alice's label ids, in poll or sync.
        var polled = (await bob.PollAsync(bobBefore.Horizon())).Stream();
        Assert.Empty(polled.Labels());
        var synced = (await bob.PostAsync("/api/account/sync")).EnsureOk().Stream();
        foreach (var record in polled.Concat(synced))
        {
            var text = record.GetRawText();
            Assert.DoesNotContain("secret", text);
            foreach (var id in secret)
            {
                Assert.DoesNotContain(id.ToString(), text);
            }
        }

        Assert.DoesNotContain(synced.Labels(), l => l.Str("label") == "secret");
        var bobHeader = synced.Conv(conversation);
        Assert.Equal(["Recent", "Unread"], bobHeader.Strings("labels"));

        // The label change alone posted nothing: bob's stream got only the message's records.
        Assert.Single(polled, r => r.Str("mk_rec_type") == "message");
        await alice.AssertStreamKeepsSyncAsync(aliceBefore);
        await bob.AssertStreamKeepsSyncAsync(bobBefore);
    }

    [Fact]
    public async Task A_label_only_store_goes_to_the_caller_alone_and_posts_no_message()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("quiet", bob);
        var last = (await alice.HeaderAsync(conversation)).Long("last_message_nr");
        var bobHorizon = (await bob.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        var header = await alice.StoreConvLabelsAsync(conversation, new { labels = new[] { "mine" } });

        Assert.Equal(last, header.Long("last_message_nr"));
        Assert.Empty((await bob.PollAsync(bobHorizon)).Stream());
    }

    [Fact]
    public async Task System_labels_follow_the_conversations_state()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        var before = (await alice.PostAsync("/api/account/sync")).EnsureOk();
        var ids = before.Stream().Labels().ToDictionary(l => l.Str("label"), l => l.GetProperty("label_id").GetGuid());
        var group = await alice.CreateConversationAsync("group", bob, carol);

        async Task<List<string>> LabelsOf(Guid conversation) => (await alice.HeaderAsync(conversation)).Strings("labels");

        Assert.Equal(["Recent"], await LabelsOf(group));

        // mute → Muted
        (await alice.ConvAsync("store", group, new { mk_alert_level = "never" })).EnsureOk();
        Assert.Contains("Muted", await LabelsOf(group));
        (await alice.ConvAsync("store", group, new { mk_alert_level = "default" })).EnsureOk();
        Assert.DoesNotContain("Muted", await LabelsOf(group));

        // unread → Unread
        (await bob.SendAsync(group, "unread for alice")).EnsureOk();
        Assert.Contains("Unread", await LabelsOf(group));

        // hide → Archived, no longer Recent
        (await alice.ConvAsync("hide", group)).EnsureOk();
        var hidden = await LabelsOf(group);
        Assert.Contains("Archived", hidden);
        Assert.DoesNotContain("Recent", hidden);

        // a dialog → 1:1 Conversations
        var dialog = (await alice.PostAsync("/api/contact/get_dialog", new { account_id = bob.AccountId })).EnsureOk().Header()
            .GetProperty("conversation_id").GetGuid();
        Assert.Contains("1:1 Conversations", await LabelsOf(dialog));
        Assert.DoesNotContain("1:1 Conversations", await LabelsOf(group));

        // Every change above reached alice's stream with the labels it gave.
        await alice.AssertStreamKeepsSyncAsync(before);

        // a member whose account is new (invited by address) → Email
        await using (var db = server.OpenDb())
        {
            await db.Accounts.Where(a => a.Id == carol.AccountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, "new"),
                TestContext.Current.CancellationToken);
        }

        Assert.Contains("Email", await LabelsOf(group));
        Assert.DoesNotContain("Email", await LabelsOf(dialog));
        var header = await alice.HeaderAsync(group);
        Assert.Contains(ids["Email"], header.Ids("label_ids"));
        Assert.Contains(ids["Archived"], header.Ids("label_ids"));
    }

    [Fact]
    public async Task Removing_a_label_takes_it_off_every_conversation()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var one = await alice.CreateConversationAsync("one", bob);
        var two = await alice.CreateConversationAsync("two", bob);
        await alice.StoreConvLabelsAsync(one, new { labels = new[] { "project" } });
        var projectId = (await alice.SyncedLabelsAsync())["project"].GetProperty("label_id").GetGuid();
        await alice.StoreConvLabelsAsync(two, new { labels = new[] { "project" } });
        var before = (await alice.PostAsync("/api/account/sync")).EnsureOk();

        (await alice.PostAsync("/api/label/store", new { label = "project", index = -1 })).EnsureOk();

        Assert.DoesNotContain("project", (await alice.HeaderAsync(one)).Strings("labels"));
        Assert.DoesNotContain("project", (await alice.HeaderAsync(two)).Strings("labels"));
        Assert.DoesNotContain(projectId, (await alice.HeaderAsync(two)).Ids("label_ids"));
        await alice.AssertStreamKeepsSyncAsync(before);
    }

    [Fact]
    public async Task The_set_labels_event_and_the_classic_store_give_the_same_header()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var viaEvent = await alice.CreateConversationAsync("event", bob);
        var viaCall = await alice.CreateConversationAsync("call", bob);
        var before = (await alice.PostAsync("/api/account/sync")).EnsureOk();
        var bobBefore = (await bob.PostAsync("/api/account/sync")).EnsureOk();
        var label = (await alice.StoreLabelAsync(new { label = "both" })).GetProperty("label_id").GetGuid();
        var starred = (await alice.SyncedLabelsAsync())["starred"].GetProperty("label_id").GetGuid();

        var result = (await alice.EventAsync("conv:set_labels", new { conversation_id = viaEvent, label_ids = new[] { label, starred } }))
            .EnsureApplied();
        var eventHeader = Assert.Single(result.OfType("conv"));
        var callHeader = await alice.StoreConvLabelsAsync(viaCall, new { label_ids = new[] { label, starred } });

        Assert.Equal(callHeader.Ids("label_ids"), eventHeader.Ids("label_ids"));
        Assert.Equal(callHeader.Strings("labels"), eventHeader.Strings("labels"));
        Assert.Equal(["starred", "Recent", "both"], eventHeader.Strings("labels"));
        Assert.Equal(eventHeader.Ids("label_ids"), (await alice.HeaderAsync(viaEvent)).Ids("label_ids"));

        (await alice.EventAsync("conv:set_labels", new { conversation_id = viaEvent, label_ids = new[] { Guid.NewGuid() } })).AssertRefused(430);
        await alice.AssertStreamKeepsSyncAsync(before);
        Assert.Empty((await bob.PollAsync(bobBefore.Horizon())).Stream());
    }

    [Fact]
    public async Task Two_accounts_labelling_the_same_conversation_at_once_keep_their_own_labels()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("both", bob);
        using var alice2 = server.NewClient();
        await alice2.LoginAsync(alice.Email, "correct horse");

        var calls = new List<Task<FleepResponse>>();
        for (var i = 0; i < 5; i++)
        {
            calls.Add(alice.PostAsync($"/api/conversation/store/{conversation}", new { labels = new[] { "a-shared", $"a{i}" } }));
            calls.Add(alice2.PostAsync($"/api/conversation/store/{conversation}", new { labels = new[] { "a-shared" } }));
            calls.Add(bob.PostAsync($"/api/conversation/store/{conversation}", new { labels = new[] { "b-shared", $"b{i}" } }));
        }

        foreach (var response in await Task.WhenAll(calls))
        {
            response.EnsureOk();
        }

        var aliceLabels = (await alice.HeaderAsync(conversation)).Strings("labels");
        var bobLabels = (await bob.HeaderAsync(conversation)).Strings("labels");
        Assert.All(aliceLabels, n => Assert.False(n.StartsWith('b'), n));
        Assert.All(bobLabels, n => Assert.False(n.StartsWith('a'), n));
        Assert.Contains("b-shared", bobLabels);
        var names = (await alice.SyncedLabelsAsync()).Keys.ToList();
        Assert.Single(names, n => n == "a-shared");
        Assert.Equal(8 + 6, names.Count);
    }
}
