using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Teams;

/// <summary>
/// Why an account is a member (docs/conversations.md, "Membership reasons"): in its own right,
/// through teams of the conversation, or both; the membership ends when the last reason goes, or
/// when the member leaves by itself.
/// </summary>
public sealed class MembershipReasonTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private async Task<(bool InOwnRight, List<Guid> ViaTeamIds, bool Active)> ReasonsAsync(Guid conversation, Guid account)
    {
        await using var db = server.OpenDb();
        var member = await db.ConversationMembers.AsNoTracking().SingleAsync(m => m.ConversationId == conversation && m.AccountId == account,
            TestContext.Current.CancellationToken);
        return (member.InOwnRight, member.ViaTeamIds, member.IsActive);
    }

    [Fact]
    public async Task A_member_stays_until_the_last_reason_goes()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var dave = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("reasons", dave);
        var red = (await alice.CreateTeamAsync("Red", [bob, dave])).TeamId();
        var blue = (await alice.CreateTeamAsync("Blue", [bob, dave])).TeamId();
        var both = (await alice.ConvAsync("store", conversation, new { add_team_ids = new[] { red, blue } })).EnsureOk().Header();
        Assert.Equal(new[] { red, blue }.Order(), both.Ids("teams").Order());

        var bobReasons = await ReasonsAsync(conversation, bob.AccountId);
        Assert.False(bobReasons.InOwnRight);
        Assert.Equal(new[] { red, blue }.Order(), bobReasons.ViaTeamIds.Order());
        var daveReasons = await ReasonsAsync(conversation, dave.AccountId);
        Assert.True(daveReasons.InOwnRight);
        Assert.Equal(new[] { red, blue }.Order(), daveReasons.ViaTeamIds.Order());

        // Red leaves the conversation: both stay through blue.
        (await alice.ConvAsync("store", conversation, new { remove_team_ids = new[] { red } })).EnsureOk();
        Assert.Equal(new[] { alice.AccountId, bob.AccountId, dave.AccountId }.Order(), (await alice.HeaderAsync(conversation)).Ids("members").Order());
        Assert.Equal([blue], (await ReasonsAsync(conversation, bob.AccountId)).ViaTeamIds);

        // Bob and dave leave blue: bob has no reason left, dave is still there in his own right.
        (await alice.TeamAsync("configure", blue, new { remove_account_ids = new[] { bob.AccountId, dave.AccountId } })).EnsureOk();
        var header = await alice.HeaderAsync(conversation);
        Assert.Equal(new[] { alice.AccountId, dave.AccountId }.Order(), header.Ids("members").Order());
        Assert.Equal([bob.AccountId], header.Ids("leavers"));
        var daveNow = await ReasonsAsync(conversation, dave.AccountId);
        Assert.True(daveNow.Active);
        Assert.True(daveNow.InOwnRight);
        Assert.Empty(daveNow.ViaTeamIds);
        var kick = (await alice.ConvAsync("sync", conversation, new { mk_direction = "ic_full" })).EnsureOk().Messages()
            .Last(m => m.Str("mk_message_type") == "kick_team").Body();
        Assert.Equal([bob.AccountId], kick.Ids("members"));
        Assert.Equal(blue, kick.GetProperty("team_id").GetGuid());

        // Bob, removed through the team, gets the conversation's not_found like a removed member.
        (await bob.SendAsync(conversation, "still here?")).AssertError(430, "not_found");
    }

    [Fact]
    public async Task A_team_only_leaver_receives_nothing_posted_after_it_left()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("quiet");
        var team = (await alice.CreateTeamAsync("Quiet", [bob], [conversation])).TeamId();
        var horizon = await bob.SyncHorizonAsync();

        (await alice.ConvAsync("remove_team", conversation, new { team_id = team })).EnsureOk();
        var afterLeave = await bob.SyncHorizonAsync();
        var leaveSeen = await bob.SeenSinceAsync(horizon);
        var last = leaveSeen.Convs(conversation).Last();
        Assert.False(last.Bool("can_post"));
        Assert.True(last.Bool("is_reset"));
        Assert.Contains(bob.AccountId, last.Ids("leavers"));
        Assert.Contains(leaveSeen, r => r.Str("mk_rec_type") == "message" && r.Str("mk_message_type") == "kick_team");

        (await alice.SendAsync(conversation, "secret after bob left")).EnsureOk();
        (await alice.ConvAsync("set_topic", conversation, new { topic = "new topic" })).EnsureOk();

        var after = await bob.SeenSinceAsync(afterLeave);
        Assert.DoesNotContain(after, r => r.TryGetProperty("conversation_id", out var c) && c.GetGuid() == conversation);
    }

    [Fact]
    public async Task Leaving_ends_the_membership_whatever_its_reasons_and_own_right_is_kept_beside_teams()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("leave");
        var team = (await alice.CreateTeamAsync("Leavers", [bob, carol], [conversation])).TeamId();

        // add_members gives carol her own right beside the team.
        (await alice.ConvAsync("add_members", conversation, new { account_ids = new[] { carol.AccountId } })).EnsureOk();
        var carolReasons = await ReasonsAsync(conversation, carol.AccountId);
        Assert.True(carolReasons.InOwnRight);
        Assert.Equal([team], carolReasons.ViaTeamIds);

        // Bob is there through the team only, and leaves anyway.
        (await bob.ConvAsync("leave", conversation)).EnsureOk();
        var bobReasons = await ReasonsAsync(conversation, bob.AccountId);
        Assert.False(bobReasons.Active);
        Assert.False(bobReasons.InOwnRight);
        Assert.Empty(bobReasons.ViaTeamIds);

        // The team leaves: carol stays in her own right.
        (await alice.ConvAsync("remove_team", conversation, new { team_id = team })).EnsureOk();
        var header = await alice.HeaderAsync(conversation);
        Assert.Equal(new[] { alice.AccountId, carol.AccountId }.Order(), header.Ids("members").Order());
        Assert.Empty(header.Ids("teams"));
    }

    [Fact]
    public async Task Team_members_join_every_team_conversation_and_create_and_add_team_take_teams()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        using var outsider = await server.NewAccountAsync();
        var team = (await alice.CreateTeamAsync("Everywhere", [bob])).TeamId();

        // conversation/create with team_ids.
        var created = (await alice.PostAsync("/api/conversation/create", new { topic = "made with team", team_ids = new[] { team } })).EnsureOk();
        var first = created.Header().GetProperty("conversation_id").GetGuid();
        Assert.Equal([team], created.Header().Ids("teams"));
        Assert.Contains(bob.AccountId, created.Header().Ids("members"));
        Assert.Contains(created.Messages(), m => m.Str("mk_message_type") == "add_teamV2");

        // The legacy add_team call.
        var second = await alice.CreateConversationAsync("legacy");
        var added = (await alice.ConvAsync("add_team", second, new { team_id = team })).EnsureOk();
        Assert.Equal([team], added.Header().Ids("teams"));
        Assert.Equal("add_teamV2", added.Message().Str("mk_message_type"));

        // A new team member joins both.
        (await alice.TeamAsync("configure", team, new { add_account_ids = new[] { carol.AccountId } })).EnsureOk();
        foreach (var conversation in new[] { first, second })
        {
            var header = await carol.HeaderAsync(conversation);
            Assert.True(header.Bool("can_post"));
            Assert.Equal([team], header.Ids("teams"));
            Assert.Equal([team], (await ReasonsAsync(conversation, carol.AccountId)).ViaTeamIds);
        }

        // Someone outside the team cannot add it; an unknown team is not found either.
        var own = await outsider.CreateConversationAsync("outsider's");
        (await outsider.ConvAsync("store", own, new { add_team_ids = new[] { team } })).AssertError(430, "not_found");
        (await alice.ConvAsync("add_team", second, new { team_id = Guid.NewGuid() })).AssertError(430, "not_found");
        (await alice.ConvAsync("add_team", second, new { })).AssertError(400);
        // Adding it twice changes nothing.
        var again = (await alice.ConvAsync("add_team", second, new { team_id = team })).EnsureOk();
        Assert.Empty(again.Messages());
    }
}
