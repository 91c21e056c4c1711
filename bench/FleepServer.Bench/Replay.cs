using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace FleepServer.Bench;

/// <summary>One statement the server executed, with the parameter values PostgreSQL logged for it.</summary>
public sealed record CapturedStatement(string Sql, IReadOnlyList<string?> Parameters);

/// <summary>Every statement PostgreSQL ran for one API call, in order, from any of the server's connections.</summary>
public sealed record CapturedCall(string Label, IReadOnlyList<CapturedStatement> Statements)
{
    /// <summary>Connection resets (<c>DISCARD ALL</c>) PostgreSQL saw during the call; not replayed.</summary>
    public int Resets { get; init; }
}

/// <summary>
/// Captures the SQL the server really runs: switches <c>log_statement = all</c> on for the bench
/// cluster, makes the calls one at a time between marker statements, and reads the statements
/// and their parameters back from the PostgreSQL log. Nothing is hand-written.
/// </summary>
public sealed partial class StatementCapture(string connectionString, string logFile)
{
    private const string Marker = "fleep-bench-mark ";

    public async Task<IReadOnlyList<CapturedCall>> CaptureAsync(IReadOnlyList<(string Label, Func<Task> Call)> calls)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var myPid = (int)(await Scalar(connection, "SELECT pg_backend_pid()"))!;
        await Execute(connection, "ALTER SYSTEM SET log_statement = 'all'");
        await Execute(connection, "ALTER SYSTEM SET log_line_prefix = '%m [%p] '");
        await Execute(connection, "SELECT pg_reload_conf()");
        await Task.Delay(500);
        var offset = new FileInfo(logFile).Length;
        try
        {
            foreach (var (label, call) in calls)
            {
                await Execute(connection, $"SELECT '{Marker}{label}'");
                await call();
                // The cross-process NOTIFY goes out just after the commit, from its own connection.
                await Task.Delay(150);
            }

            await Execute(connection, $"SELECT '{Marker}'");
        }
        finally
        {
            await Execute(connection, "ALTER SYSTEM RESET log_statement");
            await Execute(connection, "ALTER SYSTEM RESET log_line_prefix");
            await Execute(connection, "SELECT pg_reload_conf()");
        }

        await Task.Delay(300);
        return Parse(ReadFrom(logFile, offset), myPid);
    }

    private static string ReadFrom(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] ([A-Z]+):  (.*)$")]
    private static partial Regex EntryLine();

    [GeneratedRegex(@"^(?:statement: |execute [^:]*: )(.*)$", RegexOptions.Singleline)]
    private static partial Regex StatementText();

    private static IReadOnlyList<CapturedCall> Parse(string log, int myPid)
    {
        var resets = new Dictionary<string, int>();
        // Entries: (pid, level, text); lines without a prefix continue the previous entry.
        var entries = new List<(int Pid, string Level, StringBuilder Text)>();
        foreach (var line in log.Split('\n'))
        {
            var match = EntryLine().Match(line);
            if (match.Success)
            {
                entries.Add((int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value, new StringBuilder(match.Groups[3].Value)));
            }
            else if (entries.Count > 0)
            {
                entries[^1].Text.Append('\n').Append(line.StartsWith('\t') ? line[1..] : line);
            }
        }

        var calls = new List<CapturedCall>();
        string? label = null;
        List<(string Sql, List<string?> Parameters)>? statements = null;
        var lastByPid = new Dictionary<int, (string Sql, List<string?> Parameters)>();
        foreach (var (pid, level, textBuilder) in entries)
        {
            var text = textBuilder.ToString().TrimEnd('\n');
            if (level == "LOG" && StatementText().Match(text) is { Success: true } statement)
            {
                var sql = statement.Groups[1].Value.Trim();
                if (pid == myPid)
                {
                    if (sql.Contains(Marker, StringComparison.Ordinal))
                    {
                        if (label is not null)
                        {
                            calls.Add(new CapturedCall(label, statements!.Select(s => new CapturedStatement(s.Sql, s.Parameters)).ToList())
                            {
                                Resets = resets.GetValueOrDefault(label),
                            });
                        }

                        var start = sql.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length;
                        label = sql[start..].TrimEnd('\'');
                        label = label.Length == 0 ? null : label;
                        statements = [];
                    }

                    continue;
                }

                if (label is not null && sql.StartsWith("DISCARD", StringComparison.OrdinalIgnoreCase))
                {
                    // Npgsql's reset of a pooled connection: counted, not replayed (it is not part of the work).
                    resets[label] = resets.GetValueOrDefault(label) + 1;
                    continue;
                }

                if (label is null || sql.StartsWith("LISTEN", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var entry = (sql, new List<string?>());
                statements!.Add(entry);
                lastByPid[pid] = entry;
            }
            else if (level == "DETAIL" && text.StartsWith("parameters: ", StringComparison.OrdinalIgnoreCase) && lastByPid.TryGetValue(pid, out var owner))
            {
                owner.Parameters.AddRange(ParseParameters(text["parameters: ".Length..]));
                lastByPid.Remove(pid);
            }
        }

        return calls;
    }

    /// <summary>Parses <c>$1 = 'it''s', $2 = NULL</c>.</summary>
    internal static List<string?> ParseParameters(string text)
    {
        var values = new List<string?>();
        var i = 0;
        while (i < text.Length)
        {
            i = text.IndexOf(" = ", i, StringComparison.Ordinal) + 3;
            if (text.AsSpan(i).StartsWith("NULL"))
            {
                values.Add(null);
                i += 4;
            }
            else
            {
                var value = new StringBuilder();
                i++; // opening quote
                while (true)
                {
                    if (text[i] == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                    {
                        value.Append('\'');
                        i += 2;
                    }
                    else if (text[i] == '\'')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        value.Append(text[i++]);
                    }
                }

                values.Add(value.ToString());
            }

            i = text.IndexOf(", $", i, StringComparison.Ordinal);
            if (i < 0)
            {
                break;
            }
        }

        return values;
    }

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// Turns captured calls into a pgbench script: the server's statements, verbatim, with each
/// parameter as a typed literal. Values that differ between the captured calls (account ids,
/// session hashes, ...) come from a table row chosen by pgbench's <c>client_id</c>, so every
/// pgbench client replays a different account, as the server's clients do.
/// </summary>
public static partial class ReplayScript
{
    /// <param name="freshKeys">
    /// Key columns (table, column) whose captured value would collide when replayed (the new
    /// message's <c>message_nr</c> and <c>message_id</c>): in an <c>INSERT INTO table (...) VALUES (...)</c>
    /// that value is a new uuid for a uuid column, else it comes from a sequence far above the
    /// server's numbers. Nothing else is changed.
    /// </param>
    public static async Task<string> BuildAsync(string connectionString, string name, IReadOnlyList<CapturedCall> calls, string directory,
        IReadOnlyCollection<(string Table, string Column)>? freshKeys = null)
    {
        if (calls.Count == 0 || calls[0].Statements.Count == 0)
        {
            throw new InvalidOperationException($"nothing captured for {name}");
        }

        var shape = calls[0].Statements.Select(s => s.Sql).ToList();
        var same = calls.Where(c => c.Statements.Select(s => s.Sql).SequenceEqual(shape)).ToList();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        var table = $"bench_replay_{name.Replace('-', '_')}";
        var variables = new List<(string Name, int Statement, int Parameter)>();
        var script = new StringBuilder();
        var body = new StringBuilder();
        for (var s = 0; s < shape.Count; s++)
        {
            var statement = same[0].Statements[s];
            var types = await ParameterTypesAsync(connection, statement);
            var sql = statement.Sql;
            var fresh = await FreshParametersAsync(connection, sql, types, freshKeys ?? []);
            // Replace $n from the highest down so $1 does not eat the start of $10.
            for (var p = statement.Parameters.Count - 1; p >= 0; p--)
            {
                var values = same.Select(c => c.Statements[s].Parameters.ElementAtOrDefault(p)).ToList();
                string literal;
                if (fresh.TryGetValue(p, out var freshValue))
                {
                    literal = $"{freshValue}::{types[p]}";
                }
                else if (values.All(v => v == statement.Parameters[p]))
                {
                    literal = statement.Parameters[p] is { } v ? $"'{v.Replace("'", "''")}'::{types[p]}" : $"NULL::{types[p]}";
                }
                else
                {
                    var variable = $"fbv_{s}_{p}";
                    variables.Add((variable, s, p));
                    literal = $"':{variable}'::{types[p]}";
                }

                sql = Regex.Replace(sql, $@"\${p + 1}(?!\d)", literal.Replace("$", "$$"));
            }

            body.Append(sql.TrimEnd(';')).Append(";\n");
        }

        if (variables.Count > 0)
        {
            await using (var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {table}", connection))
            {
                await drop.ExecuteNonQueryAsync();
            }

            var columns = string.Join(", ", variables.Select(v => $"{v.Name} text"));
            await using (var create = new NpgsqlCommand($"CREATE TABLE {table} (n int PRIMARY KEY, {columns})", connection))
            {
                await create.ExecuteNonQueryAsync();
            }

            for (var n = 0; n < same.Count; n++)
            {
                var insert = new NpgsqlCommand(
                    $"INSERT INTO {table} VALUES (@n, {string.Join(", ", variables.Select((_, i) => $"@v{i}"))})", connection);
                insert.Parameters.AddWithValue("n", n);
                for (var i = 0; i < variables.Count; i++)
                {
                    var value = same[n].Statements[variables[i].Statement].Parameters[variables[i].Parameter];
                    insert.Parameters.AddWithValue($"v{i}", (object?)value?.Replace("'", "''") ?? DBNull.Value);
                }

                await insert.ExecuteNonQueryAsync();
                await insert.DisposeAsync();
            }

            script.Append($"SELECT {string.Join(", ", variables.Select(v => v.Name))} FROM {table} WHERE n = :client_id % {same.Count} \\gset\n");
        }

        script.Append(body);
        var path = Path.Combine(directory, $"{name}.sql");
        await File.WriteAllTextAsync(path, script.ToString());
        return path;
    }

    [GeneratedRegex(@"^\s*INSERT\s+INTO\s+""?(\w+)""?\s*\(([^)]*)\)\s*VALUES\s*\(([^)]*)\)", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex InsertValues();

    /// <summary>
    /// Parameter index → the expression of a fresh value, for the fresh key columns this INSERT sets
    /// from a parameter: a new uuid for a uuid column, else the next number of a sequence.
    /// </summary>
    private static async Task<Dictionary<int, string>> FreshParametersAsync(NpgsqlConnection connection, string sql, string[] types,
        IReadOnlyCollection<(string Table, string Column)> freshKeys)
    {
        var fresh = new Dictionary<int, string>();
        if (freshKeys.Count == 0 || InsertValues().Match(sql) is not { Success: true } insert)
        {
            return fresh;
        }

        var table = insert.Groups[1].Value;
        var columns = insert.Groups[2].Value.Split(',').Select(c => c.Trim().Trim('"')).ToList();
        var values = insert.Groups[3].Value.Split(',').Select(v => v.Trim()).ToList();
        foreach (var (_, column) in freshKeys.Where(k => k.Table == table))
        {
            var index = columns.IndexOf(column);
            if (index < 0 || index >= values.Count || !values[index].StartsWith('$'))
            {
                continue;
            }

            var parameter = int.Parse(values[index][1..], CultureInfo.InvariantCulture) - 1;
            if (types[parameter] == "uuid")
            {
                fresh[parameter] = "gen_random_uuid()";
                continue;
            }

            var sequence = $"bench_replay_{table}_{column}";
            await using (var create = new NpgsqlCommand($"CREATE SEQUENCE IF NOT EXISTS {sequence} START WITH 1000000000", connection))
            {
                await create.ExecuteNonQueryAsync();
            }

            fresh[parameter] = $"nextval('{sequence}')";
        }

        return fresh;
    }

    /// <summary>The parameter types PostgreSQL infers for the statement; a typed guess from the values where it cannot.</summary>
    private static async Task<string[]> ParameterTypesAsync(NpgsqlConnection connection, CapturedStatement statement)
    {
        if (statement.Parameters.Count == 0)
        {
            return [];
        }

        if (await TryPrepareAsync(connection, statement.Sql, null) is { } inferred)
        {
            return inferred;
        }

        var guessed = statement.Parameters.Select(Guess).ToArray();
        return await TryPrepareAsync(connection, statement.Sql, guessed)
            ?? throw new InvalidOperationException($"cannot type the parameters of: {statement.Sql}");
    }

    private static async Task<string[]?> TryPrepareAsync(NpgsqlConnection connection, string sql, string[]? types)
    {
        try
        {
            var signature = types is null ? "" : $"({string.Join(", ", types)})";
            await using (var prepare = new NpgsqlCommand($"PREPARE fleep_bench_probe{signature} AS {sql}", connection))
            {
                await prepare.ExecuteNonQueryAsync();
            }

            await using var read = new NpgsqlCommand(
                "SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = 'fleep_bench_probe'", connection);
            var result = (string[])(await read.ExecuteScalarAsync())!;
            await using var deallocate = new NpgsqlCommand("DEALLOCATE fleep_bench_probe", connection);
            await deallocate.ExecuteNonQueryAsync();
            return result;
        }
        catch (PostgresException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d(:\d\d)?|Z)?$")]
    private static partial Regex Timestamp();

    private static string Guess(string? value) => value switch
    {
        null => "text",
        _ when Uuid().IsMatch(value) => "uuid",
        _ when Timestamp().IsMatch(value) => "timestamptz",
        _ when long.TryParse(value, CultureInfo.InvariantCulture, out _) => "bigint",
        "t" or "f" => "boolean",
        _ when value.StartsWith('{') && value.Length > 2 && Uuid().IsMatch(value[1..].Split(',', '}')[0]) => "uuid[]",
        _ when value.StartsWith("{\"{", StringComparison.Ordinal) => "json[]",
        _ when value.StartsWith('{') && value.EndsWith('}') && !value.Contains('"') => "text[]",
        _ => "text",
    };
}

/// <summary>One pgbench run: transactions per second and average latency.</summary>
public sealed record PgbenchResult(int Clients, double Tps, double LatencyMs, bool Ok, string Output)
{
    /// <summary>Every transaction's latency (ms), from pgbench's per-transaction log; empty unless asked for.</summary>
    public IReadOnlyList<double> LatenciesMs { get; init; } = [];
}

public static partial class Pgbench
{
    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex Latency();

    /// <summary>
    /// Runs for <paramref name="seconds"/>, or, when <paramref name="transactions"/> is set, that many
    /// transactions per client. With <paramref name="logDirectory"/>, pgbench logs every transaction
    /// there (<c>-l</c>) and the result carries each one's latency.
    /// </summary>
    public static async Task<PgbenchResult> RunAsync(string binDirectory, NpgsqlConnectionStringBuilder target, string script, int clients, int seconds,
        int? transactions = null, string? logDirectory = null)
    {
        var prefix = logDirectory is null ? null : Path.Combine(logDirectory, $"pgbench-tx-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo(Path.Combine(binDirectory, "pgbench"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-n", "-M", "simple", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", Math.Min(clients, 2).ToString(CultureInfo.InvariantCulture),
            transactions is null ? "-T" : "-t", (transactions ?? seconds).ToString(CultureInfo.InvariantCulture), "-f", script,
            "-h", target.Host!, "-p", target.Port.ToString(CultureInfo.InvariantCulture), "-U", target.Username!, target.Database!,
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (prefix is not null)
        {
            start.ArgumentList.Add("-l");
            start.ArgumentList.Add("--log-prefix=" + prefix);
        }

        start.Environment["PGPASSWORD"] = target.Password;
        if (!string.IsNullOrEmpty(target.Options))
        {
            start.Environment["PGOPTIONS"] = target.Options;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output + await error;
        var tps = Tps().Match(text);
        var latency = Latency().Match(text);
        var ok = process.ExitCode == 0 && tps.Success;
        return new PgbenchResult(clients,
            tps.Success ? double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN,
            latency.Success ? double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN,
            ok, text) { LatenciesMs = prefix is null ? [] : ReadLog(prefix) };
    }

    /// <summary>
    /// The latencies in pgbench's per-transaction log files (<c>prefix.pid</c>, <c>prefix.pid.thread</c>;
    /// each line "client transaction latency_us script epoch_s epoch_us"), which are then deleted.
    /// </summary>
    private static List<double> ReadLog(string prefix)
    {
        var latencies = new List<double>();
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(prefix)!, Path.GetFileName(prefix) + ".*"))
        {
            foreach (var line in File.ReadLines(file))
            {
                var fields = line.Split(' ');
                if (fields.Length >= 3 && long.TryParse(fields[2], CultureInfo.InvariantCulture, out var microseconds))
                {
                    latencies.Add(microseconds / 1000.0);
                }
            }

            File.Delete(file);
        }

        return latencies;
    }
}
