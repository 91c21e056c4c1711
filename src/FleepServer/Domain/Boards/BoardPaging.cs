using FleepServer.Domain.Conversations;

namespace FleepServer.Domain.Boards;

/// <summary>
/// One page of a board read by a weight cursor (docs/boards.md, "Paging"): the pinboard from the
/// highest <c>pin_weight</c> down (the next page starts below the cursor), a taskboard section from
/// the lowest <c>task_weight</c> up (the next page starts above it). A cursor carries a weight
/// alone, so a page never ends between two entries of equal weight: it takes every entry of its
/// last weight, which may make it longer than the limit. Nothing is repeated or skipped.
/// </summary>
public static class BoardPaging
{
    /// <summary>The entries after <paramref name="cursor"/> (null: from the start) in board order.</summary>
    public static List<BoardEntry> After(IEnumerable<BoardEntry> board, double? cursor, bool descending) =>
        (descending
            ? board.Where(e => cursor is not { } c || e.Weight < c).OrderByDescending(e => e.Weight).ThenBy(e => e.MessageNr)
            : board.Where(e => cursor is not { } c || e.Weight > c).OrderBy(e => e.Weight).ThenBy(e => e.MessageNr)).ToList();

    /// <summary>
    /// The page of at most <paramref name="limit"/> entries after <paramref name="cursor"/> (longer
    /// only by entries of its last weight), and the cursor of the next page: the page's last
    /// weight, or null when nothing remains after it.
    /// </summary>
    public static (List<BoardEntry> Page, double? Next) Page(IEnumerable<BoardEntry> board, double? cursor, int limit, bool descending)
    {
        if (limit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), "A page holds at least one entry.");
        }

        var after = After(board, cursor, descending);
        var count = Math.Min(limit, after.Count);
        while (count > 0 && count < after.Count && after[count].Weight == after[count - 1].Weight)
        {
            count++;
        }

        var page = after.Take(count).ToList();
        return (page, count < after.Count ? page[^1].Weight : null);
    }
}
