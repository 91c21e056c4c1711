using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using FleepServer.Http;

namespace FleepServer.Domain.Conversations;

// The commands of the message actions, bound as they are from the bodies of api/message/* and
// built by the message events. The body limit is the catalogue's 307200. Attachment lists hold
// upload_urls (and, on an edit, the file_urls of attachments to keep): docs/files.md, "Attach".

/// <summary><c>message/send</c>.</summary>
public sealed record SendMessage : IFleepRequest<SendMessage>
{
    [MaxLength(Limits.MessageBody)] public string? Message { get; init; }
    public string? Subject { get; init; }
    public List<string>? Tags { get; init; }
    public long? FromMessageNr { get; init; }
    public Guid? ClientReqId { get; init; }
    public bool? IsRetry { get; init; }
    public List<string>? Attachments { get; init; }
    public List<string>? FileIds { get; init; }
    public List<string>? Files { get; init; }
    public long? ReplyToMessageNr { get; init; }

    /// <summary>The field the attachments came in when not <c>attachments</c> (<c>attachment_urls</c> of events).</summary>
    [JsonIgnore] public string? AttachmentField { get; init; }
}

/// <summary>
/// <c>message/store</c>: without message_nr a new message, with it a change.
/// Server additions shared with api/event/store (docs/compatibility.md, "Message events"):
/// <c>is_spam</c>, <c>section_id</c> / <c>task_weight</c> (a task's place on the taskboard),
/// <c>reply_to_message_nr</c> (a new message's <c>ref_message_nr</c>), and the tags <c>plain</c>
/// and <c>unarchive</c>.
/// </summary>
public sealed record StoreMessage : IFleepRequest<StoreMessage>
{
    public long? MessageNr { get; init; }
    [MaxLength(Limits.MessageBody)] public string? Message { get; init; }
    public string? Subject { get; init; }
    public List<string>? Tags { get; init; }
    public double? PinWeight { get; init; }
    public List<Guid>? AssigneeIds { get; init; }
    public List<string>? AddReactions { get; init; }
    public List<string>? DelReactions { get; init; }
    public List<string>? DeleteReactions { get; init; }
    public bool? IsUrlPreviewDisabled { get; init; }
    public long? FromMessageNr { get; init; }
    public Guid? ClientReqId { get; init; }
    public bool? IsRetry { get; init; }
    public List<string>? Attachments { get; init; }
    public bool? IsSpam { get; init; }
    public Guid? SectionId { get; init; }
    public double? TaskWeight { get; init; }
    public long? ReplyToMessageNr { get; init; }

    /// <summary>The field the attachments came in when not <c>attachments</c> (<c>attachment_urls</c> of events).</summary>
    [JsonIgnore] public string? AttachmentField { get; init; }
}

/// <summary>A new message, as message/send, message/store without message_nr and the message events post it.</summary>
public sealed record NewPost
{
    public string? Text { get; init; }
    public string? Subject { get; init; }
    public List<string>? Tags { get; init; }
    public List<Guid>? Assignees { get; init; }

    /// <summary>upload_urls of the caller's uploads; empty for a message without files.</summary>
    public IReadOnlyList<string> Attachments { get; init; } = [];

    /// <summary>The field the attachments came in, for the error that names a bad one.</summary>
    public string AttachmentField { get; init; } = "attachments";

    public long? ReplyToMessageNr { get; init; }
    public Guid? ClientReqId { get; init; }
    public bool? IsRetry { get; init; }
    public long? FromMessageNr { get; init; }
}

/// <summary><c>message/edit</c>.</summary>
public sealed record EditMessage : IFleepRequest<EditMessage>
{
    [Required] public long? MessageNr { get; init; }
    [MaxLength(Limits.MessageBody)] public string? Message { get; init; }
    public string? Subject { get; init; }
    public long? FromMessageNr { get; init; }
    public Guid? ClientReqId { get; init; }

    /// <summary>The full new attachment list when given (kept file_urls + new upload_urls); null keeps the files.</summary>
    public List<string>? Attachments { get; init; }

    /// <summary>The field the attachments came in (<c>attachment_urls</c> for events), for the error naming a bad one.</summary>
    [JsonIgnore] public string? AttachmentField { get; init; }

    /// <summary>Events that change only the attachments (edit_attachments): the text stays as it is.</summary>
    [JsonIgnore] public bool KeepText { get; init; }
}

/// <summary><c>message/delete</c>.</summary>
public sealed record DeleteMessage : IFleepRequest<DeleteMessage>
{
    [Required] public long? MessageNr { get; init; }
    public string? AttachmentId { get; init; }

    /// <summary>Several attachments at once (the delete_attachments event); null = the whole message or <see cref="AttachmentId"/>.</summary>
    [JsonIgnore] public List<string>? AttachmentIds { get; init; }

    /// <summary>delete_attachments without a list: every attachment of the message, the message itself stays.</summary>
    [JsonIgnore] public bool AllAttachments { get; init; }
    public long? FromMessageNr { get; init; }
    public Guid? ClientReqId { get; init; }
}

/// <summary><c>message/mark_read</c> and <c>mark_unread</c>.</summary>
public sealed record MarkMessageRead : IFleepRequest<MarkMessageRead>
{
    [Required] public long? MessageNr { get; init; }
    public long? FromMessageNr { get; init; }
}

/// <summary><c>message/copy</c>.</summary>
public sealed record CopyMessage : IFleepRequest<CopyMessage>
{
    [Required] public long? MessageNr { get; init; }
    [Required] public Guid? ToConvId { get; init; }
    public long? FromMessageNr { get; init; }
    public Guid? ClientReqId { get; init; }
}

/// <summary>Legacy <c>message/pin</c>, <c>unpin</c> and <c>repin</c>: the message by message_nr or pin_message_nr.</summary>
public sealed record PinMessage : IFleepRequest<PinMessage>
{
    public long? MessageNr { get; init; }
    public long? PinMessageNr { get; init; }
    public double? PinWeight { get; init; }
    public long? FromMessageNr { get; init; }
    public Guid? ClientReqId { get; init; }
}
