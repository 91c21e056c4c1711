using System.ComponentModel.DataAnnotations;
using FleepServer.Http;

namespace FleepServer.Domain.Boards;

// The commands of the board calls: api/account/sync_pinboard, sync_taskboard and the legacy
// api/task/* calls, with the fields the official python client sends (docs/boards.md).

/// <summary><c>account/sync_pinboard</c>: the next batch of pins after <c>pin_weight</c> (absent: from the top).</summary>
public sealed record SyncPinboard : IFleepRequest<SyncPinboard>
{
    [Required] public Guid? ConversationId { get; init; }
    public double? PinWeight { get; init; }

    /// <summary>30 when absent; 1..100.</summary>
    public long? PinLimit { get; init; }
}

/// <summary><c>account/sync_taskboard</c>: the next batch of a section's tasks after <c>task_weight</c>.</summary>
public sealed record SyncTaskboard : IFleepRequest<SyncTaskboard>
{
    [Required] public Guid? ConversationId { get; init; }
    [Required] public Guid? SectionId { get; init; }
    public double? TaskWeight { get; init; }

    /// <summary>30 when absent; 1..100.</summary>
    public long? TaskLimit { get; init; }
}

/// <summary><c>task/list</c>: open tasks (or archived ones with <c>is_archive</c>), paged by <c>sync_horizon</c> as task/sync pages by from_message_nr.</summary>
public sealed record ListTasks : IFleepRequest<ListTasks>
{
    public long? SyncHorizon { get; init; }
    public bool? IsArchive { get; init; }
}

/// <summary><c>task/create</c>: a new task (message/store of a new message with tags ["is_todo"]).</summary>
public sealed record CreateTask : IFleepRequest<CreateTask>
{
    [MaxLength(Conversations.Limits.MessageBody)] public string? Message { get; init; }
    public long? FromMessageNr { get; init; }
    public List<string>? Attachments { get; init; }
    public List<Guid>? AssigneeIds { get; init; }
    public Guid? ClientReqId { get; init; }
}

/// <summary>
/// The legacy calls on one task: <c>task/done</c>, <c>todo</c>, <c>make</c>, <c>archive</c>,
/// <c>activate</c>, <c>assign</c> (assignee_ids) and <c>sort</c> (below_task_weight, is_my_tasklist).
/// </summary>
public sealed record ChangeTask : IFleepRequest<ChangeTask>
{
    [Required] public long? MessageNr { get; init; }
    public long? FromMessageNr { get; init; }
    public List<Guid>? AssigneeIds { get; init; }

    /// <summary>task/sort: the weight of the task this one goes right after, in its section; absent: first.</summary>
    public double? BelowTaskWeight { get; init; }

    /// <summary>task/sort on the caller's personal board: not this call's board.</summary>
    public bool? IsMyTasklist { get; init; }
    public Guid? ClientReqId { get; init; }
}
