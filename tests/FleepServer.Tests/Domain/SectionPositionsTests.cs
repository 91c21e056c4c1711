using FleepServer.Domain.Boards;

namespace FleepServer.Tests.Domain;

/// <summary>
/// Section order without a database (docs/boards.md, "Sections"): the highest weight first, To Do
/// 4294967296 and Archived 0 by default (peripheral spec §1.9); a moved or added section lands
/// halfway between its new neighbours, one step above the top, or one step below the last.
/// </summary>
public sealed class SectionPositionsTests
{
    private const double Step = 4294967296;
    private static readonly Guid ToDo = Guid.Parse("00000000-0000-0000-0000-000000000001");
    private static readonly Guid Archived = Guid.Parse("00000000-0000-0000-0000-000000000002");
    private static readonly Guid User = Guid.Parse("00000000-0000-0000-0000-000000000003");
    private static readonly SectionEntry[] Defaults = [new(Archived, 0), new(ToDo, Step)];

    [Fact]
    public void The_board_runs_from_the_highest_weight_down_and_equal_weights_by_id()
    {
        var ordered = SectionPositions.Ordered([new SectionEntry(Archived, 0), new(User, Step), new(ToDo, Step)], e => e);
        Assert.Equal([ToDo, User, Archived], ordered.Select(e => e.Id));
    }

    [Fact]
    public void A_section_after_To_Do_goes_halfway_between_To_Do_and_Archived()
    {
        Assert.Equal(Step / 2, SectionPositions.After(Defaults, ToDo));
    }

    [Fact]
    public void A_section_first_goes_one_step_above_the_top()
    {
        Assert.Equal(2 * Step, SectionPositions.After(Defaults, null));
        Assert.Equal(Step, SectionPositions.After([], null));
    }

    [Fact]
    public void A_section_after_the_last_goes_one_step_below()
    {
        Assert.Equal(Step - Step, SectionPositions.After([new SectionEntry(ToDo, Step)], ToDo));
        Assert.Equal(-Step, SectionPositions.After([new SectionEntry(Archived, 0)], Archived));
    }

    [Fact]
    public void Repeated_inserts_after_the_same_section_keep_a_strict_order()
    {
        var board = Defaults.ToList();
        var ids = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            var id = Guid.NewGuid();
            board.Add(new SectionEntry(id, SectionPositions.After(board, ToDo)));
            ids.Add(id);
        }

        var ordered = SectionPositions.Ordered(board, e => e).Select(e => e.Id).ToList();
        Assert.Equal(42, ordered.Count);
        Assert.Equal(ToDo, ordered[0]);
        Assert.Equal(Archived, ordered[^1]);
        // Each one went right after To Do: the newest first.
        Assert.Equal(Enumerable.Reverse(ids), ordered.Skip(1).Take(40));
        Assert.Equal(42, board.Select(e => e.Weight).Distinct().Count());
    }

    [Fact]
    public void An_unknown_previous_section_is_refused()
    {
        Assert.Throws<ArgumentException>(() => SectionPositions.After(Defaults, User));
    }
}
