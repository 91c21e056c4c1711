using FleepServer.Domain.Conversations;

namespace FleepServer.Tests.Domain;

/// <summary>
/// Board positions without a database (docs/compatibility.md, "Pinboard" and "Taskboard"): the
/// pinboard runs from the highest weight down, a task section from the lowest up; a moved entry
/// lands halfway between its new neighbours, or steps past the end it moves to.
/// </summary>
public sealed class BoardPositionsTests
{
    private const double Step = TaskSections.WeightStep;

    private static readonly BoardEntry[] Pins = [new(1, 300), new(2, 200), new(3, 100)];
    private static readonly BoardEntry[] Tasks = [new(1, Step), new(2, 2 * Step), new(3, 3 * Step)];

    [Fact]
    public void A_pin_moved_first_goes_one_above_the_top_pin()
    {
        Assert.Equal(301, BoardPositions.PinAfter(Pins, 0, movedWeight: 50));
    }

    [Fact]
    public void A_pin_moved_first_keeps_its_own_weight_when_it_is_higher()
    {
        Assert.Equal(1000, BoardPositions.PinAfter(Pins, 0, movedWeight: 1000));
    }

    [Fact]
    public void A_pin_alone_on_the_board_keeps_its_weight()
    {
        Assert.Equal(77, BoardPositions.PinAfter([], 0, movedWeight: 77));
    }

    [Fact]
    public void A_pin_goes_halfway_between_the_previous_pin_and_the_next()
    {
        Assert.Equal(250, BoardPositions.PinAfter(Pins, 1, movedWeight: 0));
        Assert.Equal(150, BoardPositions.PinAfter(Pins.Reverse(), 2, movedWeight: 0));
    }

    [Fact]
    public void A_pin_moved_after_the_last_goes_one_below()
    {
        Assert.Equal(99, BoardPositions.PinAfter(Pins, 3, movedWeight: 500));
    }

    [Fact]
    public void Pins_of_equal_weight_are_ordered_by_message_number_newest_first()
    {
        BoardEntry[] tied = [new(4, 10), new(5, 10), new(6, 0)];

        Assert.Equal(10, BoardPositions.PinAfter(tied, 5, movedWeight: 0));
        Assert.Equal(5, BoardPositions.PinAfter(tied, 4, movedWeight: 0));
    }

    [Fact]
    public void A_task_moved_first_goes_to_half_the_first_weight()
    {
        Assert.Equal(Step / 2, BoardPositions.TaskAfter(Tasks, 0));
    }

    [Fact]
    public void A_task_moved_into_an_empty_section_gets_one_step()
    {
        Assert.Equal(Step, BoardPositions.TaskAfter([], 0));
    }

    [Fact]
    public void A_task_goes_halfway_between_the_previous_task_and_the_next()
    {
        Assert.Equal(1.5 * Step, BoardPositions.TaskAfter(Tasks, 1));
        Assert.Equal(2.5 * Step, BoardPositions.TaskAfter(Tasks.Reverse(), 2));
    }

    [Fact]
    public void A_task_moved_after_the_last_goes_one_step_further()
    {
        Assert.Equal(4 * Step, BoardPositions.TaskAfter(Tasks, 3));
    }

    [Fact]
    public void A_previous_entry_that_is_not_on_the_board_is_refused()
    {
        Assert.Throws<ArgumentException>(() => BoardPositions.TaskAfter(Tasks, 9));
        Assert.Throws<ArgumentException>(() => BoardPositions.PinAfter(Pins, 9, 0));
    }
}
