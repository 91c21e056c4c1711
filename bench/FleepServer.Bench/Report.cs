using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FleepServer.Bench;

/// <summary>
/// One reported figure: its median over the repetitions, the baseline it is set against and its
/// target (README.md, "Benchmarks").
/// </summary>
public sealed class Metric
{
    public required string Id { get; init; }
    public required string What { get; init; }
    public double Value { get; set; } = double.NaN;
    public List<double> Repetitions { get; } = [];
    public string? Baseline { get; init; }
    public double BaselineValue { get; set; } = double.NaN;

    /// <summary><c>%</c>: value as a percentage of the baseline (higher is better); <c>x</c>: value as a multiple of it.</summary>
    public string Ratio { get; init; } = "%";
    public string Target { get; init; } = "none in design.md §8";
    public string? NotMeasured { get; init; }
    public int Errors { get; set; }
    public int Lost { get; set; }
    public CpuUse? Cpu { get; set; }
    public string? Note { get; set; }

    [JsonIgnore]
    public string Line
    {
        get
        {
            if (NotMeasured is not null)
            {
                return $"{Id} {What}: not measured: {NotMeasured}";
            }

            var ratio = double.IsNaN(BaselineValue) || BaselineValue == 0 ? "n/a"
                : Ratio == "%" ? $"{Format(Value / BaselineValue * 100)}%" : $"{Format(Value / BaselineValue)}x";
            var line = Baseline is null
                ? $"{Id} {What} {Format(Value)}"
                : $"{Id} {What} {Format(Value)} = {ratio} of {Baseline} {Format(BaselineValue)} (same run)";
            return $"{line} [target: {Target}; errors {Errors}, lost {Lost}]";
        }
    }

    public static string Format(double value) =>
        double.IsNaN(value) ? "n/a"
        : Math.Abs(value) >= 100 ? value.ToString("0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 10 ? value.ToString("0.0", CultureInfo.InvariantCulture)
        : value.ToString("0.00", CultureInfo.InvariantCulture);
}

/// <summary>A baseline figure measured in this run (median over the repetitions).</summary>
public sealed record BaselineFigure(string Name, double Value, IReadOnlyList<double> Repetitions, string Unit, CpuUse? Cpu);

public sealed class Report
{
    public required bool Quick { get; init; }
    public required string Commit { get; init; }

    /// <summary>The one scenario of an <c>only</c> run (its files are named after it); null for <c>all</c>.</summary>
    public string? Only { get; init; }
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;
    public Dictionary<string, string> Machine { get; } = [];
    public Dictionary<string, string> Postgres { get; } = [];

    /// <summary>Server configuration beyond the bench's own (--server-arg, --server-connection-option).</summary>
    public List<string> ServerChanges { get; } = [];
    public List<BaselineFigure> Baselines { get; } = [];
    public List<Metric> Metrics { get; } = [];
    public Dictionary<string, string> Captured { get; } = [];
    public List<string> LoadAverages { get; } = [];

    /// <summary>Why the run is not comparable with others (the machine was busy at its start); null for a comparable run.</summary>
    public string? NotComparable { get; set; }

    public bool Comparable => NotComparable is null;
    public double TotalSeconds { get; set; }

    public double BaselineValue(string name) => Baselines.FirstOrDefault(b => b.Name == name)?.Value ?? double.NaN;

    public void Add(BaselineFigure figure)
    {
        Baselines.Add(figure);
        Console.WriteLine($"B {figure.Name} {Metric.Format(figure.Value)} {figure.Unit}{CpuText(figure.Cpu)}");
    }

    public void Add(Metric metric)
    {
        Metrics.Add(metric);
        Console.WriteLine(metric.Line + CpuText(metric.Cpu) + (metric.Note is null ? "" : $" ({metric.Note})"));
    }

    private static string CpuText(CpuUse? cpu) => cpu is null ? ""
        : $"  cpu s: server {cpu.Server:0.00}, postgres {cpu.Postgres:0.00}, load generator {cpu.LoadGenerator:0.00} in {cpu.WallSeconds:0.0} s";

    public (string Json, string Markdown) Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var name = $"{Started:yyyy-MM-dd}-{Commit}{(Only is null ? "" : "-" + Only.ToLowerInvariant())}{(Quick ? "-quick" : "")}{(Comparable ? "" : "-not-comparable")}";
        var json = Path.Combine(directory, name + ".json");
        File.WriteAllText(json, JsonSerializer.Serialize(this, new JsonSerializerOptions
        {
            WriteIndented = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        }));

        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Bench {Started:yyyy-MM-dd HH:mm} UTC, commit {Commit}{(Only is null ? "" : $", only {Only}")}{(Quick ? " (quick)" : "")}");
        md.AppendLine();
        if (NotComparable is not null)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"**NOT COMPARABLE**: {NotComparable}. These figures say nothing about the server.");
            md.AppendLine();
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {string.Join(", ", Machine.Select(kv => $"{kv.Key} {kv.Value}"))}  ");
        md.AppendLine(CultureInfo.InvariantCulture, $"PostgreSQL: {string.Join(", ", Postgres.Select(kv => $"{kv.Key} {kv.Value}"))}  ");
        md.AppendLine(CultureInfo.InvariantCulture, $"Load average during the run: {string.Join(" | ", LoadAverages)}  ");
        md.AppendLine(CultureInfo.InvariantCulture, $"Server changes from the defaults: {(ServerChanges.Count == 0 ? "none" : string.Join(" ", ServerChanges))}");
        md.AppendLine();
        md.AppendLine("| # | what | median | baseline (same run) | ratio | target | errors | lost |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var m in Metrics)
        {
            if (m.NotMeasured is not null)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {m.Id} | {m.What} | not measured: {m.NotMeasured} | | | {m.Target} | | |");
                continue;
            }

            var ratio = double.IsNaN(m.BaselineValue) || m.BaselineValue == 0 ? "n/a"
                : m.Ratio == "%" ? $"{Metric.Format(m.Value / m.BaselineValue * 100)}%" : $"{Metric.Format(m.Value / m.BaselineValue)}x";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {m.Id} | {m.What} | {Metric.Format(m.Value)} | {m.Baseline} {Metric.Format(m.BaselineValue)} | {ratio} | {m.Target} | {m.Errors} | {m.Lost} |");
        }

        md.AppendLine();
        md.AppendLine("Baselines:");
        md.AppendLine();
        foreach (var b in Baselines)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {b.Name}: {Metric.Format(b.Value)} {b.Unit} (repetitions {string.Join(", ", b.Repetitions.Select(Metric.Format))})");
        }

        var mdPath = Path.Combine(directory, name + ".md");
        File.WriteAllText(mdPath, md.ToString());
        return (json, mdPath);
    }
}
