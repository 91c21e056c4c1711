using System.Security.Cryptography;
using FleepServer.Data;
using FleepServer.Domain.Accounts;
using FleepServer.Domain.Files;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// The conversation actions of api/conversation/*. Each validates its whole input
/// first, then makes its change through the <see cref="ConversationWriter"/> (one unit of work with
/// the conversation row locked) and answers with the caller's view.
/// </summary>
public sealed class ConversationActions(
    FleepDbContext db, UnitOfWork unit, ConversationWriter writer, Membership membership, ConversationReader reader, ConversationFanOut fanOut,
    Attachments attachments, Teams.TeamConversations teams, Labels.LabelBook labels, AccountRegistration registration, Mail.Invitations invitations,
    TimeProvider time)
{
    /// <summary>Conversations per conversation/list batch.</summary>
    public const int ListBatchSize = 50;

    /// <summary>Longest snooze accepted: ten years.</summary>
    public const long MaxSnoozeSeconds = 10L * 366 * 24 * 3600;

    /// <summary>
    /// conversation/create: the conversation, its create message (and first message), every
    /// member's stream; in one unit of work, or in the caller's when one runs (contact:get_dialog).
    /// </summary>
    public async Task<ConvResult> CreateAsync(Guid accountId, CreateConversation request, CancellationToken ct)
    {
        ManagedInputs.Refuse(request.IsManaged, request.AddAdmins, request.RemoveAdmins, request.IsDeletedByAdmin);
        var convType = request.MkConvType ?? (request.IsList == true ? ConvTypes.List : ConvTypes.Default);
        if (!ConvTypes.All.Contains(convType))
        {
            throw FleepErrors.InvalidField("mk_conv_type", $"one of {string.Join(", ", ConvTypes.All)}");
        }

        var topic = (request.Topic ?? "").Trim();
        var text = string.IsNullOrWhiteSpace(request.Message) ? null : request.Message;
        var files = request.Attachments is { Count: > 0 } references
            ? await attachments.ResolveAsync(accountId, references, "attachments", null, ct)
            : null;
        return await unit.RunAsync(async token =>
        {
            var invited = await ResolveAccountsAsync(request.AccountIds, request.Emails, "account_ids", "emails", token, placeholders: true);
            if (request.ForkConversationId is { } forkId)
            {
                var (_, forkMembers, _) = await membership.RequireAsync(forkId, accountId, Access.Read, token);
                invited.InsertRange(0, forkMembers.Where(m => m.IsActive).Select(m => m.AccountId));
            }

            invited = invited.Where(id => id != accountId).Distinct().ToList();
            var (addTeams, _) = await teams.ForConversationAsync(accountId, request.TeamIds, null, token);
            var created = await CreateAsync(accountId, request, convType, topic, text, files, invited, token);
            if (request.IsInvite == true)
            {
                await invitations.InviteAsync(accountId, topic, invited, token);
            }

            return await AddTeamsAsync(accountId, created, addTeams, token);
        }, ct);
    }

    private async Task<ConvResult> CreateAsync(Guid accountId, CreateConversation request, string convType, string topic, string? text,
        List<MessageFile>? files, List<Guid> invited, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var conversation = new Conversation
        {
            Id = Guid.NewGuid(),
            CreatorId = accountId,
            Topic = topic,
            TopicMessageNr = 1,
            CreatedTime = now,
            LastMessageTime = now,
            LastAlertMessageNr = 1,
            MkConvType = convType,
            IsList = request.IsList ?? convType == ConvTypes.List,
            IsAutojoin = request.IsAutojoin ?? false,
            IsDisclose = request.IsDisclose ?? false,
            IsUrlPreviewDisabled = request.IsUrlPreviewDisabled ?? false,
            AutojoinKey = NewAutojoinKey(),
        };
        db.Conversations.Add(conversation);

        var create = FlowWriter.AppendSystem(db, conversation, accountId, SystemTypes.Create,
            FlowWriter.SystemBody(("members", invited), ("topic", topic), ("org_name", null), ("organisation_id", null)), now);
        var members = new List<ConversationMember>();
        foreach (var id in invited.Prepend(accountId))
        {
            var member = new ConversationMember
            {
                ConversationId = conversation.Id,
                AccountId = id,
                JoinMessageNr = 1,
                BeginMessageNr = 1,
                SendMessageNr = 1,
                JoinedTime = now,
            };
            members.Add(member);
            db.ConversationMembers.Add(member);
        }

        var creator = members[0];
        FlowWriter.ReadOwn(creator, create);
        List<Message> stream = [create];
        if (text is not null || files is not null)
        {
            var body = text is null ? MessageActions.FileMessageBody : Markup.ToXml(text);
            var message = FlowWriter.Append(db, conversation, accountId, SystemTypes.Text, MessageStates.Plain, body, alerting: true, now);
            message.Subject = string.IsNullOrEmpty(request.Subject) ? null : request.Subject;
            message.Files = files;
            FlowWriter.ReadOwn(creator, message);
            stream.Add(message);
        }

        await db.SaveChangesAsync(ct);
        var views = await fanOut.AppendAsync(new ConversationFanOutInput(conversation, members, accountId, stream, [], null, 1)
        {
            Joined = members.Select(m => m.AccountId).ToList(),
        }, ct);
        return new ConvResult(views.First(v => v.ViewerId == accountId), stream)
        {
            Mode = HeaderMode.Full,
            BwMessageNr = 1,
            FwMessageNr = conversation.LastMessageNr,
            ResultMessageNr = 1,
        };
    }

    /// <summary>conversation/create with team_ids: each team joins the new conversation; the answer lists its add_teamV2 messages too.</summary>
    private async Task<ConvResult> AddTeamsAsync(Guid accountId, ConvResult created, List<Team> addTeams, CancellationToken ct)
    {
        if (addTeams.Count == 0)
        {
            return created;
        }

        var conversationId = created.View.Conversation.Id;
        var result = created;
        foreach (var team in addTeams)
        {
            result = await writer.ChangeAsync(new(accountId, conversationId), change => change.AddTeam(team), ct);
        }

        return created with { View = result.View, Messages = [.. created.Messages, .. result.Messages], FwMessageNr = result.View.LastMessageNr };
    }

    public Task<ConvResult> SyncAsync(Guid accountId, Guid conversationId, string? direction, long? from, CancellationToken ct) =>
        reader.SyncAsync(accountId, conversationId, direction, from, ct);

    /// <summary>Most conversations one account/sync_conversations call loads.</summary>
    public const int SyncManyLimit = 100;

    /// <summary>
    /// account/sync_conversations: each listed conversation at the init level (ic_header, ic_tiny or
    /// ic_full), in the given order. A conversation the caller cannot see is left out rather than
    /// failing the rest: a client re-syncing its cache may list one it was removed from.
    /// </summary>
    public async Task<List<ConvResult>> SyncManyAsync(Guid accountId, IReadOnlyList<Guid> conversationIds, string mode, CancellationToken ct)
    {
        if (mode is not (InitModes.Header or InitModes.Tiny or InitModes.Full))
        {
            throw FleepErrors.InvalidField("mk_init_mode", "ic_header, ic_tiny or ic_full");
        }

        if (conversationIds.Count > SyncManyLimit)
        {
            throw FleepErrors.InvalidField("conversation_ids", $"at most {SyncManyLimit} ids");
        }

        var results = new List<ConvResult>();
        foreach (var id in conversationIds.Distinct())
        {
            try
            {
                results.Add(await reader.SyncAsync(accountId, id, mode, null, ct));
            }
            catch (FleepException e) when (e.StatusCode == FleepErrors.Status430)
            {
            }
        }

        return results;
    }

    public async Task<ConvResult> SyncBackwardAsync(Guid accountId, Guid conversationId, long? from, CancellationToken ct) =>
        await reader.SyncAsync(accountId, conversationId, "ic_backward", from, ct);

    public async Task<ConvResult> AddMembersAsync(Guid accountId, Guid conversationId, ChangeMembers request, CancellationToken ct)
    {
        var ids = await ResolveAccountsAsync(request.AccountIds, request.Emails, "account_ids", "emails", ct, placeholders: true);
        return await writer.ChangeAsync(new(accountId, conversationId), async (change, token) =>
        {
            change.ValidateFrom(request.FromMessageNr);
            await change.AddMembersAsync(ids, token);
            if (request.IsInvite == true)
            {
                await invitations.InviteAsync(accountId, change.Conversation.Topic, ids, token);
            }
        }, ct);
    }

    public async Task<ConvResult> RemoveMembersAsync(Guid accountId, Guid conversationId, ChangeMembers request, CancellationToken ct)
    {
        var ids = await ResolveAccountsAsync(request.AccountIds, request.Emails, "account_ids", "emails", ct);
        return await writer.ChangeAsync(new(accountId, conversationId), change =>
        {
            change.ValidateFrom(request.FromMessageNr);
            change.RemoveMembers(ids);
            if (ids.Contains(accountId))
            {
                change.Leave();
            }
        }, ct);
    }

    /// <summary>
    /// disclose / disclose_all: the given members (all other members when none are given) may see
    /// the flow from <c>message_nr</c> (disclose_all: from the caller's own first visible message).
    /// Only what the caller itself sees can be disclosed.
    /// </summary>
    public async Task<ConvResult> DiscloseAsync(Guid accountId, Guid conversationId, ChangeMembers request, bool all, CancellationToken ct)
    {
        var ids = await ResolveAccountsAsync(request.AccountIds, request.Emails, "account_ids", "emails", ct);
        return await writer.ChangeAsync(new(accountId, conversationId), change =>
        {
            change.ValidateFrom(request.FromMessageNr);
            var first = ViewerState.FirstVisibleNr(change.Viewer);
            var start = all || request.MessageNr is null or 0 ? first : request.MessageNr.Value;
            if (start < first || start > change.ViewerLastMessageNr)
            {
                throw FleepErrors.InvalidField("message_nr", $"between {first} and {change.ViewerLastMessageNr}");
            }

            change.Disclose(ids.Count > 0 ? ids : change.Members.Select(m => m.AccountId).ToList(), start);
        }, ct);
    }

    public Task<ConvResult> LeaveAsync(Guid accountId, Guid conversationId, long? fromMessageNr, CancellationToken ct) =>
        writer.ChangeAsync(new(accountId, conversationId), change =>
        {
            change.ValidateFrom(fromMessageNr);
            change.Leave();
        }, ct);

    public async Task<ConvResult> SetTopicAsync(Guid accountId, Guid conversationId, SetTopic request, CancellationToken ct)
    {
        var topic = (request.Topic ?? "").Trim();
        return await writer.ChangeAsync(new(accountId, conversationId), change =>
        {
            change.ValidateFrom(request.FromMessageNr);
            if (topic != change.Conversation.Topic)
            {
                change.SetTopic(topic);
            }
        }, ct);
    }

    public async Task<ConvResult> SetAlertsAsync(Guid accountId, Guid conversationId, SetAlerts request, CancellationToken ct)
    {
        var level = RequireAlertLevel(request.MkAlertLevel!);
        return await writer.ChangeAsync(new(accountId, conversationId), change =>
        {
            change.ValidateFrom(request.FromMessageNr);
            change.SetAlertLevel(level);
        }, ct);
    }

    /// <summary>Hides the conversation until a message newer than <paramref name="hideMessageNr"/> (default: the last) arrives.</summary>
    public Task<ConvResult> HideAsync(Guid accountId, Guid conversationId, long? hideMessageNr, CancellationToken ct) =>
        writer.ChangeAsync(new(accountId, conversationId) { Access = Access.Read }, change =>
        {
            var nr = hideMessageNr is null or 0 ? change.ViewerLastMessageNr : hideMessageNr.Value;
            RequireRange(nr, change.ViewerLastMessageNr, "from_message_nr");
            change.Viewer.HideMessageNr = nr;
        }, ct);

    public Task<ConvResult> UnhideAsync(Guid accountId, Guid conversationId, long? fromMessageNr, CancellationToken ct) =>
        writer.ChangeAsync(new(accountId, conversationId) { Access = Access.Read }, change =>
        {
            change.ValidateFrom(fromMessageNr);
            change.Viewer.HideMessageNr = 0;
        }, ct);

    /// <summary>Deletes the conversation and its content so far from the caller's list; it comes back with the next message.</summary>
    public Task<ConvResult> DeleteAsync(Guid accountId, Guid conversationId, CancellationToken ct) =>
        writer.ChangeAsync(new(accountId, conversationId) { Access = Access.Read },
            change => change.Viewer.DeleteMessageNr = change.ViewerLastMessageNr, ct);

    /// <summary>Marks everything read and answers with an init so the client resets.</summary>
    public async Task<ConvResult> MarkReadAsync(Guid accountId, Guid conversationId, string? initMode, CancellationToken ct)
    {
        if (initMode is not (null or InitModes.Tiny or InitModes.Full))
        {
            throw FleepErrors.InvalidField("mk_init_mode", "ic_tiny or ic_full");
        }

        await writer.ChangeAsync(new(accountId, conversationId),
            (change, token) => change.SetReadAsync(change.ViewerLastMessageNr, forwardOnly: false, "message_nr", token), ct);
        return await reader.SyncAsync(accountId, conversationId, initMode ?? InitModes.Tiny, null, ct);
    }

    /// <summary>
    /// conversation/poke: a poke record to the caller and every current member,
    /// appended behind every record of the changes committed before it (the unit of work's commit
    /// order, docs/streams.md). A member who left may poke too (it reads what it saw); its poke goes
    /// to the current members and to itself.
    /// </summary>
    public Task<ConvResult> PokeAsync(Guid accountId, Guid conversationId, PokeConversation request, CancellationToken ct) =>
        writer.ChangeAsync(new(accountId, conversationId) { Access = Access.Read }, change =>
        {
            change.ValidateFrom(request.FromMessageNr);
            change.Poke(request.MessageNr!.Value);
        }, ct);

    /// <summary>
    /// conversation/unsubscribe: the caller leaves the conversation, as
    /// conversation/leave does; already gone, it just gets the header. An <c>email</c> that is not the
    /// caller's own address is refused (docs/compatibility.md).
    /// </summary>
    public async Task<ConvResult> UnsubscribeAsync(Guid accountId, Guid conversationId, UnsubscribeConversation request, CancellationToken ct)
    {
        if (request.Email is { } email && !string.IsNullOrWhiteSpace(email))
        {
            var key = AccountRules.EmailKey(AccountRules.RequireEmail(email));
            var own = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.EmailKey).FirstAsync(ct);
            if (key != own)
            {
                throw FleepErrors.NotOwnEmail();
            }
        }

        return await writer.ChangeAsync(new(accountId, conversationId) { Access = Access.Read }, change =>
        {
            change.ValidateFrom(request.FromMessageNr);
            if (change.Viewer.IsActive)
            {
                change.Leave();
            }
        }, ct);
    }

    /// <summary>conversation/convert_api: every conversation already speaks this API; answers its header.</summary>
    public Task<ConvResult> ConvertApiAsync(Guid accountId, Guid conversationId, CancellationToken ct) =>
        reader.SyncAsync(accountId, conversationId, InitModes.Header, null, ct);

    /// <summary>200 <c>{}</c> while the caller may change the conversation; 431 after leaving.</summary>
    public async Task CheckPermissionsAsync(Guid accountId, Guid conversationId, CancellationToken ct) =>
        await membership.RequireAsync(conversationId, accountId, Access.Write, ct);

    /// <summary>
    /// conversation/store: every given field changes, in one transaction; nothing is written when
    /// any field is refused.
    /// </summary>
    public async Task<ConvResult> StoreAsync(Guid accountId, Guid conversationId, StoreConversation r, CancellationToken ct)
    {
        ManagedInputs.Refuse(r.IsManaged, r.AddAdmins, r.RemoveAdmins, r.IsDeletedByAdmin);
        var level = r.MkAlertLevel is null ? null : RequireAlertLevel(r.MkAlertLevel);
        if (r.MkConvType is not null && !ConvTypes.All.Contains(r.MkConvType))
        {
            throw FleepErrors.InvalidField("mk_conv_type", $"one of {string.Join(", ", ConvTypes.All)}");
        }

        if (r.SnoozeInterval is < 0 or > MaxSnoozeSeconds)
        {
            throw FleepErrors.InvalidField("snooze_interval", $"between 0 and {MaxSnoozeSeconds} seconds");
        }

        var topic = r.Topic?.Trim();
        var add = await ResolveAccountsAsync(Concat(r.AddAccountIds, r.AddIds), r.AddEmails, "add_account_ids", "add_emails", ct, placeholders: true);
        var remove = await ResolveAccountsAsync(Concat(Concat(r.RemoveAccountIds, r.RemoveIds), r.KickAccountIds), r.RemoveEmails,
            "remove_account_ids", "remove_emails", ct);

        // Hiding and deleting from one's own list is allowed after leaving; everything else needs a member.
        var listOnly = r is { ReadMessageNr: null, Topic: null, MkAlertLevel: null, SnoozeInterval: null, CanPost: null, IsAutojoin: null,
            IsDisclose: null, IsUrlPreviewDisabled: null, IsList: null, MkConvType: null, DefaultCallRoom: null } && add.Count == 0
            && remove.Count == 0 && r.AddTeamIds is not { Count: > 0 } && r.RemoveTeamIds is not { Count: > 0 };
        var target = new ConversationTarget(accountId, conversationId) { Access = listOnly ? Access.Read : Access.Write, ClientReqId = r.ClientReqId };
        var hasTeams = r.AddTeamIds is { Count: > 0 } || r.RemoveTeamIds is { Count: > 0 };
        var hasLabels = r.Labels is not null || r.LabelIds is not null;
        if (!hasTeams && !hasLabels)
        {
            return await writer.ChangeAsync(target, (change, token) => StoreAsync(change, r, level, topic, add, remove, token), ct);
        }

        // In the lock order of every unit (docs/writes.md): the account's labels (docs/labels.md), the
        // teams (docs/teams.md), then the conversation. A change of the caller's labels alone goes to
        // the caller alone.
        var labelsOnly = listOnly && r is { HideMessageNr: null, IsDeleted: null, HasDoneNotifications: null };
        return await unit.RunAsync(async token =>
        {
            if (hasLabels)
            {
                await labels.LockAsync(accountId, token);
            }

            var (addTeams, removeTeams) = await teams.ForConversationAsync(accountId, r.AddTeamIds, r.RemoveTeamIds, token);
            var created = new List<Label>();
            var result = await writer.ChangeAsync(target, async (change, inner) =>
            {
                created.Clear();
                if (hasLabels)
                {
                    change.Viewer.LabelIds = await labels.ResolveAsync(accountId, r.Labels, r.LabelIds, created, inner);
                    change.CallerOnly = labelsOnly;
                }

                await StoreAsync(change, r, level, topic, add, remove, inner);
                foreach (var team in removeTeams)
                {
                    change.RemoveTeam(team);
                }

                foreach (var team in addTeams)
                {
                    change.AddTeam(team);
                }
            }, token);
            return created.Count == 0 ? result : result with { Records = [.. created.Select(Records.LabelRecords.For), .. result.Records] };
        }, idempotent: r.ClientReqId is not null, ct);
    }

    private static async Task StoreAsync(ConversationChange change, StoreConversation r, string? level, string? topic,
        List<Guid> add, List<Guid> remove, CancellationToken ct)
    {
        var accountId = change.Viewer.AccountId;
        change.ValidateFrom(r.FromMessageNr);
        if (r.HideMessageNr is { } hide)
        {
            RequireRange(hide, change.ViewerLastMessageNr, "hide_message_nr");
        }

        if (r.ReadMessageNr is { } read)
        {
            await change.SetReadAsync(read, forwardOnly: false, "read_message_nr", ct);
        }

        if (topic is not null && topic != change.Conversation.Topic)
        {
            change.SetTopic(topic);
        }

        if (level is not null)
        {
            change.SetAlertLevel(level);
        }

        if (r.SnoozeInterval is { } snooze)
        {
            change.SetSnooze(snooze);
        }

        if (r.HasDoneNotifications is { } doneNotifications)
        {
            change.Viewer.HasDoneNotifications = doneNotifications;
        }

        if (r.DefaultCallRoom is { } room)
        {
            change.Conversation.DefaultCallRoom = room.Trim().Length == 0 ? null : room.Trim();
        }

        var c = change.Conversation;
        change.SetFlag(r.IsAutojoin, () => c.IsAutojoin, v => c.IsAutojoin = v, SystemTypes.Share, SystemTypes.Unshare,
            "{author} enabled joining this conversation by its link.", "{author} disabled joining this conversation by its link.");
        change.SetFlag(r.IsDisclose, () => c.IsDisclose, v => c.IsDisclose = v, SystemTypes.Show, SystemTypes.Unshow,
            "{author} made earlier messages visible to new members.", "{author} made earlier messages hidden from new members.");
        change.SetFlag(r.IsUrlPreviewDisabled is { } disabled ? !disabled : null, () => !c.IsUrlPreviewDisabled, v => c.IsUrlPreviewDisabled = !v,
            SystemTypes.UrlPreviews, SystemTypes.NoUrlPreviews, "{author} enabled link previews.", "{author} disabled link previews.");
        if (r.MkConvType is not null)
        {
            c.MkConvType = r.MkConvType;
            c.IsList = r.IsList ?? r.MkConvType == ConvTypes.List;
        }
        else if (r.IsList is { } isList)
        {
            c.IsList = isList;
        }

        await change.AddMembersAsync(add, ct);
        change.RemoveMembers(remove);
        if (r.HideMessageNr is { } hideNr)
        {
            change.Viewer.HideMessageNr = hideNr;
        }

        if (r.IsDeleted is { } deleted)
        {
            change.Viewer.DeleteMessageNr = deleted ? change.ViewerLastMessageNr : 0;
        }

        if (r.CanPost == false || remove.Contains(accountId))
        {
            change.Leave();
        }
    }

    /// <summary>
    /// The caller's conversations (member or left; not removed, not deleted from its list), newest
    /// first, one batch per call: <c>sync_horizon</c> is where the next batch starts; an empty batch
    /// ends the listing.
    /// </summary>
    public async Task<(List<ConvView> Views, long SyncHorizon)> ListAsync(Guid accountId, long? syncHorizon, CancellationToken ct)
    {
        var offset = syncHorizon ?? 0;
        if (offset < 0)
        {
            throw FleepErrors.InvalidField("sync_horizon", "zero or more");
        }

        var page = await reader.ListedConversations(accountId).AsNoTracking()
            .Skip((int)Math.Min(offset, int.MaxValue)).Take(ListBatchSize).ToListAsync(ct);
        var views = await reader.ViewsAsync(accountId, page, ct);
        return (views, offset + page.Count);
    }

    /// <summary>
    /// Joins a conversation by its id or the KEY of its autojoin_url (a whole URL works too), while
    /// autojoin is on; answers with the ic_full init. The joiner authors its own
    /// add message; a member who left starts a new membership; a current member just gets the init.
    /// </summary>
    public async Task<ConvResult> AutojoinAsync(Guid accountId, string urlKey, CancellationToken ct)
    {
        var key = urlKey.Trim().TrimEnd('/');
        key = key[(key.LastIndexOf('/') + 1)..];
        var conversationId = Guid.TryParse(key, out var id)
            ? id
            : await db.Conversations.Where(c => c.AutojoinKey == key).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct)
              ?? throw FleepErrors.ConversationNotFound();

        await writer.ChangeAsync(new(accountId, conversationId) { Access = Access.Autojoin }, change => change.JoinSelf(), ct);
        return await reader.SyncAsync(accountId, conversationId, InitModes.Full, null, ct);
    }

    /// <summary>
    /// Account ids and addresses → account ids. Unknown ids are 400. An address without an account
    /// becomes a placeholder account (<c>mk_account_status: "new"</c>) when people are being added
    /// (<paramref name="placeholders"/>; docs/mail.md, "Invitations"), else it is 431 unknown_email.
    /// </summary>
    public async Task<List<Guid>> ResolveAccountsAsync(IReadOnlyCollection<Guid>? ids, IReadOnlyCollection<string>? emails,
        string idsField, string emailsField, CancellationToken ct, bool placeholders = false)
    {
        var result = new List<Guid>();
        if (ids is { Count: > 0 })
        {
            var distinct = ids.Distinct().ToList();
            var known = await db.Accounts.Where(a => distinct.Contains(a.Id)).Select(a => a.Id).ToListAsync(ct);
            if (known.Count != distinct.Count)
            {
                throw FleepErrors.InvalidField(idsField, "unknown account id");
            }

            result.AddRange(distinct);
        }

        if (emails is { Count: > 0 })
        {
            var addresses = emails.Select(e => AccountRules.RequireEmail(e, emailsField)).DistinctBy(AccountRules.EmailKey).ToList();
            if (placeholders)
            {
                var accounts = await registration.EnsureAccountsAsync(addresses, ct);
                result.AddRange(addresses.Select(a => accounts[AccountRules.EmailKey(a)].Id));
                return result.Distinct().ToList();
            }

            var keys = addresses.Select(AccountRules.EmailKey).ToList();
            // A confirmed alias stands for its owner (docs/mail.md, "Aliases").
            var known = await db.Accounts.Where(a => keys.Contains(a.EmailKey))
                .Select(a => new { Id = a.Status == AccountStatus.Alias && a.AliasOfId != null ? a.AliasOfId.Value : a.Id, a.EmailKey }).ToListAsync(ct);
            var unknown = keys.Except(known.Select(k => k.EmailKey)).ToList();
            if (unknown.Count > 0)
            {
                throw FleepErrors.BusinessRule("unknown_email", $"No Fleep account uses the address {unknown[0]}.");
            }

            result.AddRange(known.Select(k => k.Id));
        }

        return result.Distinct().ToList();
    }

    private static List<Guid>? Concat(List<Guid>? a, List<Guid>? b) => a is null ? b : b is null ? a : [.. a, .. b];

    private static string RequireAlertLevel(string level) => AlertLevels.All.Contains(level)
        ? level
        : throw FleepErrors.InvalidField("mk_alert_level", $"one of {string.Join(", ", AlertLevels.All)}");

    private static void RequireRange(long nr, long last, string field)
    {
        if (nr < 0 || nr > last)
        {
            throw FleepErrors.InvalidField(field, $"between 0 and {last}");
        }
    }

    /// <summary>16 URL-safe characters: the KEY of https://host/chat/KEY.</summary>
    private static string NewAutojoinKey() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', '-').Replace('/', '_');
}
