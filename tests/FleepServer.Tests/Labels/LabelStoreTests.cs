using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Labels;

/// <summary>api/label/store: create, rename, reorder, flags, remove; system labels (docs/labels.md).</summary>
public sealed class LabelStoreTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static readonly (string Name, string Subtype, bool Left, bool Recent, bool Muted)[] SystemDefaults =
    [
        ("starred", "starred", true, false, false),
        ("Recent", "recent", true, true, false),
        ("Muted", "muted", true, false, true),
        ("Spam", "spam", true, false, false),
        ("Archived", "archived", true, false, false),
        ("Unread", "unread", false, true, true),
        ("1:1 Conversations", "1:1 conversations", false, true, true),
        ("Email", "email", false, true, true),
    ];

    [Fact]
    public async Task A_new_account_has_the_eight_system_labels_with_their_defaults()
    {
        using var alice = await server.NewAccountAsync();
        var labels = await alice.SyncedLabelsAsync();
        Assert.Equal(8, labels.Count);
        foreach (var (name, subtype, left, recent, muted) in SystemDefaults)
        {
            var l = labels[name];
            Assert.Equal("system_label", l.Str("mk_label_type"));
            Assert.Equal(subtype, l.Str("mk_label_subtype"));
            Assert.Equal("active", l.Str("mk_label_status"));
            Assert.Equal(left, l.Bool("is_on_left_pane"));
            Assert.Equal(recent, l.Bool("is_in_recent"));
            Assert.Equal(muted, l.Bool("is_in_muted"));
        }

        using var bob = await server.NewAccountAsync();
        var bobs = await bob.SyncedLabelsAsync();
        Assert.Equal(8, bobs.Count);
        Assert.NotEqual(labels["starred"].Str("label_id"), bobs["starred"].Str("label_id"));
    }

    [Fact]
    public async Task Create_rename_reorder_flags_and_remove_a_user_label()
    {
        using var alice = await server.NewAccountAsync();
        var before = (await alice.PostAsync("/api/account/sync")).EnsureOk();

        var created = await alice.StoreLabelAsync(new { label = "finance" });
        Assert.Equal("finance", created.Str("label"));
        Assert.Equal("user_label", created.Str("mk_label_type"));
        Assert.Equal("user", created.Str("mk_label_subtype"));
        Assert.Equal("active", created.Str("mk_label_status"));
        Assert.True(created.Bool("is_on_left_pane"));
        Assert.True(created.Bool("is_in_recent"));
        Assert.True(created.Bool("is_in_muted"));
        var id = created.GetProperty("label_id").GetGuid();

        var renamed = await alice.StoreLabelAsync(new { label_id = id, label = "money" });
        Assert.Equal("money", renamed.Str("label"));
        Assert.Equal(id, renamed.GetProperty("label_id").GetGuid());

        var moved = await alice.StoreLabelAsync(new { label_id = id, index = 42 });
        Assert.Equal(42, moved.Long("index"));
        Assert.Equal("money", moved.Str("label"));

        var flags = await alice.StoreLabelAsync(new { label_id = id, is_on_left_pane = false, is_in_recent = false });
        Assert.False(flags.Bool("is_on_left_pane"));
        Assert.False(flags.Bool("is_in_recent"));
        Assert.True(flags.Bool("is_in_muted"));

        var labels = await alice.SyncedLabelsAsync();
        Assert.Equal(9, labels.Count);
        Assert.Equal(42, labels["money"].Long("index"));

        var removed = await alice.StoreLabelAsync(new { label_id = id, index = -1 });
        Assert.Equal("removed", removed.Str("mk_label_status"));
        Assert.Equal(8, (await alice.SyncedLabelsAsync()).Count);

        // Removal by name.
        await alice.StoreLabelAsync(new { label = "travel" });
        var byName = await alice.StoreLabelAsync(new { label = "TRAVEL", index = -1 });
        Assert.Equal("removed", byName.Str("mk_label_status"));
        Assert.Equal("travel", byName.Str("label"));
        Assert.Equal(8, (await alice.SyncedLabelsAsync()).Count);

        await alice.AssertStreamKeepsSyncAsync(before);
    }

    [Fact]
    public async Task Names_are_unique_per_account_case_insensitively_and_bounded()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        await alice.StoreLabelAsync(new { label = "finance" });
        (await alice.PostAsync("/api/label/store", new { label = "Finance" })).AssertError(431, "label_exists");
        (await alice.PostAsync("/api/label/store", new { label = "muted" })).AssertError(431, "label_exists");
        (await alice.PostAsync("/api/label/store", new { label = new string('x', 257) })).AssertError(400);
        (await alice.PostAsync("/api/label/store", new { label = "   " })).AssertError(400);
        (await alice.PostAsync("/api/label/store", new { })).AssertError(400);
        var other = await alice.StoreLabelAsync(new { label = "other" });
        (await alice.PostAsync("/api/label/store", new { label_id = other.GetProperty("label_id").GetGuid(), label = "FINANCE" }))
            .AssertError(431, "label_exists");

        // Another account has its own names, and cannot touch alice's labels.
        await bob.StoreLabelAsync(new { label = "finance" });
        (await bob.PostAsync("/api/label/store", new { label_id = other.GetProperty("label_id").GetGuid(), label = "mine" })).AssertError(430);
        (await bob.PostAsync("/api/label/store", new { label_id = Guid.NewGuid(), index = -1 })).AssertError(430);

        // A removed name is free again.
        await alice.StoreLabelAsync(new { label = "finance", index = -1 });
        Assert.Equal("finance", (await alice.StoreLabelAsync(new { label = "finance" })).Str("label"));
    }

    [Fact]
    public async Task System_labels_cannot_be_renamed_or_removed_and_their_recent_and_muted_flags_are_fixed()
    {
        using var alice = await server.NewAccountAsync();
        var before = (await alice.PostAsync("/api/account/sync")).EnsureOk();
        var labels = before.Stream().Labels().ToDictionary(l => l.Str("label"));
        var muted = labels["Muted"].GetProperty("label_id").GetGuid();

        (await alice.PostAsync("/api/label/store", new { label_id = muted, label = "Quiet" })).AssertError(431, "system_label");
        (await alice.PostAsync("/api/label/store", new { label_id = muted, index = -1 })).AssertError(431, "system_label");
        (await alice.PostAsync("/api/label/store", new { label = "Spam", index = -1 })).AssertError(431, "system_label");
        (await alice.PostAsync("/api/label/store", new { label_id = muted, is_in_muted = false })).AssertError(431, "system_label");
        (await alice.PostAsync("/api/label/store", new { label_id = muted, is_in_recent = true })).AssertError(431, "system_label");

        // The left pane and the position may change; the same fixed flag value is accepted.
        var changed = await alice.StoreLabelAsync(new { label_id = muted, is_on_left_pane = false, index = 20, is_in_muted = true });
        Assert.False(changed.Bool("is_on_left_pane"));
        Assert.Equal(20, changed.Long("index"));
        Assert.Equal("Muted", changed.Str("label"));
        Assert.Equal(muted, changed.GetProperty("label_id").GetGuid());
        var synced = await alice.SyncedLabelsAsync();
        Assert.Equal(8, synced.Count);
        Assert.False(synced["Muted"].Bool("is_on_left_pane"));

        await alice.AssertStreamKeepsSyncAsync(before);
    }

    [Fact]
    public async Task A_label_change_reaches_the_owners_other_sessions_and_no_one_else()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        await alice.CreateConversationAsync("shared", bob);
        using var second = server.NewClient();
        await second.LoginAsync(alice.Email, "correct horse");
        var horizon = (await second.PostAsync("/api/account/sync")).EnsureOk().Horizon();
        var bobHorizon = (await bob.PostAsync("/api/account/sync")).EnsureOk().Horizon();

        var created = await alice.StoreLabelAsync(new { label = "secret" });

        var polled = Assert.Single((await second.PollAsync(horizon)).Stream().Labels());
        Assert.Equal(created.GetProperty("label_id").GetGuid(), polled.GetProperty("label_id").GetGuid());
        Assert.Empty((await bob.PollAsync(bobHorizon)).Stream());
    }

    [Fact]
    public async Task Concurrent_sessions_creating_the_same_name_make_one_label()
    {
        using var alice = await server.NewAccountAsync();
        var sessions = new List<FleepTestClient>();
        for (var i = 0; i < 4; i++)
        {
            var s = server.NewClient();
            await s.LoginAsync(alice.Email, "correct horse");
            sessions.Add(s);
        }

        var answers = await Task.WhenAll(sessions.SelectMany(s => new[]
        {
            s.PostAsync("/api/label/store", new { label = "race" }),
            s.PostAsync("/api/label/store", new { label = $"own {sessions.IndexOf(s)}" }),
        }));
        Assert.Equal(8, answers.Length);
        Assert.Equal(1 + 4, answers.Count(a => a.StatusCode == 200));
        Assert.Equal(3, answers.Count(a => a.StatusCode == 431 && a.ErrorId == "label_exists"));
        var labels = await alice.SyncedLabelsAsync();
        Assert.Equal(8 + 5, labels.Count);
        foreach (var s in sessions)
        {
            s.Dispose();
        }
    }
}
