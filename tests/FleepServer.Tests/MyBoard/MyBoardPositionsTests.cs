using FleepServer.Domain.Boards;
using FleepServer.Domain.MyBoard;

namespace FleepServer.Tests.MyBoard;

/// <summary>The weight rules of the personal board (MyBoardPositions), as plain values.</summary>
public sealed class MyBoardPositionsTests
{
    private const double Step = 4294967296d;
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid C = Guid.Parse("00000000-0000-0000-0000-00000000000c");

    [Fact]
    public void Tasks_append_one_step_past_the_highest_and_start_at_one_step()
    {
        Assert.Equal(Step, MyBoardPositions.TaskAtEnd([]));
        Assert.Equal(3 * Step, MyBoardPositions.TaskAtEnd([new(A, 2 * Step), new(B, Step)]));
    }

    [Fact]
    public void A_moved_task_goes_halfway_between_its_neighbours_or_past_the_ends()
    {
        MyBoardEntry[] board = [new(B, 2 * Step), new(A, Step), new(C, 4 * Step)];
        Assert.Equal(Step / 2, MyBoardPositions.TaskAfter(board, null));
        Assert.Equal(1.5 * Step, MyBoardPositions.TaskAfter(board, A));
        Assert.Equal(3 * Step, MyBoardPositions.TaskAfter(board, B));
        Assert.Equal(5 * Step, MyBoardPositions.TaskAfter(board, C));
        Assert.Equal(Step, MyBoardPositions.TaskAfter([], null));
        Assert.Throws<ArgumentException>(() => MyBoardPositions.TaskAfter(board, Guid.NewGuid()));
    }

    [Fact]
    public void Sections_run_from_the_highest_weight_down()
    {
        // A personal board orders its sections as a conversation's board does.
        SectionEntry[] board = [new(A, Step), new(B, 0)];
        Assert.Equal(2 * Step, SectionPositions.After(board, null));
        Assert.Equal(Step / 2, SectionPositions.After(board, A));
        Assert.Equal(-Step, SectionPositions.After(board, B));
        Assert.Equal(Step, SectionPositions.After([], null));
        Assert.Throws<ArgumentException>(() => SectionPositions.After(board, C));
    }

    [Fact]
    public void Default_sections_are_derived_per_account_and_stable()
    {
        var account = Guid.NewGuid();
        Assert.Equal(MySections.ToDoId(account), MySections.ToDoId(account));
        Assert.NotEqual(MySections.ToDoId(account), MySections.ArchivedId(account));
        Assert.NotEqual(MySections.ToDoId(account), MySections.ToDoId(Guid.NewGuid()));
        var defaults = MySections.Defaults(account).ToList();
        Assert.Equal([("To Do", "default", Step), ("Archived", "archived", 0d)], defaults.Select(s => (s.Name, s.MkSectionSubtype, s.Weight)));
    }
}
