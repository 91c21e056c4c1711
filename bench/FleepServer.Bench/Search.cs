using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FleepServer.Domain.Search;
using FleepServer.Hosting;
using Npgsql;

namespace FleepServer.Bench;

/// <summary>
/// P15: search speed. One account (the viewer) is a member of <see cref="Sizes.SearchConversations"/>
/// 2-member conversations holding <see cref="Sizes.SearchMessages"/> text messages in all, every one
/// of them visible to it (the whole history is in scope: the most the index has to sort through for
/// one viewer). The first conversation and its 40 template messages are made through the API, the
/// rest are copies of those rows (<see cref="SeedAsync"/>), so the words come from a fixed
/// vocabulary: each template's topic word is in 1 of every 40 messages, and each copy carries its
/// own case number, shared by about 5 messages. Then <c>api/search</c> as a client calls it (the
/// keywords alone: every search type) by one caller, back to back, for a common word (2.5% of the
/// messages; a full page of matches), a rare word (about 5) and two word prefixes that meet in
/// 2.5% of the messages (each alone in 10–12.5%): p50 and p99 against the server's message query
/// (<see cref="SearchSql.MessagesByWords"/>, <see cref="SearchSql.MessagesByConversations"/> or
/// <see cref="SearchSql.MessagesByRecency"/>, as the server chose, captured from the statement log with the parameters it gave it) run by
/// pgbench (c=1, per-transaction latencies), and the query plan of the
/// common word recorded (<c>EXPLAIN (ANALYZE, BUFFERS)</c>); the scenario fails when that plan reads
/// neither the GIN index <c>ix_messages_search</c> nor the posting-time index.
/// </summary>
public sealed partial class BenchRun
{
    private const string SearchIndex = "ix_messages_search";

    /// <summary>The index a common word's newest-first reading walks (<see cref="SearchSql.MessagesByRecency"/>).</summary>
    private const string RecencyIndex = "ix_messages_posted_time";
    /// <summary>The most matches one api/search answers.</summary>
    private const int SearchPage = SearchLimits.MaxMatches;

    /// <summary>The template's word that each copy turns into its own case number.</summary>
    private const string CasePlaceholder = "casexxxxxx";

    private static readonly string[] SearchOpeners = ["ok", "so", "hey", "fyi"];

    private static readonly string[] SearchTopics =
    [
        "release", "invoice", "roadmap", "budget", "hiring", "design", "backlog", "customer", "meeting", "contract",
        "standup", "migration", "outage", "feedback", "pricing", "security", "onboarding", "training", "newsletter", "holiday",
        "payroll", "sprint", "retro", "database", "backup", "laptop", "office", "travel", "webinar", "partner",
        "license", "audit", "survey", "branding", "website", "mobile", "support", "billing", "analytics", "inventory",
    ];

    private static readonly string[] SearchMiddles =
    [
        "for the server", "about the client", "is on track", "needs a review", "was moved to friday",
        "looks good to me", "is blocked by legal", "ships next week", "is done", "see the notes",
    ];

    private static readonly string[] SearchObjects = ["deployment", "ticket", "plan", "draft", "checklist", "report", "demo", "update"];

    /// <summary>
    /// The 40 template texts: an opener (1 in 4), a topic word (each in exactly one template: 2.5%),
    /// a phrase (1 in 10), an object (1 in 8) and the case placeholder; a subject on 1 in 10.
    /// Copy i of the account's messages gets case number i mod (messages / 5), zero-padded so no
    /// case number is the prefix of another, and one copy in 400 the word <see cref="LessCommonWord"/>.
    /// </summary>
    private SeedTexts SearchTexts() => new(
        [.. SearchTopics.Select((topic, i) => (
            $"{SearchOpeners[i % 4]} the {topic} {SearchMiddles[i % 10]}, {SearchObjects[i % 8]} {CasePlaceholder}",
            i % 10 == 5 ? "weekly notes" : (string?)null))],
        CasePlaceholder,
        $"'case' || lpad(((m.k * (@last - 1) + g.n - 2) % {Math.Max(1, sizes.SearchMessages / 5)})::text, 6, '0')"
            + $" || CASE WHEN (m.k * (@last - 1) + g.n - 2) % 400 = 7 THEN ' {LessCommonWord}' ELSE '' END");

    /// <summary>A word in 1 of every 400 messages (0.25%): one in ten copies of one template.</summary>
    private const string LessCommonWord = "quarterly";

    /// <summary>One measured search: what a client types, and the search types it asks for (null: all, as clients send it).</summary>
    private sealed record SearchQuery(string Name, string Keywords, string? SearchTypes = null)
    {
        /// <summary>Every word a prefix, all of them required (as api/search reads keywords), for counting the matches.</summary>
        public string TsQuery => string.Join(" & ", Keywords.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w + ":*"));
    }

    private async Task SearchAsync(AppProcess server, CpuMeter meter)
    {
        using var client = new LoadClient(TimeSpan.FromMinutes(2));
        var calls = new FleepCalls(client);
        var seeding = Stopwatch.StartNew();
        var viewer = (await RegisterAsync(server.BaseAddress, ["search@example.org"]))[0];
        await SeedAsync(server.BaseAddress, viewer, sizes.SearchConversations, sizes.SearchMessages, SearchTexts(), rebuildSearchIndex: true);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // A table that has lived a while has been vacuumed: the index's pending entries are merged.
        await ExecuteAsync(connection, "VACUUM (ANALYZE) messages");
        seeding.Stop();
        var messageCount = (long)(await ScalarAsync(connection,
            """
            SELECT count(*) FROM messages m JOIN conversation_members cm ON cm.conversation_id = m.conversation_id AND cm.account_id = @v
            WHERE m.mk_message_type = 'text'
            """,
            ("v", viewer.AccountId)))!;
        var conversationCount = (long)(await ScalarAsync(connection, "SELECT count(*) FROM conversation_members WHERE account_id = @v",
            ("v", viewer.AccountId)))!;
        var size = (string)(await ScalarAsync(connection,
            "SELECT pg_size_pretty(pg_total_relation_size('messages')) || ', index ' || pg_size_pretty(pg_relation_size('ix_messages_search'))"))!;
        var seeded = $"seeded {conversationCount:N0} conversations, {messageCount:N0} text messages visible to the viewer in {seeding.Elapsed.TotalSeconds:0} s"
            + $" (API template, SQL copies, VACUUM ANALYZE); messages table {size}";
        Console.WriteLine($"P15: {seeded}");
        report.Captured["P15 seeding"] = seeded;

        var rare = $"case{(sizes.SearchMessages / 5 / 2).ToString("000000", CultureInfo.InvariantCulture)}";
        SearchQuery[] queries =
        [
            new("common word", SearchTopics[0]),
            // The same without the topic and member search: what the message search alone costs through the API.
            new("common word, messages only", SearchTopics[0], "chat"),
            new("less common word", LessCommonWord),
            new("rare word", rare),
            new("two word prefixes", "tick cli"),
        ];

        var bin = LocalPostgresCluster.FindBinDirectory()!;
        // The message statement runs without JIT compilation, as the server's search transaction runs it.
        var target = new NpgsqlConnectionStringBuilder(connectionString) { Options = "-c jit=off" };
        foreach (var query in queries)
        {
            var matching = (long)(await ScalarAsync(connection, """
                SELECT count(*) FROM messages m JOIN conversation_members cm ON cm.conversation_id = m.conversation_id AND cm.account_id = @v
                WHERE m.search_vector @@ to_tsquery(fleep_search_config(), @q) AND m.mk_message_state <> 'deleted'
                """, ("v", viewer.AccountId), ("q", query.TsQuery)))!;
            var expected = (int)Math.Min(SearchPage, matching);
            var asked = query.SearchTypes is null ? "" : $", search_types [{query.SearchTypes}]";
            var what = $"api/search p50 ms, {query.Name} \"{query.Keywords}\"{asked} ({matching:N0} matching of {messageCount:N0} text messages, {expected} results), "
                + $"{conversationCount:N0} conversations";
            var target50 = query == queries[0] ? "p50 ≤ 50 ms" : "none (p50 ≤ 50 ms for the common word)";
            string script, statement;
            CapturedStatement captured;
            try
            {
                (script, statement, captured) = await SearchScriptAsync(server.BaseAddress, calls, viewer, query);
            }
            catch (InvalidOperationException e)
            {
                // No statement to replay: an error of the run, and the other searches still measured.
                Console.Error.WriteLine($"P15 {query.Name}: {e.Message}");
                report.Add(new Metric { Id = "P15", What = what, Target = target50, Errors = 1, NotMeasured = $"no statement captured: {(e.Message.Length > 300 ? e.Message[..300] + " ..." : e.Message)}" });
                continue;
            }

            if (query == queries[0])
            {
                await SearchPlanAsync(connection, script, captured, query, matching);
            }

            // Warm-up: the query's pages in the cache for both sides.
            await Pgbench.RunAsync(bin, target, script, 1, 1, 10);
            var raw = new List<PgbenchResult>();
            var wrong = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            var api = new List<(List<double> Ms, int Errors, CpuUse Cpu)>();
            for (var r = 0; r < sizes.Repetitions; r++)
            {
                var result = await Pgbench.RunAsync(bin, target, script, 1, sizes.PgbenchSeconds, logDirectory: work);
                if (!result.Ok || result.LatenciesMs.Count == 0)
                {
                    failures++;
                    Console.WriteLine($"pgbench P15 {query.Name} failed:\n{result.Output}");
                }

                raw.Add(result);
                api.Add(await Engines.SerialLatencyAsync(meter, sizes.Warmup, sizes.Duration, async () =>
                {
                    var answer = await SearchCallAsync(calls, server.BaseAddress, viewer, query);
                    var found = answer.Ok ? Matches(answer) : -1;
                    if (found == expected)
                    {
                        return true;
                    }

                    var body = System.Text.Encoding.UTF8.GetString(answer.Body);
                    var reason = answer.Ok ? $"{found} matches, expected {expected}" : $"{answer.Status} {(body.Length > 200 ? body[..200] : body)}";
                    wrong[reason] = wrong.GetValueOrDefault(reason) + 1;
                    return false;
                }));
            }

            foreach (var (reason, count) in wrong)
            {
                Console.WriteLine($"P15 {query.Name}: {count} calls answered {reason}");
            }

            var rawName = $"pgbench P15 {query.Name}";
            report.Add(new BaselineFigure($"{rawName} p50", Stats.Median(raw.Select(x => Stats.Percentile(x.LatenciesMs, 50))),
                [.. raw.Select(x => Stats.Percentile(x.LatenciesMs, 50))], $"ms, c=1, {raw.Sum(x => x.LatenciesMs.Count)} transactions: {statement}", null));
            report.Add(new BaselineFigure($"{rawName} p99", Stats.Median(raw.Select(x => Stats.Percentile(x.LatenciesMs, 99))),
                [.. raw.Select(x => Stats.Percentile(x.LatenciesMs, 99))], "ms", null));
            var errors = api.Sum(a => a.Errors);
            var note = $"one caller back to back, {api.Sum(a => a.Ms.Count)} calls, each asserted to answer {expected} matches; "
                + $"baseline: {statement} in pgbench, c=1";
            Add(new Metric
            {
                Id = "P15", What = what, Ratio = "x", Baseline = $"{rawName} p50 (the same message query)",
                BaselineValue = report.BaselineValue($"{rawName} p50"), Target = target50, Note = note,
            }, [.. api.Select(a => (Stats.Percentile(a.Ms, 50), a.Errors, 0, (CpuUse?)a.Cpu))], errors);
            Add(new Metric
            {
                Id = "P15", What = what.Replace("p50", "p99", StringComparison.Ordinal), Ratio = "x", Baseline = $"{rawName} p99",
                BaselineValue = report.BaselineValue($"{rawName} p99"),
            }, [.. api.Select(a => (Stats.Percentile(a.Ms, 99), 0, 0, (CpuUse?)a.Cpu))]);
        }
    }

    private static Task<Answer> SearchCallAsync(FleepCalls calls, Uri server, Session session, SearchQuery query) =>
        calls.Client.PostAsync(new Uri(server, "/api/search"), session.Body($"\"keywords\":{JsonSerializer.Serialize(query.Keywords)}"
            + (query.SearchTypes is null ? "" : $",\"search_types\":[{JsonSerializer.Serialize(query.SearchTypes)}]")), session.Token);

    private static int Matches(Answer answer)
    {
        using var json = answer.Json();
        return json.RootElement.TryGetProperty("matches", out var matches) && matches.ValueKind == JsonValueKind.Array ? matches.GetArrayLength() : -1;
    }

    /// <summary>
    /// The pgbench script of the message query for <paramref name="query"/> and a name for it: the
    /// statement api/search ran for it that is <see cref="SearchSql.MessagesByWords"/> or
    /// <see cref="SearchSql.MessagesByConversations"/> (the server chooses), captured from the
    /// statement log with the parameters the server gave it (the viewer's conversations, the
    /// keywords as a tsquery, the page size), each a literal.
    /// </summary>
    private async Task<(string Script, string Name, CapturedStatement Statement)> SearchScriptAsync(Uri server, FleepCalls calls, Session viewer,
        SearchQuery query)
    {
        var name = "p15-" + Regex.Replace(query.Name, @"\W+", "-");
        var capture = new StatementCapture(connectionString, Path.Combine(cluster!.RootDirectory, "postgres.log"));
        var captured = await capture.CaptureAsync([("search", async () =>
        {
            // A busy machine can hold a statement past the server's command timeout (503): the
            // statements of a failed try are the same, so the capture takes the first success.
            for (var attempt = 1; ; attempt++)
            {
                var answer = await SearchCallAsync(calls, server, viewer, query);
                if (answer.Ok)
                {
                    return;
                }

                if (attempt == 5)
                {
                    throw Failed("api/search", answer);
                }

                Console.WriteLine($"P15: api/search \"{query.Keywords}\" answered {answer.Status} while captured; again");
            }
        })]);
        var statements = captured.SelectMany(c => c.Statements).ToList();
        report.Captured[$"P15 {query.Name}: api/search statements"] = string.Join(";\n", statements.Select(s => s.Sql));
        (string Name, string Sql)[] constants =
            [
                (nameof(SearchSql.MessagesByWords), SearchSql.MessagesByWords), (nameof(SearchSql.MessagesByConversations), SearchSql.MessagesByConversations),
                (nameof(SearchSql.MessagesByRecency), SearchSql.MessagesByRecency),
            ];
        var (statement, constant) = statements.SelectMany(s => constants.Where(c => SameStatement(s.Sql, c.Sql)).Select(c => (s, c.Name))).FirstOrDefault();
        if (statement is null)
        {
            throw new InvalidOperationException($"P15: api/search \"{query.Keywords}\" ran none of SearchSql.MessagesByWords, MessagesByConversations and MessagesByRecency; it ran:\n"
                + string.Join("\n;\n", statements.Select(s => s.Sql)));
        }

        var script = await ReplayScript.BuildAsync(connectionString, name, [new CapturedCall(name, [statement])], work);
        report.Captured[$"P15 {query.Name}: pgbench script"] = Shorten(await File.ReadAllTextAsync(script));
        return (script, $"SearchSql.{constant} as api/search ran it (captured)", statement);
    }

    [GeneratedRegex(@"(?<![@\w])@\w+")]
    private static partial Regex NamedParameter();

    [GeneratedRegex(@"\$\d+")]
    private static partial Regex PositionalParameter();

    /// <summary>The logged statement is the constant, its named parameters sent as positional ones.</summary>
    private static bool SameStatement(string logged, string constant) =>
        Regex.Replace(PositionalParameter().Replace(logged, "$"), @"\s+", " ").Trim()
        == Regex.Replace(NamedParameter().Replace(constant, "$"), @"\s+", " ").Trim();

    /// <summary>
    /// <c>EXPLAIN (ANALYZE, BUFFERS)</c> of the common word's message query, printed, kept in the
    /// report and beside the results: the custom plan (the parameters as literals, as pgbench runs
    /// it) and the generic plan (the statement prepared, as PostgreSQL may run the server's
    /// auto-prepared statement after five executions). A plan without the GIN index fails the scenario.
    /// </summary>
    private async Task SearchPlanAsync(NpgsqlConnection connection, string script, CapturedStatement statement, SearchQuery query, long matching)
    {
        var sql = (await File.ReadAllTextAsync(script)).Trim().TrimEnd(';');
        // As the server's search transaction plans it: without JIT compilation.
        await ExecuteAsync(connection, "SET jit = off");
        var custom = Shorten(await ExplainAsync(connection, "EXPLAIN (ANALYZE, BUFFERS) " + sql));
        string? generic = null;
        try
        {
            await ExecuteAsync(connection, "PREPARE p15_generic AS " + statement.Sql);
            var types = (string[])(await ScalarAsync(connection, "SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = 'p15_generic'"))!;
            var arguments = statement.Parameters.Select((v, i) => v is null ? $"NULL::{types[i]}" : $"'{v.Replace("'", "''")}'::{types[i]}");
            await ExecuteAsync(connection, "SET plan_cache_mode = force_generic_plan");
            generic = Shorten(await ExplainAsync(connection, $"EXPLAIN (ANALYZE, BUFFERS) EXECUTE p15_generic({string.Join(", ", arguments)})"));
        }
        catch (PostgresException e)
        {
            Console.WriteLine($"P15: no generic plan: {e.MessageText}");
        }
        finally
        {
            await ExecuteAsync(connection, "RESET plan_cache_mode");
            await ExecuteAsync(connection, "RESET jit");
            await ExecuteAsync(connection, "DEALLOCATE ALL");
        }

        var shown = Shorten(sql);
        report.Captured["P15 plan: " + query.Name] = $"{shown}\n\n{custom}";
        report.Captured["P15 generic plan: " + query.Name] = generic ?? "none";
        var directory = outDirectory ?? (quick || only is not null ? Path.Combine(work, "results") : Path.Combine(repo, "bench/results"));
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"{report.Started:yyyy-MM-dd}-{report.Commit}-P15-plan.txt");
        await File.WriteAllTextAsync(file, $"-- {query.Name} \"{query.Keywords}\": {matching:N0} matching messages\n{shown}\n\n"
            + $"-- custom plan (the parameters as literals, as pgbench runs it)\n{custom}\n\n"
            + $"-- generic plan (prepared; plan_cache_mode = force_generic_plan)\n{generic ?? "none"}\n");
        Console.WriteLine($"P15 plans of the {query.Name} ({file}):\n{custom}\n\ngeneric:\n{generic}");
        foreach (var (kind, plan) in new[] { ("custom", custom), ("generic", generic) })
        {
            if (plan is null)
            {
                continue;
            }

            // Few matches are read from the GIN index, a common word's newest first from the posting-time index (docs/search.md, "Speed").
            var index = new[] { SearchIndex, RecencyIndex }.FirstOrDefault(i => plan.Contains(i, StringComparison.Ordinal));
            var uses = index is not null;
            var ms = Regex.Match(plan, @"Execution Time: ([0-9.]+) ms") is { Success: true } time
                ? double.Parse(time.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
            var check = new Metric
            {
                Id = "P15", What = $"the {query.Name}'s message query, {kind} plan, reads an index ({SearchIndex} or {RecencyIndex}) (EXPLAIN ANALYZE)",
                Value = uses ? 1 : 0, Target = "reads one (1)", Errors = uses ? 0 : 1,
                Note = (uses ? $"reads {index}; " : "FAILED: THE PLAN READS NEITHER INDEX; ") + $"executed in {ms:0.0} ms; plan in {Path.GetFileName(file)}",
            };
            check.Repetitions.Add(check.Value);
            report.Add(check);
            if (!uses)
            {
                Console.Error.WriteLine($"P15 FAILED: the {kind} plan of the {query.Name} reads neither {SearchIndex} nor {RecencyIndex}:\n{plan}");
            }
        }
    }

    private static async Task<string> ExplainAsync(NpgsqlConnection connection, string sql)
    {
        var lines = new List<string>();
        await using var explain = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join("\n", lines);
    }

    [GeneratedRegex(@"\{[0-9a-f]{8}-[0-9a-f-]{27}(?:,[0-9a-f]{8}-[0-9a-f-]{27})+\}")]
    private static partial Regex UuidList();

    /// <summary>A long uuid array literal shortened to its first id and its length, for reading.</summary>
    private static string Shorten(string text) =>
        UuidList().Replace(text, list => $"{{{list.Value[1..37]},... {list.Value.Count(c => c == ',') + 1} ids}}");

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 900 };
        await command.ExecuteNonQueryAsync();
    }
}
