using FleepServer.Domain.Boards;
using FleepServer.Domain.Conversations;

namespace FleepServer.Tests.Domain;

/// <summary>
/// Weight-cursor paging without a database (docs/boards.md, "Paging"): the pinboard from the
/// highest weight down, a section from the lowest up; the cursor is the page's last weight; a page
/// never ends between two entries of equal weight, so nothing is repeated or skipped.
/// </summary>
public sealed class BoardPagingTests
{
    [Fact]
    public void Pages_of_the_pinboard_run_from_the_highest_weight_down_and_cover_it_once()
    {
        var board = Enumerable.Range(1, 75).Select(i => new BoardEntry(i, 1000 + (i * 7 % 75))).ToList();
        var seen = new List<BoardEntry>();
        double? cursor = null;
        var pages = 0;
        do
        {
            var (page, next) = BoardPaging.Page(board, cursor, 30, descending: true);
            Assert.True(page.Count is > 0 and <= 30);
            seen.AddRange(page);
            cursor = next;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(75, seen.Count);
        Assert.Equal(board.OrderByDescending(e => e.Weight).Select(e => e.MessageNr), seen.Select(e => e.MessageNr));
    }

    [Fact]
    public void Pages_of_a_section_run_from_the_lowest_weight_up()
    {
        var board = Enumerable.Range(1, 45).Select(i => new BoardEntry(i, 100 - i)).ToList();
        var (first, next) = BoardPaging.Page(board, null, 20, descending: false);
        Assert.Equal(20, first.Count);
        Assert.Equal(55, first[0].Weight);
        Assert.Equal(74, next);
        var (second, next2) = BoardPaging.Page(board, next, 20, descending: false);
        Assert.Equal(75, second[0].Weight);
        var (third, done) = BoardPaging.Page(board, next2, 20, descending: false);
        Assert.Equal(5, third.Count);
        Assert.Null(done);
    }

    [Fact]
    public void A_page_takes_every_entry_of_its_last_weight()
    {
        BoardEntry[] board = [new(1, 10), new(2, 9), new(3, 9), new(4, 9), new(5, 8)];
        var (page, next) = BoardPaging.Page(board, null, 2, descending: true);
        Assert.Equal([1L, 2, 3, 4], page.Select(e => e.MessageNr));
        Assert.Equal(9, next);
        var (rest, end) = BoardPaging.Page(board, next, 2, descending: true);
        Assert.Equal([5L], rest.Select(e => e.MessageNr));
        Assert.Null(end);
    }

    [Fact]
    public void An_exact_last_page_has_no_next_cursor_and_an_empty_board_one_empty_page()
    {
        BoardEntry[] board = [new(1, 3), new(2, 2)];
        Assert.Null(BoardPaging.Page(board, null, 2, descending: true).Next);
        var (page, next) = BoardPaging.Page([], null, 20, descending: true);
        Assert.Empty(page);
        Assert.Null(next);
        Assert.Throws<ArgumentOutOfRangeException>(() => BoardPaging.Page(board, null, 0, descending: true));
    }
}
