using FleepServer.Http;

namespace FleepServer.Tests.Files;

/// <summary>
/// The Range header rules of a download without a server (docs/files.md, "Download"): which
/// headers give 200, which 206 and with which ranges, which 416.
/// </summary>
public sealed class ByteRangesTests
{
    private const long Total = 1000;

    private static List<(long First, long Last)> Partial(string header, long total = Total)
    {
        var selection = ByteRanges.Select(header, total);
        Assert.Equal(RangeOutcome.Partial, selection.Outcome);
        return selection.Ranges.Select(r => (r.First, r.Last)).ToList();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void No_range_header_is_the_whole_file(string? header)
    {
        var selection = ByteRanges.Select(header, Total);

        Assert.Equal(RangeOutcome.Whole, selection.Outcome);
        Assert.Empty(selection.Ranges);
    }

    [Theory]
    [InlineData("bytes=0-99", 0, 99)]
    [InlineData("bytes=100-100", 100, 100)]
    [InlineData("bytes=900-", 900, 999)]
    [InlineData("bytes=900-5000", 900, 999)]
    [InlineData("bytes=0-", 0, 999)]
    [InlineData("bytes=-500", 500, 999)]
    [InlineData("bytes=-1", 999, 999)]
    [InlineData("bytes=-5000", 0, 999)]
    [InlineData("Bytes = 10-19", 10, 19)]
    [InlineData("bytes=999-999", 999, 999)]
    [InlineData("bytes=0-99999999999999999999999", 0, 999)]
    public void One_range_is_read_and_cut_at_the_end(string header, long first, long last)
    {
        var ranges = Partial(header);

        Assert.Equal([(first, last)], ranges);
    }

    [Fact]
    public void Several_ranges_keep_the_order_they_were_asked_in()
    {
        var ranges = Partial("bytes=500-599, 0-9,-10");

        Assert.Equal([(500L, 599L), (0L, 9L), (990L, 999L)], ranges);
    }

    [Fact]
    public void Empty_list_elements_count_for_nothing()
    {
        Assert.Equal([(0L, 1L), (5L, 6L)], Partial("bytes=0-1,,5-6,"));
    }

    [Fact]
    public void Adjacent_ranges_stay_apart()
    {
        Assert.Equal([(0L, 9L), (10L, 19L)], Partial("bytes=0-9,10-19"));
    }

    [Theory]
    [InlineData("bytes=0-99,50-149", 0, 149)]
    [InlineData("bytes=50-149,0-99", 0, 149)]
    [InlineData("bytes=0-99,0-99,0-99", 0, 99)]
    [InlineData("bytes=-100,950-", 900, 999)]
    [InlineData("bytes=10-20,0-", 0, 999)]
    public void Overlapping_ranges_are_merged_into_one(string header, long first, long last)
    {
        Assert.Equal([(first, last)], Partial(header));
    }

    [Fact]
    public void A_range_that_joins_two_others_merges_all_three_at_the_place_of_the_first()
    {
        var ranges = Partial("bytes=800-850,0-9,100-199,300-399,150-349");

        Assert.Equal([(800L, 850L), (0L, 9L), (100L, 399L)], ranges);
    }

    [Fact]
    public void Ranges_outside_the_file_are_left_out_when_others_remain()
    {
        Assert.Equal([(0L, 9L)], Partial("bytes=0-9,1000-1100,-0"));
    }

    [Theory]
    [InlineData("bytes=1000-")]
    [InlineData("bytes=1000-2000")]
    [InlineData("bytes=5000-6000,2000-")]
    [InlineData("bytes=-0")]
    [InlineData("bytes=200-100")]
    [InlineData("bytes=0-9,200-100")]
    [InlineData("bytes=")]
    [InlineData("bytes=,")]
    [InlineData("crap=1-2")]
    [InlineData("items=0-9")]
    [InlineData("bytes 0-9")]
    [InlineData("bytes=abc")]
    [InlineData("bytes=1-2-3")]
    [InlineData("bytes=-")]
    [InlineData("bytes=+1-2")]
    [InlineData("bytes=1 - 2")]
    [InlineData("bytes=0x10-0x20")]
    public void Unsatisfiable_or_malformed_ranges_are_416(string header)
    {
        var selection = ByteRanges.Select(header, Total);

        Assert.Equal(RangeOutcome.Unsatisfiable, selection.Outcome);
        Assert.Empty(selection.Ranges);
    }

    [Fact]
    public void A_hundred_ranges_are_served_and_a_hundred_and_one_are_416()
    {
        var hundred = "bytes=" + string.Join(',', Enumerable.Range(0, 100).Select(i => $"{i * 10}-{i * 10 + 4}"));
        var hundredAndOne = hundred + ",999-999";

        var ranges = Partial(hundred);
        Assert.Equal(100, ranges.Count);
        Assert.Equal((990L, 994L), ranges[99]);
        Assert.Equal(RangeOutcome.Unsatisfiable, ByteRanges.Select(hundredAndOne, Total).Outcome);
        Assert.Equal(100, ByteRanges.MaxRanges);
    }

    [Theory]
    [InlineData("bytes=0-0")]
    [InlineData("bytes=-10")]
    [InlineData("bytes=0-")]
    public void An_empty_file_satisfies_no_range(string header)
    {
        Assert.Equal(RangeOutcome.Unsatisfiable, ByteRanges.Select(header, 0).Outcome);
    }

    [Fact]
    public void Range_values_are_byte_positions_and_lengths()
    {
        var range = Assert.Single(ByteRanges.Select("bytes=10-19", Total).Ranges);

        Assert.Equal(10, range.Length);
        Assert.Equal("bytes 10-19/1000", range.ContentRange(Total));
        Assert.Equal("bytes */1000", ByteRanges.UnsatisfiedContentRange(Total));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("\"abc\"", true)]
    [InlineData(" \"abc\" ", true)]
    [InlineData("\"abd\"", false)]
    [InlineData("W/\"abc\"", false)]
    [InlineData("abc", false)]
    [InlineData("Wed, 21 Oct 2015 07:28:00 GMT", false)]
    public void If_range_lets_ranges_apply_only_for_the_files_own_strong_tag(string? ifRange, bool applies)
    {
        Assert.Equal(applies, ByteRanges.IfRangeAllows(ifRange, "\"abc\""));
    }
}
