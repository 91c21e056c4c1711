using FleepServer.Data;
using FleepServer.Domain.Contacts;
using FleepServer.Domain.Hooks;
using FleepServer.Http;
using FleepServer.Records;
using FleepServer.Streams;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// The one place that decides who receives what when a conversation changes (docs/streams.md,
/// docs/writes.md). Runs inside the change's unit of work and queues the records, so they commit with the
/// change. Answers every recipient's view, so the caller's answer is not built twice.
///
/// Recipients: every current member, every member whose membership ended in this change (a
/// leaver or a removed member learns it is out, up to its own leave message and no further),
/// and the caller. Each gets its own copy of the records: its header, the changed messages it may
/// see, and, for current members, the activity records. New members and the others exchange
/// contact records, each as the receiving viewer's view (its private names kept); sharing a new
/// conversation brings a hidden contact back into the viewer's list. Full-privacy accounts neither send nor receive activity. The
/// caller alone gets its request record. A poke goes to the current members and the caller.
/// </summary>
public sealed class ConversationFanOut(
    FleepDbContext db, Membership membership, ContactBook contactBook, StreamAppender streams, HookTokens hookTokens, IHttpContextAccessor http)
{
    public async Task<List<ConvView>> AppendAsync(ConversationFanOutInput change, CancellationToken ct)
    {
        var firstChanged = change.Messages.Count > 0 ? change.Messages.Min(m => m.MessageNr) : long.MaxValue;
        var recipients = change.Members
            .Where(m => change.CallerOnly ? m.AccountId == change.CallerId : m.IsActive || m.AccountId == change.CallerId || m.LeaveMessageNr >= firstChanged)
            .ToList();
        var views = await membership.ViewsAsync(
            recipients.Select(m => (change.Conversation, (IReadOnlyList<ConversationMember>)change.Members, m)).ToList(), ct,
            change.InboxMessageNrs, change.NewAccounts);

        // Accounts are needed for contacts of new members, and for privacy of activity unless the
        // change's lock read the flags already: one query at most.
        var accounts = change.Joined.Count > 0 || (change.Activities.Count > 0 && change.FullPrivacy is null)
            ? await LoadAccountsAsync(change.Members.Select(m => m.AccountId), ct)
            : [];
        bool Private(Guid accountId) => change.FullPrivacy?.Contains(accountId)
            ?? (accounts.TryGetValue(accountId, out var a) && a.IsFullPrivacy);
        var activities = change.Activities.Where(a => !Private(a.AccountId)).ToList();

        // Who meets whom: a new member meets everyone, the others meet the new members.
        var meetings = change.Joined.Count == 0 ? [] : views
            .SelectMany(view => (change.Joined.Contains(view.ViewerId) ? change.Members.Select(m => m.AccountId) : change.Joined)
                .Where(id => id != view.ViewerId && accounts.ContainsKey(id)).Distinct()
                .Select(id => (Owner: view.ViewerId, Contact: id)))
            .ToList();
        var entries = await contactBook.MeetAsync(meetings, ct);

        var baseUrl = PublicUrl.Of(http.HttpContext);
        var messages = change.Messages.DistinctBy(m => m.MessageNr).OrderBy(m => m.MessageNr).ToList();
        var records = new List<StreamAppend>();
        records.AddRange(meetings.Select(p => new StreamAppend(p.Owner, ContactRecords.ForContact(accounts[p.Contact], entries.GetValueOrDefault(p)))));
        foreach (var view in views)
        {
            var to = view.ViewerId;
            if (change.SendsHeaders)
            {
                records.Add(new StreamAppend(to, ConvRecords.For(view, baseUrl)));
            }

            records.AddRange(messages.Where(m => view.Sees(m.MessageNr))
                .SelectMany(m => MessageRecords.WithFiles(m, to)).Select(r => new StreamAppend(to, r)));
            if (view.Viewer.IsActive && !Private(to))
            {
                records.AddRange(activities.Where(a => a.AccountId != to).Select(a => new StreamAppend(to, a)));
            }

            if (view.Viewer.IsActive)
            {
                records.AddRange(change.Hooks.Select(h => new StreamAppend(to,
                    HookRecords.For(h, to, h.AccountId == to ? hookTokens.UrlOf(h, http.HttpContext) : null))));
                records.AddRange(change.Locks.Where(l => view.Sees(l.MessageNr)).Select(l => new StreamAppend(to, l)));
            }

            if (view.Viewer.IsActive || to == change.CallerId)
            {
                records.AddRange(change.Sections.DistinctBy(s => s.Id).Select(s => new StreamAppend(to, SectionRecords.For(s))));
            }

            if (to == change.CallerId && change.ClientReqId is { } reqId)
            {
                records.Add(new StreamAppend(to, RequestRecords.For(reqId, change.Conversation.Id, change.ResultMessageNr)));
            }

            // Pokes come last: behind every record of this change, as behind every earlier change.
            if (view.Viewer.IsActive || to == change.CallerId)
            {
                records.AddRange(change.Pokes.Select(p => new StreamAppend(to, p)));
            }
        }

        streams.Add(records);
        return views;
    }

    private Task<Dictionary<Guid, Account>> LoadAccountsAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return db.Accounts.AsNoTracking().Where(a => list.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
    }
}

/// <summary>What a conversation change did, as the fan-out needs it.</summary>
public sealed record ConversationFanOutInput(
    Conversation Conversation,
    IReadOnlyList<ConversationMember> Members,
    Guid CallerId,
    IReadOnlyCollection<Message> Messages,
    IReadOnlyList<ActivityRecord> Activities,
    Guid? ClientReqId,
    long? ResultMessageNr)
{
    /// <summary>Accounts that became members in this change.</summary>
    public IReadOnlyList<Guid> Joined { get; init; } = [];

    /// <summary>False for changes that leave every header as it was (a writing pen): activity records only.</summary>
    public bool SendsHeaders { get; init; } = true;

    /// <summary>Only the caller receives anything: a change of its own labels (docs/labels.md).</summary>
    public bool CallerOnly { get; init; }

    /// <summary>Edit locks taken or released: to every current member who sees the message, the caller included.</summary>
    public IReadOnlyList<LockRecord> Locks { get; init; } = [];

    /// <summary>Pokes: to every current member and the caller, after the change's other records.</summary>
    public IReadOnlyList<PokeRecord> Pokes { get; init; } = [];

    /// <summary>The members whose accounts are full-privacy, when the change's lock read them; null: the fan-out reads them.</summary>
    public IReadOnlySet<Guid>? FullPrivacy { get; init; }

    /// <summary>Hooks created or changed: their records go to every current member, the URL to the owner alone.</summary>
    public IReadOnlyList<Hook> Hooks { get; init; } = [];

    /// <summary>Taskboard sections created or changed: their records go to every current member and the caller.</summary>
    public IReadOnlyList<Section> Sections { get; init; } = [];

    /// <summary>Message numbers of inbox numbers the change's lock read already (see <see cref="ConversationLock"/>).</summary>
    public IReadOnlyDictionary<long, long>? InboxMessageNrs { get; init; }

    /// <summary>labels: the members whose accounts are still <c>new</c>, when the change's lock read them; null: the views read them.</summary>
    public IReadOnlySet<Guid>? NewAccounts { get; init; }
}
