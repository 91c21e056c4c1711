using FleepServer.Data;
using FleepServer.Domain.Hooks;
using FleepServer.Records;

namespace FleepServer.Domain.Conversations;

/// <summary>What a conversation change acts on: who, which conversation, with what right, and the call's client_req_id.</summary>
public sealed record ConversationTarget(Guid AccountId, Guid ConversationId)
{
    public Access Access { get; init; } = Access.Write;

    /// <summary>Makes the change idempotent: a repeated id answers the first result.</summary>
    public Guid? ClientReqId { get; init; }
}

/// <summary>
/// Runs one change of one conversation as a unit of work (docs/writes.md), the one copy of the
/// sequence every conversation and message action needs: lock the conversation and read its
/// members (<see cref="Membership.LockAsync"/>), answer a repeated <c>client_req_id</c> with its
/// first result, apply the action's operations, remember the request, fan the change out to
/// every recipient's stream, and answer with the caller's view built by that fan-out. The answer
/// lists the changed records, or, when the call gave <c>from_message_nr</c>, every flow entry
/// after it. Actions only say what changes.
/// </summary>
public sealed class ConversationWriter(
    FleepDbContext db, UnitOfWork unit, Membership membership, ConversationReader reader, ConversationFanOut fanOut, RequestLog requests,
    HookOutbox hookOutbox, HookTokens hookTokens, IHttpContextAccessor http, TimeProvider time)
{
    public Task<ConvResult> ChangeAsync(ConversationTarget target, Func<ConversationChange, CancellationToken, Task> apply, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var now = time.GetUtcNow();
            var locked = await membership.LockAsync(target.ConversationId, target.AccountId, target.Access, now, token, target.ClientReqId);
            var change = new ConversationChange(db, locked, now);
            if (locked.Original is { } original)
            {
                return await requests.AnswerAsync(change, original, token);
            }

            await apply(change, token);
            requests.Remember(change, target.ClientReqId);
            return await CompleteAsync(change, token);
        }, idempotent: target.ClientReqId is not null, ct);

    /// <summary>The same for operations that read nothing more.</summary>
    public Task<ConvResult> ChangeAsync(ConversationTarget target, Action<ConversationChange> apply, CancellationToken ct) =>
        ChangeAsync(target, (change, _) =>
        {
            apply(change);
            return Task.CompletedTask;
        }, ct);

    private async Task<ConvResult> CompleteAsync(ConversationChange change, CancellationToken ct)
    {
        // Saved before the answer is read, so a from_message_nr answer lists this change too.
        await db.SaveChangesAsync(ct);
        await hookOutbox.EnqueueAsync(change, ct);
        var views = await fanOut.AppendAsync(change.FanOut(), ct);
        var view = views.First(v => v.ViewerId == change.Viewer.AccountId);
        var result = change.From is { } from
            ? await reader.ForwardAsync(view, from, ct)
            : new ConvResult(view, change.Changed.DistinctBy(m => m.MessageNr).ToList());
        return result with
        {
            ResultMessageNr = change.ResultMessageNr,
            Activities = change.Activities,
            Records =
            [
                .. change.Hooks.Select(h => HookRecords.For(h, change.Viewer.AccountId, hookTokens.UrlOf(h, http.HttpContext))),
                .. change.Sections.DistinctBy(s => s.Id).Select(SectionRecords.For),
            ],
            Mode = change.Mode,
            ClientReqId = change.ClientReqId,
        };
    }
}
