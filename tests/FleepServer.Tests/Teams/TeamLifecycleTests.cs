using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Teams;

/// <summary>
/// A team from creation to removal through the HTTP API (docs/teams.md): who gets which records,
/// how configure changes members, conversations, admins and the name, the version rule, removal,
/// autojoin and who may do what.
/// </summary>
public sealed class TeamLifecycleTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Create_gives_every_member_the_team_its_label_and_the_team_conversations()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("team room");
        var bobHorizon = await bob.SyncHorizonAsync();
        var carolHorizon = await carol.SyncHorizonAsync();

        var team = await alice.CreateTeamAsync("Core", [bob, carol], [conversation]);

        Assert.Equal("Core", team.Str("team_name"));
        Assert.Equal(1, team.Long("team_version_nr"));
        Assert.Equal([alice.AccountId, bob.AccountId, carol.AccountId], team.Ids("members"));
        Assert.Equal([alice.AccountId], team.Ids("admins"));
        Assert.False(team.Bool("is_deleted"));
        Assert.False(team.Bool("is_managed"));
        Assert.StartsWith("http", team.Str("autojoin_url"));
        Assert.Contains("/team/", team.Str("autojoin_url"));

        foreach (var (member, horizon) in new[] { (bob, bobHorizon), (carol, carolHorizon) })
        {
            var seen = await member.SeenSinceAsync(horizon);
            var teamRecord = Assert.Single(seen.OfTeam("team", team.TeamId()));
            Assert.Equal(1, teamRecord.Long("team_version_nr"));
            var label = Assert.Single(seen.OfTeam("label", team.TeamId()));
            Assert.Equal("Core", label.Str("label"));
            Assert.Equal("system_label", label.Str("mk_label_type"));
            Assert.Equal("team_label", label.Str("mk_label_subtype"));
            Assert.Equal("active", label.Str("mk_label_status"));
            Assert.Equal(team.TeamId(), label.GetProperty("team_id").GetGuid());
            var header = seen.Convs(conversation).Last();
            Assert.True(header.Bool("can_post"));
            Assert.Equal([team.TeamId()], header.Ids("teams"));
            Assert.Equal(new[] { alice.AccountId, bob.AccountId, carol.AccountId }.Order(), header.Ids("members").Order());
        }

        var flow = (await bob.ConvAsync("sync", conversation, new { mk_direction = "ic_full" })).EnsureOk();
        var add = Assert.Single(flow.Messages(), m => m.Str("mk_message_type") == "add_teamV2");
        var body = add.Body();
        Assert.Equal(new[] { bob.AccountId, carol.AccountId }.Order(), body.Ids("members").Order());
        Assert.Equal("{author} added {members} using {team_name}", body.Str("sysmsg_text"));
        Assert.Equal(team.TeamId(), body.GetProperty("team_id").GetGuid());
        Assert.Equal("Core", body.Str("team_name"));
        Assert.Equal([team.TeamId()], body.Ids("teams"));

        // account/sync and sync_teams list the team.
        var sync = (await carol.PostAsync("/api/account/sync")).EnsureOk().Stream();
        Assert.Single(sync.OfTeam("team", team.TeamId()));
        var teams = (await carol.PostAsync("/api/account/sync_teams")).EnsureOk().Stream();
        Assert.Equal(team.TeamId(), Assert.Single(teams).TeamId());
    }

    [Fact]
    public async Task Configure_changes_members_conversations_admins_and_name_with_one_version_per_effective_call()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        var first = await alice.CreateConversationAsync("first");
        var second = await alice.CreateConversationAsync("second");
        var team = await alice.CreateTeamAsync("Ops", [bob], [first]);
        var id = team.TeamId();
        var carolHorizon = await carol.SyncHorizonAsync();

        // Add carol and the second conversation, rename, make bob admin: one call, one version.
        var changed = (await alice.TeamAsync("configure", id, new
        {
            team_name = "Ops 2",
            add_account_ids = new[] { carol.AccountId },
            add_conversations = new[] { second },
            add_admin_ids = new[] { bob.AccountId },
        })).Team();
        Assert.Equal(2, changed.Long("team_version_nr"));
        Assert.Equal("Ops 2", changed.Str("team_name"));
        Assert.Equal([alice.AccountId, bob.AccountId, carol.AccountId], changed.Ids("members"));
        Assert.Equal(new[] { alice.AccountId, bob.AccountId }.Order(), changed.Ids("admins").Order());

        var carolSees = await carol.SeenSinceAsync(carolHorizon);
        Assert.Equal("Ops 2", Assert.Single(carolSees.OfTeam("label", id)).Str("label"));
        foreach (var conversation in new[] { first, second })
        {
            var header = carolSees.Convs(conversation).Last();
            Assert.True(header.Bool("can_post"));
            Assert.Equal([id], header.Ids("teams"));
        }

        // The same again changes nothing: no version bump.
        var same = (await alice.TeamAsync("configure", id, new
        {
            team_name = "Ops 2",
            add_account_ids = new[] { carol.AccountId },
            add_conversations = new[] { second },
            add_admin_ids = new[] { bob.AccountId },
        })).Team();
        Assert.Equal(2, same.Long("team_version_nr"));

        // Bob, now an admin, removes carol (old alias names too) and the first conversation.
        carolHorizon = await carol.SyncHorizonAsync();
        var removed = (await bob.TeamAsync("configure", id, new
        {
            remove_account_ids = new[] { carol.AccountId },
            removed_conversations = new[] { first },
        })).Team();
        Assert.Equal(3, removed.Long("team_version_nr"));
        Assert.Equal([alice.AccountId, bob.AccountId], removed.Ids("members"));
        carolSees = await carol.SeenSinceAsync(carolHorizon);
        Assert.Equal(3, Assert.Single(carolSees.OfTeam("team", id)).Long("team_version_nr"));
        Assert.Equal("removed", Assert.Single(carolSees.OfTeam("label", id)).Str("mk_label_status"));
        var out2 = carolSees.Convs(second).Last();
        Assert.False(out2.Bool("can_post"));
        Assert.Contains(carol.AccountId, out2.Ids("leavers"));
        Assert.Empty((await alice.HeaderAsync(first)).Ids("teams"));
        Assert.Equal([id], (await alice.HeaderAsync(second)).Ids("teams"));

        // Kick (as remove) and the admin flag follow; the last admin cannot go.
        Assert.Equal(4, (await alice.TeamAsync("configure", id, new { remove_admin_ids = new[] { bob.AccountId } })).Team().Long("team_version_nr"));
        (await alice.TeamAsync("configure", id, new { remove_admin_ids = new[] { alice.AccountId } })).AssertError(431, "last_admin");
        Assert.Equal(5, (await alice.TeamAsync("configure", id, new { kick_account_ids = new[] { bob.AccountId } })).Team().Long("team_version_nr"));
        Assert.Equal(6, (await alice.TeamAsync("configure", id, new { is_autojoin = true })).Team().Long("team_version_nr"));
        Assert.Equal(6, (await alice.TeamAsync("configure", id, new { is_autojoin = true, is_managed = false })).Team().Long("team_version_nr"));
    }

    [Fact]
    public async Task Remove_marks_the_team_deleted_and_only_team_only_members_leave()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("shared", carol);
        var team = await alice.CreateTeamAsync("Temp", [bob, carol], [conversation]);
        var bobHorizon = await bob.SyncHorizonAsync();

        var removed = (await alice.TeamAsync("remove", team.TeamId())).Team();

        Assert.True(removed.Bool("is_deleted"));
        Assert.Equal(2, removed.Long("team_version_nr"));
        var header = await alice.HeaderAsync(conversation);
        Assert.Empty(header.Ids("teams"));
        Assert.Equal(new[] { alice.AccountId, carol.AccountId }.Order(), header.Ids("members").Order());
        Assert.Equal([bob.AccountId], header.Ids("leavers"));

        var bobSees = await bob.SeenSinceAsync(bobHorizon);
        Assert.True(Assert.Single(bobSees.OfTeam("team", team.TeamId())).Bool("is_deleted"));
        Assert.Equal("removed", Assert.Single(bobSees.OfTeam("label", team.TeamId())).Str("mk_label_status"));
        Assert.False(bobSees.Convs(conversation).Last().Bool("can_post"));

        var kick = Assert.Single((await alice.ConvAsync("sync", conversation, new { mk_direction = "ic_full" })).EnsureOk().Messages(),
            m => m.Str("mk_message_type") == "kick_team").Body();
        Assert.Equal([team.TeamId()], kick.Ids("teams"));
        Assert.Equal(team.TeamId(), kick.GetProperty("team_id").GetGuid());
        Assert.Equal("Temp", kick.Str("team_name"));

        Assert.Empty((await bob.PostAsync("/api/account/sync_teams")).EnsureOk().Stream());
        (await alice.TeamAsync("configure", team.TeamId(), new { team_name = "again" })).AssertError(430, "not_found");
    }

    [Fact]
    public async Task Autojoin_by_key_and_by_url_joins_the_team_and_its_conversations()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("open room");
        var team = await alice.CreateTeamAsync("Open", [], [conversation]);
        var url = team.Str("autojoin_url");
        var key = url[(url.LastIndexOf('/') + 1)..];

        // Autojoin off: like an unknown team.
        (await bob.PostAsync("/api/team/autojoin", new { team_url_key = key })).AssertError(430, "not_found");
        (await alice.TeamAsync("configure", team.TeamId(), new { is_autojoin = true })).EnsureOk();

        var byKey = (await bob.PostAsync("/api/team/autojoin", new { team_url_key = key })).Team();
        Assert.Contains(bob.AccountId, byKey.Ids("members"));
        Assert.Equal(3, byKey.Long("team_version_nr"));
        var byUrl = (await carol.PostAsync("/api/team/autojoin", new { team_url_key = url })).Team();
        Assert.Equal([alice.AccountId, bob.AccountId, carol.AccountId], byUrl.Ids("members"));
        Assert.Equal(4, byUrl.Long("team_version_nr"));
        // Joining again changes nothing.
        Assert.Equal(4, (await carol.PostAsync("/api/team/autojoin", new { team_url_key = team.TeamId().ToString() })).Team().Long("team_version_nr"));

        var header = await carol.HeaderAsync(conversation);
        Assert.True(header.Bool("can_post"));
        Assert.Equal(new[] { alice.AccountId, bob.AccountId, carol.AccountId }.Order(), header.Ids("members").Order());
    }

    [Fact]
    public async Task Only_admins_configure_only_members_sync_and_organisation_teams_are_refused()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var outsider = await server.NewAccountAsync();
        var team = await alice.CreateTeamAsync("Guarded", [bob]);
        var id = team.TeamId();

        (await bob.TeamAsync("configure", id, new { team_name = "mine" })).AssertError(431, "not_team_admin");
        (await bob.TeamAsync("remove", id)).AssertError(431, "not_team_admin");
        (await outsider.TeamAsync("configure", id, new { team_name = "mine" })).AssertError(430, "not_found");
        (await outsider.TeamAsync("sync", id)).AssertError(430, "not_found");
        (await outsider.TeamAsync("sync", Guid.NewGuid())).AssertError(430, "not_found");
        Assert.Equal("Guarded", (await bob.TeamAsync("sync", id)).Team().Str("team_name"));
        Assert.Equal(1, (await alice.TeamAsync("sync", id)).Team().Long("team_version_nr"));

        (await alice.PostAsync("/api/team/create", new { team_name = "org", is_managed = true })).AssertError(431, "not_supported");
        (await alice.PostAsync("/api/team/create", new { team_name = "org", is_org_wide = true })).AssertError(431, "not_supported");
        (await alice.TeamAsync("configure", id, new { is_org_wide = true })).AssertError(431, "not_supported");
        (await alice.PostAsync("/api/team/create", new { team_name = "  " })).AssertError(400);
        (await alice.PostAsync("/api/team/create", new { is_managed = false })).AssertError(400);
        (await alice.TeamAsync("configure", id, new { add_account_ids = new[] { Guid.NewGuid() } })).AssertError(400);
        (await alice.PostAsync("/api/team/configure/not-a-team", new { team_name = "x" })).AssertError(400);
        // A conversation the creator is not in cannot be given to the team.
        var foreign = await outsider.CreateConversationAsync("not yours");
        (await alice.PostAsync("/api/team/create", new { team_name = "x", conversations = new[] { foreign } })).AssertError(430, "not_found");
        Assert.Equal(1, (await alice.TeamAsync("sync", id)).Team().Long("team_version_nr"));

        // A member of a conversation that has the team may read it through that conversation.
        var conversation = await alice.CreateConversationAsync("with team", outsider);
        (await alice.ConvAsync("store", conversation, new { add_team_ids = new[] { id } })).EnsureOk();
        Assert.Equal(id, (await outsider.TeamAsync("sync", id, new { conversation_id = conversation })).Team().TeamId());
    }

    [Fact]
    public async Task An_unknown_address_becomes_a_new_account_that_is_a_member()
    {
        using var alice = await server.NewAccountAsync();
        var address = $"invitee.{Guid.NewGuid():N}@example.org";
        var team = (await alice.PostAsync("/api/team/create", new { team_name = "Invites", emails = address })).Team();

        Assert.Equal(2, team.Ids("members").Count);
        var invitee = team.Ids("members")[1];
        await using var db = server.OpenDb();
        var account = db.Accounts.Single(a => a.Id == invitee);
        Assert.Equal(address, account.Email);
        Assert.Equal("new", account.Status);
    }
}
