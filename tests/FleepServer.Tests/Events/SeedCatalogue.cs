using System.Text.Json;
using System.Text.RegularExpressions;
using FleepServer.Events;

namespace FleepServer.Tests.Events;

/// <summary>
/// Fleep's published event catalogue as a test input, checked into this project
/// (<c>Events/seed-001-event-catalogue.txt</c>) and copied into the test output. A missing
/// file is an error, never a skip.
/// </summary>
public static partial class SeedCatalogue
{
    public const string FileName = "seed-001-event-catalogue.txt";

    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "Events", FileName);

    public static string Text => File.Exists(Path)
        ? File.ReadAllText(Path)
        : throw new FileNotFoundException($"the seed event catalogue is missing beside the tests: {Path}");

    /// <summary>The catalogue, read by the server's catalogue parser (for generating valid and invalid parameters).</summary>
    public static EventCatalogue Parsed { get; } = EventCatalogue.Parse(Text);

    /// <summary>
    /// The catalogue read by the test alone, without the server's parser: each event URN and the
    /// top-level parameters of its <c>Params:</c> JSON block as (name, type, max_len, has default).
    /// </summary>
    public static IReadOnlyList<(string Urn, List<(string Name, string Type, int? MaxLen, bool HasDefault)> Params)> Read()
    {
        var lines = Text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var result = new List<(string, List<(string, string, int?, bool)>)>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!UrnLine().IsMatch(lines[i]))
            {
                continue;
            }

            var urn = lines[i];
            var parameters = new List<(string, string, int?, bool)>();
            var j = i + 1;
            while (j < lines.Count && !UrnLine().IsMatch(lines[j]) && lines[j] != "Params:")
            {
                j++;
            }

            if (j < lines.Count && lines[j] == "Params:")
            {
                var start = lines.FindIndex(j, l => l == "{");
                var end = lines.FindIndex(start, l => l == "}");
                using var json = JsonDocument.Parse(string.Join('\n', lines.Skip(start).Take(end - start + 1)));
                foreach (var p in json.RootElement.EnumerateObject())
                {
                    parameters.Add((
                        p.Name,
                        p.Value.GetProperty("type").GetString()!,
                        p.Value.TryGetProperty("max_len", out var max) ? max.GetInt32() : null,
                        p.Value.TryGetProperty("default", out _)));
                }

                i = end;
            }

            result.Add((urn, parameters));
        }

        return result;
    }

    [GeneratedRegex(@"^urn:fleep:client:[a-z_]+:[a-z_0-9:]+$")]
    private static partial Regex UrnLine();
}
