using System.Text.Json.Nodes;
using FleepServer.Data;
using FleepServer.Errors;
using FleepServer.Records;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// One change of one conversation, inside a unit of work (<see cref="ConversationWriter"/>): the
/// conversation row locked, the conversation's member rows, and the flow operations every
/// conversation and message action is made of (docs/conversations.md). Actions validate
/// first, then call operations; the writer completes the change (fan-out and answer) and the unit
/// commits it: nothing half-written.
/// </summary>
public sealed partial class ConversationChange
{
    private readonly FleepDbContext db;
    private readonly ConversationLock locked;
    private readonly long viewerReadBefore;
    private bool posted;

    public ConversationChange(FleepDbContext db, ConversationLock locked, DateTimeOffset now)
    {
        this.db = db;
        this.locked = locked;
        viewerReadBefore = locked.Viewer.ReadMessageNr;
        Now = now;
    }

    public Conversation Conversation => locked.Conversation;
    public List<ConversationMember> Members => locked.Members;
    public ConversationMember Viewer => locked.Viewer;
    public DateTimeOffset Now { get; }

    /// <summary>Messages created or revised by this change, for the answer's stream.</summary>
    public List<Message> Changed { get; } = [];

    /// <summary>Messages this change added to the flow (not revisions): what outgoing hooks receive.</summary>
    public List<Message> Created { get; } = [];

    public List<ActivityRecord> Activities { get; } = [];

    /// <summary>Hooks created or changed by this change: every current member gets their record.</summary>
    public List<Hook> Hooks { get; } = [];

    /// <summary>Taskboard sections created or changed by this change: every current member gets their record (docs/boards.md).</summary>
    public List<Section> Sections { get; } = [];

    /// <summary>Accounts that became members in this change: they and the others exchange contact records.</summary>
    public List<Guid> Joined { get; } = [];
    public long? ResultMessageNr { get; set; }

    /// <summary>The caller's client_req_id, reported back in its stream as a request record.</summary>
    public Guid? ClientReqId { get; set; }

    /// <summary>The from_message_nr the call gave and <see cref="ValidateFrom"/> accepted: the answer lists the flow after it.</summary>
    public long? From { get; private set; }

    /// <summary>Pokes of this change, fanned out behind its other records.</summary>
    public List<PokeRecord> Pokes { get; } = [];

    /// <summary>False when the change leaves every header as it was (a poke): the fan-out sends no headers.</summary>
    public bool SendsHeaders { get; set; } = true;

    /// <summary>A change of the caller's own labels only: its header goes to the caller alone (docs/labels.md).</summary>
    public bool CallerOnly { get; set; }

    /// <summary>How the answer's header is marked.</summary>
    public HeaderMode Mode { get; set; } = HeaderMode.Plain;

    /// <summary>The viewer's last visible flow number before the change (for from_message_nr checks).</summary>
    public long ViewerLastMessageNr => Viewer.LeaveMessageNr ?? Conversation.LastMessageNr;

    /// <summary>What the fan-out needs: the change as records for every recipient.</summary>
    public ConversationFanOutInput FanOut()
    {
        // The caller's own read receipt goes to the others only; its answer does not repeat it.
        IReadOnlyList<ActivityRecord> activities = Viewer.ReadMessageNr != viewerReadBefore && Viewer.IsActive
            ? [.. Activities, ActivityRecords.Read(Conversation.Id, Viewer, Now, penCleared: posted)]
            : Activities;
        return new ConversationFanOutInput(Conversation, Members, Viewer.AccountId, Changed, activities, ClientReqId, ResultMessageNr)
        {
            Joined = Joined,
            SendsHeaders = SendsHeaders,
            CallerOnly = CallerOnly,
            Pokes = Pokes,
            FullPrivacy = locked.FullPrivacy,
            InboxMessageNrs = locked.InboxMessageNrs,
            NewAccounts = Joined.Count > 0 ? null : locked.NewAccounts,
            Hooks = Hooks,
            Sections = Sections,
        };
    }

    /// <summary>
    /// A poke: a <c>poke</c> record with the caller's number, to every current member
    /// and the caller. It changes nothing else, so no header is sent.
    /// </summary>
    public void Poke(long messageNr)
    {
        Pokes.Add(new PokeRecord(Conversation.Id, messageNr));
        SendsHeaders = false;
    }

    /// <summary>The viewer joins by itself: it authors the add message and has read it.</summary>
    public void JoinSelf()
    {
        if (Viewer.IsActive && Viewer.JoinMessageNr > 0)
        {
            Viewer.InOwnRight = true;
            return;
        }

        var message = AppendSystem(SystemTypes.Add, FlowWriter.SystemBody(("members", new[] { Viewer.AccountId })));
        if (Viewer.JoinMessageNr == 0)
        {
            Viewer.JoinMessageNr = message.MessageNr;
        }

        Join(Viewer.AccountId, joinAt: message.MessageNr, readTo: message.MessageNr - 1, readInbox: Conversation.LastInboxNr);
        FlowWriter.ReadOwn(Viewer, message);
    }

    /// <summary>Checks from_message_nr against the state before the change; 0/null = not given.</summary>
    public long? ValidateFrom(long? from)
    {
        if (from is null or 0)
        {
            return null;
        }

        if (from < 0 || from > ViewerLastMessageNr)
        {
            throw FleepErrors.InvalidField("from_message_nr", $"between 0 and {ViewerLastMessageNr}");
        }

        From = from;
        return from;
    }

    public ConversationMember? Member(Guid accountId) => Members.FirstOrDefault(m => m.AccountId == accountId);

    public Message AppendSystem(string type, string body)
    {
        var message = FlowWriter.AppendSystem(db, Conversation, Viewer.AccountId, type, body, Now);
        FlowWriter.ReadOwn(Viewer, message);
        Changed.Add(message);
        Created.Add(message);
        ResultMessageNr = message.MessageNr;
        return message;
    }

    /// <param name="author">
    /// The author when it is another member than the viewer (a hook's owner, for messages another
    /// member imports through the hook): the message is the author's and read by it; the viewer's
    /// pen is left alone.
    /// </param>
    public Message AppendText(string xml, string? subject, ConversationMember? author = null)
    {
        author ??= Viewer;
        var message = FlowWriter.Append(db, Conversation, author.AccountId, SystemTypes.Text, MessageStates.Plain, xml, alerting: true, Now);
        if (author == Viewer)
        {
            // Posting ends the poster's writing pen.
            Viewer.WritingUntil = null;
            Viewer.WritingMessageNr = null;
            posted = true;
        }

        message.Subject = string.IsNullOrEmpty(subject) ? null : subject;
        FlowWriter.ReadOwn(author, message);
        Changed.Add(message);
        Created.Add(message);
        ResultMessageNr = message.MessageNr;
        return message;
    }

    public long Revise(Message message)
    {
        var nr = FlowWriter.Revise(Conversation, message, Viewer.AccountId, Now);
        Changed.Add(message);
        ResultMessageNr = message.MessageNr;
        return nr;
    }

    /// <summary>A message the viewer may see, tracked for change; unknown or invisible → not_found.</summary>
    public async Task<Message> RequireMessageAsync(long? messageNr, CancellationToken ct)
    {
        if (messageNr is not { } nr || nr <= 0 || nr > ViewerLastMessageNr || !ViewerState.Sees(Viewer, nr))
        {
            throw messageNr is <= 0 ? FleepErrors.InvalidField("message_nr", "a positive number") : FleepErrors.MessageNotFound();
        }

        return await db.Messages.FirstOrDefaultAsync(m => m.ConversationId == Conversation.Id && m.MessageNr == nr, ct)
            ?? throw FleepErrors.MessageNotFound();
    }

    /// <summary>
    /// Adds accounts. While the create message is the only visible message
    /// the new members are merged into it (a revision of message 1); otherwise an <c>add</c>
    /// message is appended. A leaver who is re-added starts a new membership at that message.
    /// </summary>
    public async Task AddMembersAsync(IReadOnlyCollection<Guid> accountIds, CancellationToken ct)
    {
        // Added in its own right: a member through teams alone gains that reason too (docs/conversations.md).
        foreach (var id in accountIds)
        {
            if (Member(id) is { IsActive: true, InOwnRight: false } present)
            {
                present.InOwnRight = true;
            }
        }

        var added = accountIds.Distinct().Where(id => Member(id) is not { IsActive: true }).ToList();
        if (added.Count == 0)
        {
            return;
        }

        var merge = Conversation.ShowMessageNr == 1 && added.All(id => Member(id) is null);
        if (merge)
        {
            var create = await db.Messages.FirstAsync(m => m.ConversationId == Conversation.Id && m.MessageNr == 1, ct);
            var body = JsonNode.Parse(create.Body)!.AsObject();
            var listed = body["members"]?.AsArray().Select(n => Guid.Parse(n!.GetValue<string>())).ToList() ?? [];
            create.Body = FlowWriter.SystemBody(("members", listed.Concat(added).ToList()), ("topic", body["topic"]?.GetValue<string>() ?? ""),
                ("org_name", null), ("organisation_id", null));
            Conversation.TopicMessageNr = Revise(create);
            foreach (var id in added)
            {
                Join(id, joinAt: 1, readTo: 0, readInbox: 0);
            }

            return;
        }

        var message = AppendSystem(SystemTypes.Add, FlowWriter.SystemBody(("members", added)));
        foreach (var id in added)
        {
            Join(id, joinAt: message.MessageNr, readTo: message.MessageNr - 1, readInbox: Conversation.LastInboxNr);
        }
    }

    /// <param name="viaTeam">The team the account joins through; null: it joins in its own right.</param>
    private void Join(Guid accountId, long joinAt, long readTo, long readInbox, Guid? viaTeam = null)
    {
        var member = Member(accountId);
        if (member is null)
        {
            member = new ConversationMember
            {
                ConversationId = Conversation.Id,
                AccountId = accountId,
                JoinMessageNr = joinAt,
                JoinedTime = Now,
            };
            Members.Add(member);
            db.ConversationMembers.Add(member);
        }
        else if (!member.IsActive)
        {
            // A rejoin: what the earlier membership saw stays visible; the gap while away does not.
            member.HistoryEndMessageNr = member.LeaveMessageNr ?? member.HistoryEndMessageNr;
            member.LeaveMessageNr = null;
            member.IsRemoved = false;
        }

        member.BeginMessageNr = joinAt;
        member.ReadMessageNr = readTo;
        member.ReadInboxNr = readInbox;
        member.SendMessageNr = joinAt;
        member.IsMarkUnread = false;
        member.InOwnRight = viaTeam is null;
        member.ViaTeamIds = viaTeam is { } team ? [team] : [];
        if (Conversation.IsDisclose)
        {
            member.DiscloseMessageNr = 1;
        }

        Activities.Add(ActivityRecords.Joined(Conversation.Id, member));
        Joined.Add(member.AccountId);
    }

    /// <summary>
    /// Removes members by someone else: a <c>kick</c> message; they lose access (docs/compatibility.md,
    /// "Who sees what").
    /// </summary>
    public void RemoveMembers(IReadOnlyCollection<Guid> accountIds)
    {
        var removed = accountIds.Distinct().Where(id => id != Viewer.AccountId && Member(id) is { IsActive: true }).ToList();
        if (removed.Count == 0)
        {
            return;
        }

        var message = AppendSystem(SystemTypes.Kick, FlowWriter.SystemBody(("members", removed)));
        foreach (var id in removed)
        {
            var member = Member(id)!;
            End(member, message);
            member.IsRemoved = true;
        }
    }

    /// <summary>The viewer leaves: a <c>leave</c> message with an empty body, authored by the leaver.</summary>
    public void Leave()
    {
        var message = AppendSystem(SystemTypes.Leave, "");
        End(Viewer, message);
    }

    /// <summary>Ends a membership at <paramref name="message"/>, whatever its reasons were.</summary>
    private static void End(ConversationMember member, Message message)
    {
        member.InOwnRight = false;
        member.ViaTeamIds = [];
        member.LeaveMessageNr = message.MessageNr;
        member.SendMessageNr = message.MessageNr;
        FlowWriter.ReadOwn(member, message);
    }

    /// <summary>
    /// Lets members see earlier messages, from <paramref name="fromNr"/> on: a <c>discloseV2</c>
    /// message with <c>ref_message_nr</c> = the first disclosed message.
    /// </summary>
    public void Disclose(IReadOnlyCollection<Guid> accountIds, long fromNr)
    {
        var targets = accountIds.Distinct().Where(id => id != Viewer.AccountId).Select(Member)
            .Where(m => m is { IsActive: true } && ViewerState.FirstVisibleNr(m) > fromNr).Select(m => m!).ToList();
        if (targets.Count == 0)
        {
            return;
        }

        var message = AppendSystem(SystemTypes.Disclose, FlowWriter.SystemBody(("members", targets.Select(t => t.AccountId).ToList()),
            ("team_ids", Array.Empty<Guid>()), ("team_names", Array.Empty<string>()),
            ("sysmsg_text", "{author} disclosed previous messages to {teamsAndMembers} starting from {disclose_time}.")));
        message.RefMessageNr = fromNr;
        foreach (var target in targets)
        {
            target.DiscloseMessageNr = fromNr;
        }
    }

    public void SetTopic(string topic)
    {
        var message = AppendSystem(SystemTypes.Topic, FlowWriter.SystemBody(("topic", topic)));
        Conversation.Topic = topic;
        Conversation.TopicMessageNr = message.MessageNr;
    }

    /// <summary>
    /// Moves the viewer's read horizon. Message numbers past the last visible message (revision
    /// entries) count as the last visible one; <paramref name="forwardOnly"/> ignores a move back.
    /// </summary>
    public async Task SetReadAsync(long readMessageNr, bool forwardOnly, string field, CancellationToken ct)
    {
        if (readMessageNr < 0 || readMessageNr > ViewerLastMessageNr)
        {
            throw FleepErrors.InvalidField(field, $"between 0 and {ViewerLastMessageNr}");
        }

        var show = Viewer.LeaveMessageNr ?? Conversation.ShowMessageNr;
        var target = Math.Min(readMessageNr, show);
        var old = Viewer.ReadMessageNr;
        if (target == old || (forwardOnly && target < old))
        {
            return;
        }

        Viewer.ReadInboxNr = target == Conversation.ShowMessageNr
            ? Conversation.LastInboxNr
            : await db.Messages.Where(m => m.ConversationId == Conversation.Id && m.MessageNr <= target)
                .OrderByDescending(m => m.MessageNr).Select(m => Math.Abs(m.InboxNr)).FirstOrDefaultAsync(ct);
        Viewer.ReadMessageNr = target;
        Viewer.IsMarkUnread = target < old;
    }

    /// <summary>Alert level; becoming passive and coming back are announced in the flow.</summary>
    public void SetAlertLevel(string level)
    {
        var old = Viewer.MkAlertLevel;
        if (old == level)
        {
            return;
        }

        Viewer.MkAlertLevel = level;
        if (level == AlertLevels.Passive)
        {
            AppendSystem(SystemTypes.Passive, FlowWriter.SystemBody(("sysmsg_text",
                "{author} left and became a passive member of this conversation.")));
        }
        else if (old == AlertLevels.Passive)
        {
            AppendSystem(SystemTypes.Join, FlowWriter.SystemBody(("sysmsg_text", "{author} joined the conversation.")));
        }
    }

    public void SetSnooze(long interval)
    {
        Viewer.SnoozeInterval = interval;
        Viewer.SnoozeTime = interval > 0 ? Now.ToUnixTimeSeconds() + interval : 0;
    }

    /// <summary>Conversation settings; each real change is announced with its system message.</summary>
    public void SetFlag(bool? value, Func<bool> get, Action<bool> set, string onType, string offType, string onText, string offText)
    {
        if (value is not { } v || v == get())
        {
            return;
        }

        set(v);
        AppendSystem(v ? onType : offType, FlowWriter.SystemBody(("sysmsg_text", v ? onText : offText)));
    }
}
