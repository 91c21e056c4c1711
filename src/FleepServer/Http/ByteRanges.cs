namespace FleepServer.Http;

/// <summary>One satisfiable byte range of a file: the first and the last byte, both included.</summary>
public readonly record struct ByteRange(long First, long Last)
{
    public long Length => Last - First + 1;

    /// <summary>The <c>Content-Range</c> of this range of a file of <paramref name="total"/> bytes.</summary>
    public string ContentRange(long total) => $"bytes {First}-{Last}/{total}";

    public bool Overlaps(ByteRange other) => First <= other.Last && other.First <= Last;
}

/// <summary>What a download answers to a <c>Range</c> header.</summary>
public enum RangeOutcome
{
    /// <summary>No Range header: 200 and the whole file.</summary>
    Whole,

    /// <summary>206 and the ranges: one range as itself, several as <c>multipart/byteranges</c>.</summary>
    Partial,

    /// <summary>416 with <c>Content-Range: bytes */&lt;total&gt;</c>.</summary>
    Unsatisfiable,
}

/// <summary>The outcome of a Range header and, for <see cref="RangeOutcome.Partial"/>, the ranges to send in order.</summary>
public sealed record RangeSelection(RangeOutcome Outcome, IReadOnlyList<ByteRange> Ranges)
{
    public static readonly RangeSelection Whole = new(RangeOutcome.Whole, []);
    public static readonly RangeSelection Unsatisfiable = new(RangeOutcome.Unsatisfiable, []);
}

/// <summary>
/// The <c>Range</c> header of a download (docs/files.md, "Download"), read the way Fleep answers it:
/// <list type="bullet">
/// <item><c>bytes=a-b</c>, <c>bytes=a-</c> and the suffix <c>bytes=-n</c> (the last n bytes); a range
/// running past the end is cut at the end; several ranges are separated by commas;</item>
/// <item>a range starting at or after the end is left out; when none is left the answer is 416;</item>
/// <item>any other unit than <c>bytes</c>, an empty list, a reversed range (<c>200-100</c>), anything
/// that is not a range, or more than <see cref="MaxRanges"/> ranges: 416 for the whole header;</item>
/// <item>ranges that overlap are merged into one, at the place of the first of them, so an answer
/// never carries a byte twice; the others keep the order they were asked in.</item>
/// </list>
/// Pure: no I/O, no HTTP types, unit-tested on its own.
/// </summary>
public static class ByteRanges
{
    /// <summary>The most ranges one request may ask for; more is a 416.</summary>
    public const int MaxRanges = 100;

    /// <summary>The <c>Content-Range</c> of a 416 for a file of <paramref name="total"/> bytes.</summary>
    public static string UnsatisfiedContentRange(long total) => $"bytes */{total}";

    /// <summary>Reads <paramref name="header"/> (the Range header, null or blank when absent) against a file of <paramref name="total"/> bytes.</summary>
    public static RangeSelection Select(string? header, long total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        if (string.IsNullOrWhiteSpace(header))
        {
            return RangeSelection.Whole;
        }

        var equals = header.IndexOf('=');
        if (equals < 0 || !header.AsSpan(0, equals).Trim().Equals("bytes", StringComparison.OrdinalIgnoreCase))
        {
            return RangeSelection.Unsatisfiable;
        }

        // A list may carry empty elements ("0-1,,5-6"); they count for nothing.
        var specs = header[(equals + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (specs.Length is 0 or > MaxRanges)
        {
            return RangeSelection.Unsatisfiable;
        }

        var ranges = new List<ByteRange>(specs.Length);
        foreach (var spec in specs)
        {
            switch (Parse(spec, total))
            {
                case null:
                    return RangeSelection.Unsatisfiable;
                case { } range when range.Length > 0:
                    Add(ranges, range);
                    break;
                default:
                    // Well-formed but outside the file: left out.
                    break;
            }
        }

        return ranges.Count == 0 ? RangeSelection.Unsatisfiable : new RangeSelection(RangeOutcome.Partial, ranges);
    }

    /// <summary>
    /// Whether an <c>If-Range</c> lets the Range header apply: absent, or the file's own strong
    /// entity tag (<paramref name="etag"/>, quoted). A weak tag or a date never matches (a download
    /// has no modification date), so the client gets the whole file instead of pieces of another one.
    /// </summary>
    public static bool IfRangeAllows(string? ifRange, string etag) =>
        string.IsNullOrWhiteSpace(ifRange) || string.Equals(ifRange.Trim(), etag, StringComparison.Ordinal);

    /// <summary>
    /// One range-spec: null when it is not one (or reversed); a range of length 0 (First past Last)
    /// when it is well-formed but has no byte in the file.
    /// </summary>
    private static ByteRange? Parse(string spec, long total)
    {
        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return null;
        }

        if (dash == 0)
        {
            if (Number(spec.AsSpan(1)) is not { } suffix)
            {
                return null;
            }

            return suffix == 0 || total == 0 ? Empty : new ByteRange(Math.Max(0, total - suffix), total - 1);
        }

        if (Number(spec.AsSpan(0, dash)) is not { } first)
        {
            return null;
        }

        long? last = null;
        if (dash < spec.Length - 1)
        {
            if (Number(spec.AsSpan(dash + 1)) is not { } parsed || parsed < first)
            {
                return null;
            }

            last = parsed;
        }

        return first >= total ? Empty : new ByteRange(first, Math.Min(last ?? long.MaxValue, total - 1));
    }

    private static readonly ByteRange Empty = new(1, 0);

    /// <summary>Decimal digits only; a number too large for a long reads as <see cref="long.MaxValue"/> (past the end of any file).</summary>
    private static long? Number(ReadOnlySpan<char> digits)
    {
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9'))
        {
            return null;
        }

        return long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : long.MaxValue;
    }

    /// <summary>Adds a range, merging it with every range it overlaps into the earliest of them; the list stays free of overlaps.</summary>
    private static void Add(List<ByteRange> ranges, ByteRange range)
    {
        var at = -1;
        for (var i = 0; i < ranges.Count; i++)
        {
            if (!ranges[i].Overlaps(range))
            {
                continue;
            }

            range = new ByteRange(Math.Min(range.First, ranges[i].First), Math.Max(range.Last, ranges[i].Last));
            if (at < 0)
            {
                at = i;
            }
            else
            {
                ranges.RemoveAt(i);
                i--;
            }
        }

        if (at < 0)
        {
            ranges.Add(range);
            return;
        }

        // The merged range reaches no range it did not overlap: the list had no overlaps, so any
        // range within the merged span overlaps one of the ranges merged.
        ranges[at] = range;
    }
}
