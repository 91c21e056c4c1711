using FleepServer.Data;
using FleepServer.Records;
using FleepServer.Streams;

namespace FleepServer.Domain.Conversations;

/// <summary>How the header of an answer is marked: an init (the client resets its cached flow) or a plain header.</summary>
public sealed record HeaderMode(string? MkInitMode, bool IsInit, bool IsTiny)
{
    public static readonly HeaderMode Plain = new(null, false, false);
    public static readonly HeaderMode Full = new(InitModes.Full, true, false);
    public static readonly HeaderMode Tiny = new(InitModes.Tiny, true, true);
    public static readonly HeaderMode Header = new(InitModes.Header, false, false);
}

public static class InitModes
{
    public const string Header = "ic_header";
    public const string Tiny = "ic_tiny";
    public const string Full = "ic_full";
}

/// <summary>
/// What a conversation or message call answers (the "conversation sync" shape): the viewer's
/// header, the messages and activity records for the stream, the loaded range and the number of
/// the message the call created or changed.
/// </summary>
public sealed record ConvResult(ConvView View, IReadOnlyList<Message> Messages)
{
    public HeaderMode Mode { get; init; } = HeaderMode.Plain;
    public long? FwMessageNr { get; init; }
    public long? BwMessageNr { get; init; }

    /// <summary>File drawer answers: where the next batch of file messages starts, 0 when there is no more.</summary>
    public long? FileHorizon { get; init; }

    /// <summary>Pinboard and taskboard paging: the header's pin_cursor, pin_sync_state, pin_horizon and task_horizon (docs/boards.md, "Paging").</summary>
    public BoardPage? Board { get; init; }

    public long? ResultMessageNr { get; init; }
    public IReadOnlyList<ActivityRecord> Activities { get; init; } = [];

    /// <summary>Further records for the caller's answer, already built for the caller (hook records).</summary>
    public IReadOnlyList<IStreamRecord> Records { get; init; } = [];

    /// <summary>The client_req_id the call carried, echoed and reported as a request record.</summary>
    public Guid? ClientReqId { get; init; }
}

/// <summary>The board paging fields of an answer's header; null fields stay as every header has them.</summary>
public sealed record BoardPage
{
    public string? PinCursor { get; init; }
    public string? PinSyncState { get; init; }
    public long? PinHorizon { get; init; }
    public long? TaskHorizon { get; init; }
}
