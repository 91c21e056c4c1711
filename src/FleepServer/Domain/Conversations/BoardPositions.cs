namespace FleepServer.Domain.Conversations;

/// <summary>One entry of a pinboard or a taskboard section: the message and its weight there.</summary>
public readonly record struct BoardEntry(long MessageNr, double Weight);

/// <summary>
/// The weight that puts a moved message right after another one on a board (<c>prev_message_nr</c>,
/// 0 = first). The pinboard runs from the highest weight down (a new pin's weight is its pin time,
/// so the newest pin comes first); a taskboard section runs from the lowest weight up (each new
/// task is appended one <see cref="TaskSections.WeightStep"/> past the highest). The new weight
/// lies halfway between the previous entry and the one after it; at either end it steps past the
/// end entry. The boards never include the moved message itself, and a non-zero
/// <c>prevMessageNr</c> must be one of their entries.
/// </summary>
public static class BoardPositions
{
    /// <summary>
    /// A pin's weight after <paramref name="prevMessageNr"/>. First place keeps the pin's own
    /// weight (<paramref name="movedWeight"/>) when that is already above every other pin, else
    /// takes one above the top pin; after the last pin it is one below.
    /// </summary>
    public static double PinAfter(IEnumerable<BoardEntry> others, long prevMessageNr, double movedWeight)
    {
        var ordered = others.OrderByDescending(p => p.Weight).ThenByDescending(p => p.MessageNr).ToList();
        if (prevMessageNr == 0)
        {
            return ordered.Count == 0 ? movedWeight : Math.Max(movedWeight, ordered[0].Weight + 1);
        }

        return Between(ordered, prevMessageNr, before => before - 1);
    }

    /// <summary>
    /// A task's weight after <paramref name="prevMessageNr"/> in its section. First place is half
    /// the first task's weight (one step on an empty section); after the last task it is one step more.
    /// </summary>
    public static double TaskAfter(IEnumerable<BoardEntry> others, long prevMessageNr)
    {
        var ordered = others.OrderBy(p => p.Weight).ThenBy(p => p.MessageNr).ToList();
        if (prevMessageNr == 0)
        {
            return ordered.Count == 0 ? TaskSections.WeightStep : ordered[0].Weight / 2;
        }

        return Between(ordered, prevMessageNr, before => before + TaskSections.WeightStep);
    }

    private static double Between(List<BoardEntry> ordered, long prevMessageNr, Func<double, double> pastTheEnd)
    {
        var at = ordered.FindIndex(p => p.MessageNr == prevMessageNr);
        if (at < 0)
        {
            throw new ArgumentException("The previous message is not on the board.", nameof(prevMessageNr));
        }

        var before = ordered[at].Weight;
        return at + 1 < ordered.Count ? (before + ordered[at + 1].Weight) / 2 : pastTheEnd(before);
    }
}
