namespace FleepServer.Domain.Boards;

/// <summary>One column of a taskboard as its order needs it: the section and its weight.</summary>
public readonly record struct SectionEntry(Guid Id, double Weight);

/// <summary>
/// The order of a taskboard's sections (docs/boards.md, "Sections"): the highest weight first
/// (To Do 4294967296 at the top, Archived 0 at the bottom), equal weights by id. A section moved
/// or added right after another one takes the weight halfway between that section and the one
/// after it; at the top it takes one <see cref="Step"/> above the first; after the last one it
/// takes one step below. Archived never moves and nothing goes after it, so every other section
/// stays above 0.
/// </summary>
public static class SectionPositions
{
    /// <summary>The weight of To Do and the gap between sections added at the top.</summary>
    public const double Step = 4294967296;

    /// <summary>Sections in board order.</summary>
    public static List<T> Ordered<T>(IEnumerable<T> sections, Func<T, SectionEntry> entry) =>
        sections.OrderByDescending(s => entry(s).Weight).ThenBy(s => entry(s).Id).ToList();

    /// <summary>
    /// The weight that puts a section right after <paramref name="prevId"/> (null: first) among
    /// <paramref name="others"/>, which never include the moved section. A non-null
    /// <paramref name="prevId"/> must be one of them.
    /// </summary>
    public static double After(IEnumerable<SectionEntry> others, Guid? prevId)
    {
        var ordered = Ordered(others, e => e);
        if (prevId is not { } prev)
        {
            return ordered.Count == 0 ? Step : ordered[0].Weight + Step;
        }

        var at = ordered.FindIndex(e => e.Id == prev);
        if (at < 0)
        {
            throw new ArgumentException("The previous section is not on the board.", nameof(prevId));
        }

        var before = ordered[at].Weight;
        return at + 1 < ordered.Count ? (before + ordered[at + 1].Weight) / 2 : before - Step;
    }
}
