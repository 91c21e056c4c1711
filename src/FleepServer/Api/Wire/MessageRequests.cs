using System.ComponentModel.DataAnnotations;
using FleepServer.Http;

namespace FleepServer.Api.Wire;

// Request bodies of api/message/* (core spec §6). The body limit is the catalogue's 307200.
// Attachment lists are bound so that a non-empty one is refused rather than silently dropped:
// files are not served yet.

/// <summary><c>message/send</c> (core spec §6.1).</summary>
public sealed record SendMessageRequest(
    [property: MaxLength(Limits.MessageBody)] string? Message,
    string? Subject,
    List<string>? Tags,
    long? FromMessageNr,
    Guid? ClientReqId,
    bool? IsRetry,
    List<string>? Attachments,
    List<string>? FileIds,
    List<string>? Files,
    long? ReplyToMessageNr = null) : IFleepRequest<SendMessageRequest>;

/// <summary>
/// <c>message/store</c>: without message_nr a new message, with it a change (core spec §6.2).
/// Server additions shared with api/event/store (docs/compatibility.md, "Events: message"):
/// <c>is_spam</c>, <c>section_id</c> / <c>task_weight</c> (a task's place on the taskboard),
/// <c>reply_to_message_nr</c> (a new message's <c>ref_message_nr</c>), and the tags <c>plain</c>
/// and <c>unarchive</c>.
/// </summary>
public sealed record StoreMessageRequest(
    long? MessageNr,
    [property: MaxLength(Limits.MessageBody)] string? Message,
    string? Subject,
    List<string>? Tags,
    double? PinWeight,
    List<Guid>? AssigneeIds,
    List<string>? AddReactions,
    List<string>? DelReactions,
    List<string>? DeleteReactions,
    bool? IsUrlPreviewDisabled,
    long? FromMessageNr,
    Guid? ClientReqId,
    bool? IsRetry,
    List<string>? Attachments,
    bool? IsSpam = null,
    Guid? SectionId = null,
    double? TaskWeight = null,
    long? ReplyToMessageNr = null) : IFleepRequest<StoreMessageRequest>;

/// <summary><c>message/edit</c> (core spec §6.4).</summary>
public sealed record EditMessageRequest(
    [property: Required] long? MessageNr,
    [property: MaxLength(Limits.MessageBody)] string? Message,
    string? Subject,
    long? FromMessageNr,
    Guid? ClientReqId,
    List<string>? Attachments) : IFleepRequest<EditMessageRequest>;

/// <summary><c>message/delete</c> (core spec §6.4).</summary>
public sealed record DeleteMessageRequest(
    [property: Required] long? MessageNr,
    string? AttachmentId,
    long? FromMessageNr,
    Guid? ClientReqId) : IFleepRequest<DeleteMessageRequest>;

/// <summary><c>message/mark_read</c> and <c>mark_unread</c> (core spec §6.5).</summary>
public sealed record MarkMessageReadRequest([property: Required] long? MessageNr, long? FromMessageNr)
    : IFleepRequest<MarkMessageReadRequest>;

/// <summary><c>message/copy</c> (core spec §6.9).</summary>
public sealed record CopyMessageRequest([property: Required] long? MessageNr, [property: Required] Guid? ToConvId, long? FromMessageNr,
    Guid? ClientReqId = null) : IFleepRequest<CopyMessageRequest>;

/// <summary>Legacy <c>message/pin</c>, <c>unpin</c> and <c>repin</c> (core spec §6.10): the message by message_nr or pin_message_nr.</summary>
public sealed record PinRequest(long? MessageNr, long? PinMessageNr, double? PinWeight, long? FromMessageNr, Guid? ClientReqId)
    : IFleepRequest<PinRequest>;
