using FleepServer.Data;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Labels;

/// <summary>
/// What the views of conversations need for their labels beyond the rows a view already has, read
/// in ONE command for any number of views: the names of the viewers' user labels and of the
/// conversations' teams, and which conversations have a member whose account is still <c>new</c>
/// (the Email label).
/// </summary>
public static class LabelFacts
{
    public sealed record Facts(IReadOnlyDictionary<Guid, string> Names, IReadOnlySet<Guid> WithEmailMembers);

    internal sealed record FactRow(string Kind, Guid Id, string Name);

    public static async Task<Facts> LoadAsync(FleepDbContext db, IReadOnlyCollection<Guid> conversationIds, IReadOnlyCollection<Guid> labelIds,
        IReadOnlyCollection<Guid> teamIds, IReadOnlyCollection<Guid>? knownNewAccountsOf, CancellationToken ct)
    {
        var labels = labelIds.Distinct().ToArray();
        if (knownNewAccountsOf is not null)
        {
            // The Email label is known already: read only when a user label or a team needs its name.
            var system = knownNewAccountsOf.SelectMany(id => SystemLabels.IdsOf(id).Keys).ToHashSet();
            labels = labels.Where(id => !system.Contains(id)).ToArray();
            if (labels.Length == 0 && teamIds.Count == 0)
            {
                return new Facts(new Dictionary<Guid, string>(), new HashSet<Guid>());
            }

            conversationIds = [];
        }

        var convs = conversationIds.Distinct().ToArray();
        var teams = teamIds.Distinct().ToArray();
        var rows = await db.Database.SqlQuery<FactRow>($"""
            SELECT 'label' AS kind, l.label_id AS id, l.label AS name FROM labels l
            WHERE l.label_id = ANY({labels}) AND l.mk_label_status = 'active'
            UNION ALL
            SELECT 'label', t.team_id, t.team_name FROM teams t WHERE t.team_id = ANY({teams})
            UNION ALL
            SELECT DISTINCT 'email', m.conversation_id, '' FROM conversation_members m JOIN accounts a ON a.account_id = m.account_id
            WHERE m.conversation_id = ANY({convs}) AND a.mk_account_status = 'new' AND m.leave_message_nr IS NULL
            """).ToListAsync(ct);
        var names = new Dictionary<Guid, string>();
        foreach (var r in rows.Where(r => r.Kind == "label"))
        {
            names[r.Id] = r.Name;
        }

        return new Facts(names, rows.Where(r => r.Kind == "email").Select(r => r.Id).ToHashSet());
    }
}
