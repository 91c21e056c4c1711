using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// Delivers the outbox of outgoing webhooks (docs/hooks.md). Wakes when a commit of this process
/// queued items (<see cref="OutgoingSignal"/>), when a retry falls due, and every
/// <see cref="OutgoingHookOptions.SweepInterval"/> for items queued by other processes or left by
/// one that stopped; it issues no command in between. Each wake-up reads which hooks have a due
/// oldest item and starts one worker per hook, up to <see cref="OutgoingHookOptions.MaxConcurrency"/>:
/// a worker delivers the hook's items one after the other, oldest first, and stops at the first
/// failure (the item waits for its retry, the hook's later items behind it), so a slow or dead
/// receiver holds up only its own hook. Any number of processes may run it on one database: an item
/// is held by one of them while it is on its way (<see cref="OutgoingDelivery"/>).
/// Time here is the wall clock and the database's clock, never the application's
/// <see cref="TimeProvider"/>: retry delays are real waits.
/// </summary>
public sealed class OutgoingSender(
    IServiceProvider services, OutgoingSignal signal, IConfiguration configuration, IOptions<FleepOptions> options, ILogger<OutgoingSender> logger)
    : SignalledWorker(signal, logger)
{
    /// <summary>Hooks looked at per wake-up.</summary>
    private const int ScanLimit = 256;

    private readonly ConcurrentDictionary<Guid, Task> workers = new();
    private volatile bool starved;

    private OutgoingHookOptions Settings => options.Value.Hooks.Outgoing;

    protected override bool Enabled => Settings.Enabled;

    protected override TimeSpan SweepInterval => Settings.SweepInterval;

    protected override Task<TimeSpan> RunOnceAsync(CancellationToken ct) => ScanAsync(ct);

    // In-flight deliveries end with the stopping token; their items stay queued and are delivered again.
    protected override Task StoppedAsync() => Task.WhenAll(workers.Values).ContinueWith(_ => { }, TaskScheduler.Default);

    /// <summary>Starts workers for hooks whose oldest item is due; answers how long to sleep until the next known due item.</summary>
    private async Task<TimeSpan> ScanAsync(CancellationToken ct)
    {
        // Its own pooled connection, not a database context: the look is the sender's bookkeeping,
        // not part of any change, and costs one command however many hooks there are.
        var heads = new List<Head>();
        await using (var connection = new NpgsqlConnection(configuration.GetConnectionString("Fleep")))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("""
                SELECT hook_id, EXTRACT(EPOCH FROM next_attempt_time - clock_timestamp())::float8
                FROM (SELECT DISTINCT ON (hook_id) hook_id, next_attempt_time FROM hook_deliveries ORDER BY hook_id, delivery_id) heads
                ORDER BY next_attempt_time
                LIMIT @limit
                """, connection);
            command.Parameters.AddWithValue("limit", ScanLimit);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                heads.Add(new Head(reader.GetGuid(0), reader.GetDouble(1)));
            }
        }

        var wait = Settings.SweepInterval;
        starved = false;
        foreach (var head in heads)
        {
            if (head.DueIn > 0)
            {
                wait = TimeSpan.FromSeconds(Math.Min(wait.TotalSeconds, head.DueIn));
                continue;
            }

            if (workers.ContainsKey(head.HookId))
            {
                continue;
            }

            if (workers.Count >= Math.Max(1, Settings.MaxConcurrency))
            {
                starved = true;
                continue;
            }

            // Registered before it runs, so its own removal cannot come first.
            var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            workers[head.HookId] = RunWorkerAsync(head.HookId, registered.Task, ct);
            registered.SetResult();
        }

        return wait;
    }

    /// <summary>Delivers one hook's due items in order until its queue is empty, not due, held elsewhere, or a delivery fails.</summary>
    private async Task RunWorkerAsync(Guid hookId, Task registered, CancellationToken ct)
    {
        await registered;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await using var scope = services.CreateAsyncScope();
                var delivery = scope.ServiceProvider.GetRequiredService<OutgoingDelivery>();
                var (outcome, _) = await delivery.DeliverNextAsync(hookId, ct);
                if (outcome == DeliveryOutcome.Delivered)
                {
                    continue;
                }

                if (outcome == DeliveryOutcome.Disable)
                {
                    await delivery.DisableAsync(hookId, ct);
                }
                else if (outcome == DeliveryOutcome.Failed)
                {
                    // The scan learns when the retry is due.
                    signal.Wake();
                }

                return;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Outgoing delivery to hook {HookId} failed", hookId);
        }
        finally
        {
            workers.TryRemove(hookId, out _);
            if (starved)
            {
                signal.Wake();
            }
        }
    }

    private sealed record Head(Guid HookId, double DueIn);
}
