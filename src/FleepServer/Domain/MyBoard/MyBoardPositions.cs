namespace FleepServer.Domain.MyBoard;

/// <summary>One task of a personal board section (by message_id) and its weight.</summary>
public readonly record struct MyBoardEntry(Guid Id, double Weight);

/// <summary>
/// Weights on a personal board (docs/boards.md, "Personal board"). Tasks in a section run from the
/// lowest weight up: a new task is appended one <see cref="MySections.WeightStep"/> past the
/// highest (the first gets one step), and a moved task goes halfway between the one it follows
/// and the next. Sections are ordered as on a conversation's board (<see cref="Boards.SectionPositions"/>).
/// The lists never include the moved item itself; a previous item that is not in the list is an
/// <see cref="ArgumentException"/>.
/// </summary>
public static class MyBoardPositions
{
    /// <summary>The weight of a task appended at the end of a section.</summary>
    public static double TaskAtEnd(IEnumerable<MyBoardEntry> others)
    {
        var list = others.ToList();
        return list.Count == 0 ? MySections.WeightStep : list.Max(e => e.Weight) + MySections.WeightStep;
    }

    /// <summary>A task's weight right after <paramref name="prev"/> (null = first) in its section.</summary>
    public static double TaskAfter(IEnumerable<MyBoardEntry> others, Guid? prev)
    {
        var ordered = others.OrderBy(e => e.Weight).ThenBy(e => e.Id).ToList();
        if (prev is null)
        {
            return ordered.Count == 0 ? MySections.WeightStep : ordered[0].Weight / 2;
        }

        var at = IndexOf(ordered, prev.Value);
        var before = ordered[at].Weight;
        return at + 1 < ordered.Count ? (before + ordered[at + 1].Weight) / 2 : before + MySections.WeightStep;
    }

    private static int IndexOf(List<MyBoardEntry> ordered, Guid id)
    {
        var at = ordered.FindIndex(e => e.Id == id);
        return at >= 0 ? at : throw new ArgumentException("The previous item is not in the list.", nameof(id));
    }
}
