using System.Text.Json;

namespace FleepServer.Bench;

/// <summary>
/// P13: messages that come in through hooks. Every 2-member conversation of P1 gets a plain hook
/// (made by its sender, so the posts are the sender's messages, as a CI bot's would be). Two
/// figures against the baselines of the message scenarios: hook posts/s in a closed loop against
/// pgbench's send transaction (P3's baseline), and post → the other member's parked poll, open
/// loop, against the send commit + Kestrel's wake (P1's baselines).
/// </summary>
public sealed partial class BenchRun
{
    private readonly List<(Guid ConversationId, Uri Url)> hooks = [];

    private async Task HooksAsync(AppProcess server, CpuMeter meter)
    {
        using var client = new LoadClient();
        var made = new (Guid, Uri)?[pairs.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, pairs.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var pair = pairs[i];
            var answer = await client.PostAsync(new Uri(server.BaseAddress, $"/api/conversation/create_hook/{pair.ConversationId}"),
                pair.Sender.Body("\"hook_name\":\"bench\""), pair.Sender.Token, ct);
            if (!answer.Ok)
            {
                throw Failed("conversation/create_hook", answer);
            }

            using var json = answer.Json();
            made[i] = (pair.ConversationId, new Uri(json.RootElement.GetProperty("hook_info").GetProperty("hook_url").GetString()!));
        });
        hooks.AddRange(made.Select(h => h!.Value));

        var posts = await RepeatMetric(() => Task.CompletedTask, async () =>
        {
            var r = await Engines.ClosedLoopAsync(meter, sizes.SendConcurrency, sizes.Warmup, sizes.Duration, async w =>
                (await PostAsync(client, hooks[w % hooks.Count].Url, $"P13 closed {w}")).Ok);
            return (r.PerSecond, r.Errors, 0, r.Cpu);
        });
        Add(new Metric
        {
            Id = "P13", What = $"hook posts/s, {sizes.SendConcurrency} posters", Baseline = "pgbench send-txn c=32",
            BaselineValue = report.BaselineValue("pgbench send-txn c=32 beside P3"), Target = "none in design.md §8",
            Note = "closed loop, each poster its own hook of a 2-member conversation, JSON {message, user}; baseline: the runs beside P3",
        }, posts);

        await HookDeliveryAsync(server, meter, client);
    }

    private async Task HookDeliveryAsync(AppProcess server, CpuMeter meter, LoadClient client)
    {
        var calls = new FleepCalls(client);
        var pollers = accounts.Take(sizes.Pollers).Select(a => a.Poller).ToList();
        var results = new List<DeliveryResult>();
        for (var r = 0; r < sizes.Repetitions; r++)
        {
            var round = r;
            var horizons = await HorizonsAsync(server.BaseAddress, pollers);
            results.Add(await Engines.MessageDeliveryAsync(meter, pollers.Count, sizes.Rate, sizes.DeliveryDuration, sizes.Settle,
                async (p, ct) =>
                {
                    var answer = await calls.PollAsync(server.BaseAddress, pollers[p], horizons[p], wait: true, ct);
                    if (!answer.Ok)
                    {
                        return (false, []);
                    }

                    using var document = answer.Json();
                    horizons[p] = document.RootElement.GetProperty("event_horizon").GetInt64();
                    return (true, PostKeys(document.RootElement, $"P13 {round} "));
                },
                async seq =>
                {
                    var hook = hooks[seq % hooks.Count];
                    return (await PostAsync(client, hook.Url, $"P13 {round} {seq}")).Ok ? (hook.ConversationId, seq) : null;
                },
                _ => 1));
        }

        AddLatencies("P13", $"hook post → other member's parked poll, {sizes.Pollers} parked, {sizes.Rate}/s", results,
            ($"pgbench {SendTxn} c=1 latency", report.BaselineValue($"pgbench {SendTxn} c=1 latency")), Wake(),
            ("none in design.md §8", "none in design.md §8"), "posts", sizes.Rate);
    }

    private static Task<Answer> PostAsync(LoadClient client, Uri url, string text) =>
        client.PostAsync(url, $"{{\"message\":\"{text}\",\"user\":\"bench\"}}");

    /// <summary>The hook posts of this round in a poll answer, keyed by (conversation, sequence number in the text).</summary>
    private static List<(Guid Conversation, long MessageNr)> PostKeys(JsonElement root, string prefix)
    {
        var keys = new List<(Guid, long)>();
        foreach (var record in root.GetProperty("stream").EnumerateArray())
        {
            if (record.TryGetProperty("mk_rec_type", out var type) && type.ValueEquals("message")
                && record.TryGetProperty("hook_key", out _)
                && record.GetProperty("message").GetString() is { } xml
                && xml.IndexOf(prefix, StringComparison.Ordinal) is var at and >= 0)
            {
                var digits = xml.AsSpan(at + prefix.Length);
                var end = 0;
                while (end < digits.Length && char.IsAsciiDigit(digits[end]))
                {
                    end++;
                }

                keys.Add((record.GetProperty("conversation_id").GetGuid(), long.Parse(digits[..end])));
            }
        }

        return keys;
    }
}
