using System.Security.Cryptography;
using FleepServer.Data;
using FleepServer.Domain.Accounts;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using FleepServer.Http;
using FleepServer.Records;
using FleepServer.Streams;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Teams;

/// <summary>
/// The team actions of api/team/* (docs/teams.md). Each runs as one unit of work: the team row
/// locked, the team changed, its conversations changed one by one (members joining and leaving
/// through it), and the team record and team label pushed to every member, and to members who just
/// left, in the same unit. <c>team_version_nr</c> grows by one per call that changes anything.
/// </summary>
public sealed class TeamActions(
    FleepDbContext db, UnitOfWork unit, TeamConversations conversations, ConversationActions conversationActions, AccountRegistration registration,
    Membership membership, StreamAppender streams, IHttpContextAccessor http, TimeProvider time)
{
    /// <summary>team/create: the caller is the first member and the admin; the team joins the given conversations.</summary>
    public Task<TeamRecord> CreateAsync(Guid accountId, CreateTeam request, CancellationToken ct)
    {
        RefuseOrganisationTeams(request.IsManaged, request.IsOrgWide);
        var name = RequireName(request.TeamName);
        return unit.RunAsync(async token =>
        {
            var invited = await ResolveAsync(request.AccountIds, request.Emails, null, "account_ids", "emails", token);
            var team = new Team
            {
                Id = Guid.NewGuid(),
                TeamName = name,
                CreatorId = accountId,
                Members = invited.Prepend(accountId).Distinct().ToList(),
                Admins = [accountId],
                IsAutojoin = request.IsAutojoin ?? false,
                AutojoinKey = NewAutojoinKey(),
                CreatedTime = time.GetUtcNow(),
                VersionNr = 1,
            };
            db.Teams.Add(team);
            await db.SaveChangesAsync(token);
            foreach (var conversationId in (request.Conversations ?? []).Distinct().Order())
            {
                await conversations.ChangeAsync(accountId, conversationId, Access.Write, change => change.AddTeam(team), token);
            }

            return Push(team, team.Members, []);
        }, ct);
    }

    /// <summary>team/configure: admins only; every given part changes, all or nothing.</summary>
    public Task<TeamRecord> ConfigureAsync(Guid accountId, Guid teamId, ConfigureTeam r, CancellationToken ct)
    {
        RefuseOrganisationTeams(r.IsManaged, r.IsOrgWide);
        var name = r.TeamName is null ? null : RequireName(r.TeamName);
        return unit.RunAsync(async token =>
        {
            var team = await RequireAdminAsync(accountId, teamId, token);
            var add = await ResolveAsync(r.AddAccountIds, r.AddEmails, r.AddedEmails, "add_account_ids", "add_emails", token);
            var remove = await ResolveExistingAsync(Concat(r.RemoveAccountIds, r.KickAccountIds), Concat(r.RemoveEmails, r.RemovedEmails), token);
            var edit = new TeamEdit
            {
                Name = name,
                Join = add,
                Leave = remove,
                AddAdmins = r.AddAdminIds ?? [],
                RemoveAdmins = r.RemoveAdminIds ?? [],
                IsAutojoin = r.IsAutojoin,
                AddConversations = Concat(r.AddConversations, r.AddedConversations) ?? [],
                RemoveConversations = Concat(r.RemoveConversations, r.RemovedConversations) ?? [],
            };
            return await ApplyAsync(accountId, team, edit, token);
        }, ct);
    }

    /// <summary>team/remove: admins only; the team leaves every conversation and is marked deleted.</summary>
    public Task<TeamRecord> RemoveAsync(Guid accountId, Guid teamId, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var team = await RequireAdminAsync(accountId, teamId, token);
            foreach (var conversationId in await conversations.ConversationsOfAsync(team.Id, token))
            {
                await conversations.ChangeAsync(accountId, conversationId, Access.Team, change => change.RemoveTeam(team), token);
            }

            team.IsDeleted = true;
            team.VersionNr++;
            return Push(team, [], team.Members);
        }, ct);

    /// <summary>
    /// team/sync and team:get: the team record, for its members, or for a member of the given
    /// conversation when the conversation has the team. Anyone else: not_found.
    /// </summary>
    public async Task<TeamRecord> SyncAsync(Guid accountId, Guid teamId, SyncTeam request, CancellationToken ct)
    {
        var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == teamId, ct) ?? throw FleepErrors.TeamNotFound();
        if (!team.Members.Contains(accountId))
        {
            if (request.ConversationId is not { } conversationId)
            {
                throw FleepErrors.TeamNotFound();
            }

            var (conversation, _, _) = await membership.RequireAsync(conversationId, accountId, Access.Read, ct);
            if (!conversation.TeamIds.Contains(teamId))
            {
                throw FleepErrors.TeamNotFound();
            }
        }

        return TeamRecords.For(team, PublicUrl.Of(http.HttpContext));
    }

    /// <summary>account/sync_teams: the caller's live teams.</summary>
    public async Task<List<TeamRecord>> ListAsync(Guid accountId, CancellationToken ct)
    {
        var baseUrl = PublicUrl.Of(http.HttpContext);
        return (await db.Teams.AsNoTracking().Where(t => t.Members.Contains(accountId) && !t.IsDeleted).OrderBy(t => t.CreatedTime).ThenBy(t => t.Id)
            .ToListAsync(ct)).Select(t => TeamRecords.For(t, baseUrl)).ToList();
    }

    /// <summary>
    /// team/autojoin: joins a team whose autojoin is on, by its id, the KEY of its autojoin_url or
    /// the whole URL; the joiner joins every conversation of the team. A member just gets the record.
    /// </summary>
    public async Task<TeamRecord> AutojoinAsync(Guid accountId, string urlKey, CancellationToken ct)
    {
        var key = urlKey.Trim().TrimEnd('/');
        key = key[(key.LastIndexOf('/') + 1)..];
        var teamId = Guid.TryParse(key, out var id)
            ? id
            : await db.Teams.Where(t => t.AutojoinKey == key).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct) ?? throw FleepErrors.TeamNotFound();
        return await unit.RunAsync(async token =>
        {
            var team = await conversations.LockAsync(teamId, token);
            if (team is null || team.IsDeleted || (!team.IsAutojoin && !team.Members.Contains(accountId)))
            {
                throw FleepErrors.TeamNotFound();
            }

            return await ApplyAsync(accountId, team, new TeamEdit { Join = [accountId] }, token);
        }, ct);
    }

    private async Task<TeamRecord> ApplyAsync(Guid accountId, Team team, TeamEdit edit, CancellationToken ct)
    {
        var joined = edit.Join.Where(id => !team.Members.Contains(id)).Distinct().ToList();
        var left = edit.Leave.Where(id => team.Members.Contains(id) && !joined.Contains(id)).Distinct().ToList();
        var members = team.Members.Except(left).Concat(joined).ToList();
        foreach (var admin in edit.AddAdmins.Where(id => !members.Contains(id)))
        {
            throw FleepErrors.InvalidField("add_admin_ids", $"{admin} is not a member of the team");
        }

        var admins = team.Admins.Except(edit.RemoveAdmins).Concat(edit.AddAdmins).Where(members.Contains).Distinct().ToList();
        if (admins.Count == 0)
        {
            throw FleepErrors.BusinessRule("last_admin", "A team keeps at least one admin.");
        }

        var existing = await conversations.ConversationsOfAsync(team.Id, ct);
        var addConversations = edit.AddConversations.Distinct().Except(existing).ToList();
        var removeConversations = edit.RemoveConversations.Distinct().Intersect(existing).ToList();
        var renamed = edit.Name is not null && edit.Name != team.TeamName;
        var autojoin = edit.IsAutojoin is { } a && a != team.IsAutojoin;
        var adminsChanged = !admins.ToHashSet().SetEquals(team.Admins);
        if (joined.Count == 0 && left.Count == 0 && !renamed && !autojoin && !adminsChanged && addConversations.Count == 0
            && removeConversations.Count == 0)
        {
            return TeamRecords.For(team, PublicUrl.Of(http.HttpContext));
        }

        team.TeamName = renamed ? edit.Name! : team.TeamName;
        team.IsAutojoin = edit.IsAutojoin ?? team.IsAutojoin;
        team.Members = members;
        team.Admins = admins;
        team.VersionNr++;
        // Saved before the conversations change: their headers read the team's name (its label) from the row.
        await db.SaveChangesAsync(ct);

        // The team's conversations, one by one in id order: those it leaves, those its members join or leave, those it joins.
        foreach (var conversationId in existing.Concat(addConversations).Order())
        {
            if (removeConversations.Contains(conversationId))
            {
                await conversations.ChangeAsync(accountId, conversationId, Access.Team, change => change.RemoveTeam(team), ct);
            }
            else if (addConversations.Contains(conversationId))
            {
                await conversations.ChangeAsync(accountId, conversationId, Access.Write, change => change.AddTeam(team), ct);
            }
            else if (joined.Count > 0 || left.Count > 0 || renamed)
            {
                // A rename changes no membership, but the members' headers name the team's label: they get new headers.
                await conversations.ChangeAsync(accountId, conversationId, Access.Team, change =>
                {
                    change.TeamMembersLeft(team, left);
                    change.TeamMembersJoined(team, joined);
                }, ct, headersChanged: renamed);
            }
        }

        return Push(team, members, left);
    }

    /// <summary>Queues the team record to every member and every leaver, each with its team label (removed for leavers).</summary>
    private TeamRecord Push(Team team, IReadOnlyCollection<Guid> members, IReadOnlyCollection<Guid> leavers)
    {
        var record = TeamRecords.For(team, PublicUrl.Of(http.HttpContext));
        var label = LabelRecords.ForTeam(team);
        var removed = LabelRecords.ForTeam(team, removed: true);
        streams.Add(members.SelectMany(id => new[] { new StreamAppend(id, record), new StreamAppend(id, label) })
            .Concat(leavers.SelectMany(id => new[] { new StreamAppend(id, record), new StreamAppend(id, removed) })));
        return record;
    }

    private async Task<Team> RequireAdminAsync(Guid accountId, Guid teamId, CancellationToken ct)
    {
        var team = await conversations.LockAsync(teamId, ct);
        if (team is null || team.IsDeleted || !team.Members.Contains(accountId))
        {
            throw FleepErrors.TeamNotFound();
        }

        return team.Admins.Contains(accountId) ? team : throw FleepErrors.NotTeamAdmin();
    }

    /// <summary>
    /// Account ids (unknown: 400) and addresses, as conversation/create resolves them, except that an
    /// address without an account gets a placeholder account (<c>mk_account_status: "new"</c>) that
    /// becomes a member; no invitation mail is sent (docs/compatibility.md, "Teams").
    /// </summary>
    private async Task<List<Guid>> ResolveAsync(List<Guid>? ids, AddressList? emails, AddressList? moreEmails, string idsField, string emailsField,
        CancellationToken ct)
    {
        var result = await conversationActions.ResolveAccountsAsync(ids, null, idsField, emailsField, ct);
        var addresses = (emails ?? Enumerable.Empty<string>()).Concat(moreEmails ?? Enumerable.Empty<string>()).Select(e => AccountRules.RequireEmail(e, emailsField)).Distinct().ToList();
        if (addresses.Count > 0)
        {
            var accounts = await registration.EnsureAccountsAsync(addresses, ct);
            result.AddRange(accounts.Values.Select(a => a.Id));
        }

        return result.Distinct().ToList();
    }

    /// <summary>Accounts to remove: ids as given, addresses of existing accounts (an unknown address is nobody's).</summary>
    private async Task<List<Guid>> ResolveExistingAsync(List<Guid>? ids, AddressList? emails, CancellationToken ct)
    {
        var result = new List<Guid>(ids ?? []);
        if (emails is { Count: > 0 })
        {
            var keys = emails.Select(e => AccountRules.EmailKey(AccountRules.RequireEmail(e, "remove_emails"))).Distinct().ToList();
            result.AddRange(await db.Accounts.Where(a => keys.Contains(a.EmailKey)).Select(a => a.Id).ToListAsync(ct));
        }

        return result.Distinct().ToList();
    }

    private static void RefuseOrganisationTeams(bool? isManaged, bool? isOrgWide)
    {
        if (isManaged == true || isOrgWide == true)
        {
            throw FleepErrors.OrganisationTeamsNotSupported();
        }
    }

    private static string RequireName(string? name) =>
        (name ?? "").Trim() is { Length: > 0 } trimmed ? trimmed : throw FleepErrors.InvalidField("team_name", "a non-empty name");

    private static List<T>? Concat<T>(List<T>? a, List<T>? b) => a is null ? b : b is null ? a : [.. a, .. b];

    private static AddressList? Concat(AddressList? a, AddressList? b) => a is null ? b : b is null ? a : new AddressList([.. a, .. b]);

    /// <summary>16 URL-safe characters: the KEY of https://host/team/KEY.</summary>
    private static string NewAutojoinKey() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', '-').Replace('/', '_');

    /// <summary>What one configure (or autojoin) asks for, already resolved to account ids.</summary>
    private sealed record TeamEdit
    {
        public string? Name { get; init; }
        public IReadOnlyList<Guid> Join { get; init; } = [];
        public IReadOnlyList<Guid> Leave { get; init; } = [];
        public IReadOnlyList<Guid> AddAdmins { get; init; } = [];
        public IReadOnlyList<Guid> RemoveAdmins { get; init; } = [];
        public bool? IsAutojoin { get; init; }
        public IReadOnlyList<Guid> AddConversations { get; init; } = [];
        public IReadOnlyList<Guid> RemoveConversations { get; init; } = [];
    }
}
