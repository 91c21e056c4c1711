using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Teams;

/// <summary>
/// Verify-stream for every team action (docs/streams.md): a client that took account/sync and
/// applies the polled records ends with what a fresh account/sync says, whoever made the change.
/// </summary>
public sealed class TeamStreamTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static readonly string[] InitOnly = ["is_init", "is_full", "is_tiny", "mk_init_mode", "fw_message_nr", "bw_message_nr"];

    /// <summary>Syncs, runs the action, applies the polled records and compares with a fresh sync.</summary>
    private static async Task VerifyAsync(FleepTestClient viewer, string what, Func<Task> action)
    {
        var before = (await viewer.PostAsync("/api/account/sync")).EnsureOk();
        var cache = new Dictionary<string, Dictionary<string, string>>();
        before.Stream().MergeInto(cache);

        await action();

        (await viewer.SeenSinceAsync(before.Horizon())).MergeInto(cache);
        var fresh = new Dictionary<string, Dictionary<string, string>>();
        (await viewer.PostAsync("/api/account/sync")).EnsureOk().Stream().MergeInto(fresh);
        Assert.True(fresh.Count > 0);
        foreach (var (key, fields) in fresh)
        {
            Assert.True(cache.TryGetValue(key, out var cached), $"{what}: {key} never arrived through the stream");
            foreach (var (name, value) in fields.Where(f => !InitOnly.Contains(f.Key)))
            {
                Assert.True(cached.TryGetValue(name, out var streamed), $"{what}: {key}.{name} never arrived through the stream");
                Assert.True(value == streamed, $"{what}: {key}.{name}: sync says {value}, the stream said {streamed}");
            }
        }
    }

    [Fact]
    public async Task Applying_polled_records_after_each_team_action_gives_the_fresh_sync()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("verify teams");
        var other = await alice.CreateConversationAsync("verify teams 2", carol);
        JsonElement team = default;
        Guid id = default;

        foreach (var viewer in new[] { bob, carol })
        {
            await VerifyAsync(viewer, "create", async () =>
            {
                team = await alice.CreateTeamAsync($"Verify {viewer.AccountId:N}", [bob], [conversation]);
                id = team.TeamId();
            });
            await VerifyAsync(viewer, "rename", async () => (await alice.TeamAsync("configure", id, new { team_name = "Renamed" })).EnsureOk());
            await VerifyAsync(viewer, "add member", async () =>
                (await alice.TeamAsync("configure", id, new { add_account_ids = new[] { carol.AccountId } })).EnsureOk());
            await VerifyAsync(viewer, "add admin", async () =>
                (await alice.TeamAsync("configure", id, new { add_admin_ids = new[] { bob.AccountId } })).EnsureOk());
            await VerifyAsync(viewer, "add conversation", async () =>
                (await bob.TeamAsync("configure", id, new { add_conversations = new[] { conversation } })).EnsureOk());
            await VerifyAsync(viewer, "store add_team_ids", async () =>
                (await alice.ConvAsync("store", other, new { add_team_ids = new[] { id } })).EnsureOk());
            await VerifyAsync(viewer, "remove member", async () =>
                (await bob.TeamAsync("configure", id, new { remove_account_ids = new[] { carol.AccountId } })).EnsureOk());
            await VerifyAsync(viewer, "autojoin", async () =>
            {
                (await alice.TeamAsync("configure", id, new { is_autojoin = true })).EnsureOk();
                (await carol.PostAsync("/api/team/autojoin", new { team_url_key = team.Str("autojoin_url") })).EnsureOk();
            });
            await VerifyAsync(viewer, "event remove_team", async () =>
                (await alice.EventAsync("conv:remove_team", new { conversation_id = other, team_id = id })).EnsureApplied());
            await VerifyAsync(viewer, "event add_team", async () =>
                (await alice.EventAsync("conv:add_team", new { conversation_id = other, team_id = id })).EnsureApplied());
            await VerifyAsync(viewer, "remove conversation", async () =>
                (await alice.TeamAsync("configure", id, new { remove_conversations = new[] { conversation } })).EnsureOk());
            await VerifyAsync(viewer, "remove team", async () => (await alice.TeamAsync("remove", id)).EnsureOk());
        }
    }
}
