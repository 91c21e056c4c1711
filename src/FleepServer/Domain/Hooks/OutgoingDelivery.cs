using System.Net.Http.Headers;
using System.Text.Json;
using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Http;
using FleepServer.Records;
using FleepServer.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Hooks;

/// <summary>What became of a hook's oldest queued item.</summary>
public enum DeliveryOutcome
{
    /// <summary>Nothing to do now: the queue is empty, its oldest item is not due, or another process holds it.</summary>
    Idle,

    /// <summary>Delivered (or skipped as undeliverable): the next item may follow at once.</summary>
    Delivered,

    /// <summary>Failed; the item waits for its retry and the hook's later items wait behind it.</summary>
    Failed,

    /// <summary>The hook failed <see cref="OutgoingHookOptions.MaxAttempts"/> times in a row: its delivery is to be switched off.</summary>
    Disable,
}

/// <summary>
/// One step of outgoing delivery for one hook (docs/hooks.md), in one unit of work: claims the
/// hook's oldest queued item with <c>FOR UPDATE SKIP LOCKED</c> and holds it while the POST is on
/// its way, so no other process delivers it at the same time and none takes the hook's next item
/// (only the oldest is ever claimable). The item is deleted after a 2xx answer, or kept for its
/// retry with the failure recorded. Switching a hook off after repeated failures is a
/// conversation change of its own (<see cref="DisableAsync"/>), sent to every member's stream.
/// </summary>
public sealed class OutgoingDelivery(
    FleepDbContext db, UnitOfWork unit, Membership membership, ConversationFanOut fanOut, HookTokens tokens,
    IHttpClientFactory httpClients, IOptions<FleepOptions> options, FleepMetrics metrics, ILogger<OutgoingDelivery> logger)
{
    /// <summary>The named HTTP client of outgoing deliveries (<see cref="OutgoingAddresses.Handler"/>).</summary>
    public const string HttpClientName = "FleepServer.Hooks.Outgoing";

    /// <summary>How much of a receiver's answer is read (and thrown away) so the connection can be reused.</summary>
    public const int MaxAnswerBytes = 16 * 1024;

    private OutgoingHookOptions Settings => options.Value.Hooks.Outgoing;

    /// <summary>Delivers the hook's oldest queued item if it is due and no one else holds it.</summary>
    public Task<(DeliveryOutcome Outcome, TimeSpan RetryIn)> DeliverNextAsync(Guid hookId, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var item = (await db.HookDeliveries.FromSql($"""
                SELECT * FROM hook_deliveries
                WHERE delivery_id = (SELECT min(delivery_id) FROM hook_deliveries WHERE hook_id = {hookId})
                  AND next_attempt_time <= clock_timestamp()
                FOR UPDATE SKIP LOCKED
                """).AsNoTracking().ToListAsync(token)).SingleOrDefault();
            if (item is null)
            {
                return (DeliveryOutcome.Idle, TimeSpan.Zero);
            }

            var hook = await db.Hooks.AsNoTracking().FirstAsync(h => h.Id == hookId, token);
            if (!hook.Delivers)
            {
                // Dropped or switched off since the items were queued: they are not delivered.
                await db.HookDeliveries.Where(d => d.HookId == hookId).ExecuteDeleteAsync(token);
                return (DeliveryOutcome.Idle, TimeSpan.Zero);
            }

            if (hook.OutgoingFailures >= Settings.MaxAttempts)
            {
                return (DeliveryOutcome.Disable, TimeSpan.Zero);
            }

            var payload = await PayloadAsync(hook, item, token);
            var error = payload is null ? null : await PostAsync(hook.OutgoingUrl, payload, token);
            if (error is null)
            {
                await db.Database.ExecuteSqlAsync($"DELETE FROM hook_deliveries WHERE delivery_id = {item.Id}", token);
                if (hook.OutgoingFailures > 0)
                {
                    await db.Database.ExecuteSqlAsync($"UPDATE hooks SET outgoing_failures = 0 WHERE hook_id = {hookId}", token);
                }

                return (DeliveryOutcome.Delivered, TimeSpan.Zero);
            }

            var failures = (await db.Database.SqlQuery<Failures>($"""
                UPDATE hooks SET outgoing_failures = outgoing_failures + 1 WHERE hook_id = {hookId} RETURNING outgoing_failures
                """).ToListAsync(token)).Single().OutgoingFailures;
            var retryIn = failures >= Settings.MaxAttempts ? TimeSpan.Zero : Backoff(failures);
            await db.Database.ExecuteSqlAsync($"""
                UPDATE hook_deliveries
                SET attempts = attempts + 1, last_error = {error}, next_attempt_time = clock_timestamp() + {retryIn}
                WHERE delivery_id = {item.Id}
                """, token);
            logger.LogInformation("Outgoing delivery to hook {HookId} failed ({Error:l}), failure {Failures}", hookId, error, failures);
            if (failures < Settings.MaxAttempts)
            {
                metrics.OutgoingRetry(RetryCause(error));
            }

            return failures >= Settings.MaxAttempts ? (DeliveryOutcome.Disable, retryIn) : (DeliveryOutcome.Failed, retryIn);
        }, ct);

    /// <summary>
    /// Switches the hook's delivery off after <see cref="OutgoingHookOptions.MaxAttempts"/> failures
    /// in a row: <c>outgoing_disabled</c> with the reason, its queue dropped, the conversation's
    /// outgoing flag recounted, and the changed hook record to every member (the reason to its owner).
    /// </summary>
    public Task DisableAsync(Guid hookId, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var conversationId = await db.Hooks.Where(h => h.Id == hookId).Select(h => h.ConversationId).FirstAsync(token);
            var conversation = (await db.Conversations
                .FromSql($"SELECT * FROM conversations WHERE conversation_id = {conversationId} FOR UPDATE").ToListAsync(token)).Single();
            var hook = await db.Hooks.FirstAsync(h => h.Id == hookId, token);
            if (!hook.Delivers || hook.OutgoingFailures < Settings.MaxAttempts)
            {
                // Switched off, dropped or reset by its owner meanwhile.
                return;
            }

            var lastError = await db.HookDeliveries.Where(d => d.HookId == hookId).OrderBy(d => d.Id).Select(d => d.LastError).FirstOrDefaultAsync(token);
            hook.OutgoingDisabled = true;
            hook.OutgoingDisableReason = $"Delivery failed {hook.OutgoingFailures} times: {lastError ?? "error"}";
            await db.HookDeliveries.Where(d => d.HookId == hookId).ExecuteDeleteAsync(token);
            await OutgoingFlag.RecountAsync(db, conversation, hook, token);
            var members = await db.ConversationMembers.AsNoTracking().Where(m => m.ConversationId == conversationId)
                .OrderBy(m => m.JoinedTime).ThenBy(m => m.AccountId).ToListAsync(token);
            await fanOut.AppendAsync(new ConversationFanOutInput(conversation, members, hook.AccountId, [], [], null, null)
            {
                SendsHeaders = false,
                Hooks = [hook],
            }, token);
            logger.LogWarning("Outgoing delivery of hook {HookId} switched off: {Reason:l}", hookId, hook.OutgoingDisableReason);
        }, ct);

    /// <summary>The delay before retry number <paramref name="failures"/>: doubling from BaseDelay up to MaxDelay, the second half of it at random.</summary>
    public TimeSpan Backoff(int failures)
    {
        var full = Math.Min(Settings.MaxDelay.TotalMilliseconds, Settings.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)));
        return TimeSpan.FromMilliseconds(full * (0.5 + Random.Shared.NextDouble() / 2));
    }

    /// <summary>
    /// The payload for one message (docs/hooks.md, "The payload"), as the hook's owner sees it;
    /// null when the owner may not see it any more (left the conversation) or the message is gone:
    /// such items are skipped.
    /// </summary>
    private async Task<byte[]?> PayloadAsync(Hook hook, HookDelivery item, CancellationToken ct)
    {
        var message = await db.Messages.AsNoTracking()
            .FirstOrDefaultAsync(m => m.ConversationId == item.ConversationId && m.MessageNr == item.MessageNr, ct);
        var conversation = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == item.ConversationId, ct);
        var members = await db.ConversationMembers.AsNoTracking().Where(m => m.ConversationId == item.ConversationId)
            .OrderBy(m => m.JoinedTime).ThenBy(m => m.AccountId).ToListAsync(ct);
        var owner = members.FirstOrDefault(m => m.AccountId == hook.AccountId);
        if (message is null || owner is not { IsActive: true } || !ViewerState.Sees(owner, message.MessageNr))
        {
            return null;
        }

        var view = await membership.ViewAsync(conversation, members, owner, ct);
        var author = await db.Accounts.AsNoTracking().FirstAsync(a => a.Id == message.AccountId, ct);
        // The hooks as a member who owns neither sees them: no URL, no outgoing settings (another
        // hook's outgoing_url is not this receiver's business).
        var hooks = new List<HookRecord> { HookRecords.For(hook, Guid.Empty, null) };
        if (message.HookKey is { } key && key != hook.HookKey
            && await db.Hooks.AsNoTracking().FirstOrDefaultAsync(h => h.ConversationId == hook.ConversationId && h.HookKey == key, ct) is { } via)
        {
            hooks.Add(HookRecords.For(via, Guid.Empty, null));
        }

        var replyUrl = tokens.UrlOf(hook, null);
        var payload = new OutgoingPayload
        {
            ReplyUrl = replyUrl,
            // The message as it is now, as a new message: an edit made before the delivery is in
            // its text, but it carries no revision markers, which receivers skip.
            Messages = [MessageRecords.For(message, hook.AccountId) with { FlowMessageNr = null, RevisionMessageNr = null }],
            Contacts = [ContactRecords.ForContact(author)],
            Conversations = [ConvRecords.For(view, replyUrl[..replyUrl.LastIndexOf("/hook/", StringComparison.Ordinal)])],
            Hooks = hooks,
        };
        return JsonSerializer.SerializeToUtf8Bytes(payload, FleepJson.Options);
    }

    /// <summary>POSTs the body; null on a 2xx answer, else what went wrong in a few words (never the receiver's answer).</summary>
    private async Task<string?> PostAsync(string url, byte[] body, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return "URL not allowed";
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Settings.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("FleepServer-Hooks", "1.0"));
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            await DrainAsync(response, timeout.Token);
            var status = (int)response.StatusCode;
            return status is >= 200 and < 300 ? null : $"HTTP {status}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return "timeout";
        }
        catch (HttpRequestException e) when (!ct.IsCancellationRequested)
        {
            return e.InnerException is AddressNotAllowedException ? "address not allowed" : e.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "name not resolved",
                HttpRequestError.ConnectionError => "connection failed",
                HttpRequestError.SecureConnectionError => "TLS failed",
                _ => "request failed",
            };
        }
    }

    /// <summary>The <c>cause</c> tag of a retry, from <see cref="PostAsync"/>'s few words: http_4xx, http_5xx, timeout, refused, ...</summary>
    internal static string RetryCause(string error) => error switch
    {
        _ when error.StartsWith("HTTP ", StringComparison.Ordinal) && error.Length == 8 => $"http_{error[5]}xx",
        "timeout" => "timeout",
        "connection failed" => "refused",
        "name not resolved" => "dns",
        "TLS failed" => "tls",
        "address not allowed" or "URL not allowed" => "not_allowed",
        _ => "other",
    };

    /// <summary>Reads at most <see cref="MaxAnswerBytes"/> of the answer and forgets them.</summary>
    private static async Task DrainAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[4096];
        var total = 0;
        int read;
        while (total < MaxAnswerBytes && (read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
        }
    }
}

internal sealed record Failures(int OutgoingFailures);

/// <summary>The body POSTed to an outgoing URL (docs/hooks.md, "The payload").</summary>
public sealed record OutgoingPayload
{
    public required string ReplyUrl { get; init; }
    public required IReadOnlyList<MessageRecord> Messages { get; init; }
    public required IReadOnlyList<ContactRecord> Contacts { get; init; }
    public required IReadOnlyList<ConvRecord> Conversations { get; init; }
    public required IReadOnlyList<HookRecord> Hooks { get; init; }
}
