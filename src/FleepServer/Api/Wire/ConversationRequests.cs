using System.ComponentModel.DataAnnotations;
using FleepServer.Http;

namespace FleepServer.Api.Wire;

// Request bodies of api/conversation/* that only read; the changing calls bind the
// conversation commands. from_message_nr 0 means "not given" (FleepSharp sends 0 for an unset number).

/// <summary><c>conversation/sync</c> and <c>sync_backward</c>.</summary>
public sealed record SyncConversationRequest(long? FromMessageNr, string? MkDirection, string? MkInitMode)
    : IFleepRequest<SyncConversationRequest>;

/// <summary>Calls whose only input is the forward-sync anchor (leave, hide, unhide, delete, …).</summary>
public sealed record FromMessageRequest(long? FromMessageNr) : IFleepRequest<FromMessageRequest>;

/// <summary><c>conversation/mark_read</c>.</summary>
public sealed record MarkConversationReadRequest(string? MkInitMode) : IFleepRequest<MarkConversationReadRequest>;

/// <summary><c>conversation/list</c>.</summary>
public sealed record ListConversationsRequest(long? SyncHorizon) : IFleepRequest<ListConversationsRequest>;

/// <summary><c>conversation/autojoin</c>.</summary>
public sealed record AutojoinRequest([property: Required] string? ConvUrlKey) : IFleepRequest<AutojoinRequest>;

/// <summary><c>conversation/show_activity</c>; from_message_nr is accepted and not needed.</summary>
public sealed record ShowActivityRequest(bool? IsWriting, long? MessageNr, long? FromMessageNr) : IFleepRequest<ShowActivityRequest>;
