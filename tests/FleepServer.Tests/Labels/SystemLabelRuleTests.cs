using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Domain.Labels;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Labels;

/// <summary>The pure label rules: system label ids and the derived labels of a view.</summary>
public sealed class SystemLabelRuleTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task System_label_ids_are_the_same_in_csharp_and_in_sql()
    {
        var account = Guid.NewGuid();
        await using var db = server.OpenDb();
        foreach (var label in SystemLabels.All)
        {
            var sql = await db.Database.SqlQuery<Guid>($"SELECT md5({account.ToString("D")} || ':' || {label.Subtype})::uuid AS \"Value\"")
                .SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(sql, SystemLabels.IdOf(account, label.Subtype));
        }

        Assert.Equal(8, SystemLabels.IdsOf(account).Count);
        Assert.NotEqual(SystemLabels.IdOf(account, "starred"), SystemLabels.IdOf(Guid.NewGuid(), "starred"));
    }

    [Fact]
    public void A_views_derived_labels_follow_its_state()
    {
        var me = Guid.NewGuid();
        var other = Guid.NewGuid();
        var conversation = new Conversation { Id = Guid.NewGuid(), AutojoinKey = "k", LastMessageNr = 5, LastInboxNr = 3 };
        var viewer = new ConversationMember { ConversationId = conversation.Id, AccountId = me, ReadInboxNr = 3 };
        var members = new List<ConversationMember> { viewer, new() { ConversationId = conversation.Id, AccountId = other } };
        List<string> Names(ConvView v) => ConvLabels.For(v).Select(l => l.Name).ToList();

        Assert.Equal(["Recent", "1:1 Conversations"], Names(new ConvView(conversation, members, viewer, 1)));

        viewer.MkAlertLevel = AlertLevels.Never;
        viewer.HideMessageNr = 5;
        viewer.ReadInboxNr = 2;
        viewer.LabelIds = [SystemLabels.IdOf(me, SystemLabels.Starred)];
        conversation.Topic = "not a dialog";
        Assert.Equal(["starred", "Muted", "Archived", "Unread", "Email"],
            Names(new ConvView(conversation, members, viewer, 1) { HasEmailMember = true }));
    }
}
