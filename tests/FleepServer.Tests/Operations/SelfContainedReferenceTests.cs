using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Operations;

/// <summary>
/// A fresh clone stands on its own: the docs, the sources and the README cite the repository's
/// own reference (docs/, the contract comments published as the OpenAPI document), never a
/// document or folder outside the repository.
/// </summary>
public sealed class SelfContainedReferenceTests
{
    private static readonly string[] Outside = ["../shared", "spec §", "core spec", "peripheral spec"];

    [Fact]
    public void No_doc_source_or_readme_refers_outside_the_repository()
    {
        var root = Repository.Root();
        var files = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "src"), "*", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") &&
                            !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                            !f.Contains($"{Path.DirectorySeparatorChar}data{Path.DirectorySeparatorChar}")))
            .Append(Path.Combine(root, "README.md"))
            .Where(f => f.EndsWith(".cs") || f.EndsWith(".md") || f.EndsWith(".json") || f.EndsWith(".csproj"))
            .ToList();
        Assert.True(files.Count > 50, $"only {files.Count} files found under {root}");

        var hits = files
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(root, f), Line: i + 1, Text: line)))
            .Where(l => Outside.Any(o => l.Text.Contains(o, StringComparison.OrdinalIgnoreCase)))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(hits.Count == 0, string.Join('\n', hits));
    }
}
