using FleepServer.Data;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Labels;

/// <summary>Team labels: made from the teams an account is in, on the conversations it is in through the team.</summary>
public sealed class TeamLabelTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task A_team_label_is_listed_and_marks_the_conversations_the_viewer_is_in_through_the_team()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("team room", bob);
        var teamId = Guid.NewGuid();
        var ct = TestContext.Current.CancellationToken;

        // The team and its conversation written directly: the team API is not what this test checks.
        await using (var db = server.OpenDb())
        {
            db.Teams.Add(new Team
            {
                Id = teamId, TeamName = "Ops", CreatorId = alice.AccountId, Members = [alice.AccountId, bob.AccountId], Admins = [alice.AccountId],
                AutojoinKey = Guid.NewGuid().ToString("N"), CreatedTime = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync(ct);
            await db.Conversations.Where(c => c.Id == conversation).ExecuteUpdateAsync(s => s.SetProperty(c => c.TeamIds, new List<Guid> { teamId }), ct);
            await db.ConversationMembers.Where(m => m.ConversationId == conversation && m.AccountId == alice.AccountId)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ViaTeamIds, new List<Guid> { teamId }), ct);
        }

        var labels = await alice.SyncedLabelsAsync();
        var team = labels["Ops"];
        Assert.Equal(teamId, team.GetProperty("label_id").GetGuid());
        Assert.Equal("team_label", team.Str("mk_label_subtype"));
        Assert.Equal(teamId, team.GetProperty("team_id").GetGuid());

        var aliceHeader = await alice.HeaderAsync(conversation);
        Assert.Contains(teamId, aliceHeader.Ids("label_ids"));
        Assert.Contains("Ops", aliceHeader.Strings("labels"));
        // Bob is in the team but in the conversation in his own right only.
        Assert.DoesNotContain(teamId, (await bob.HeaderAsync(conversation)).Ids("label_ids"));

        var page = (await alice.PostAsync("/api/label/sync_conversations", new { label_id = teamId })).EnsureOk().Stream();
        Assert.Equal(conversation, Assert.Single(page, r => r.Str("mk_rec_type") == "conv").GetProperty("conversation_id").GetGuid());
        Assert.DoesNotContain((await bob.PostAsync("/api/label/sync_conversations", new { label_id = teamId })).EnsureOk().Stream(),
            r => r.Str("mk_rec_type") == "conv");
    }
}
