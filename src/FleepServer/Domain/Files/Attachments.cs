using FleepServer.Data;
using FleepServer.Errors;
using FleepServer.Http;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Files;

/// <summary>
/// Turns the attachment references of a call (<c>attachments</c>, <c>attachment_urls</c>,
/// <c>file_ids</c>) into a message's files: <c>upload_url</c>s of the caller's own uploads become
/// new attachments; on an edit, the <c>file_url</c>s of the message's current attachments keep
/// them. Anything else is refused with the field's name, never dropped (docs/files.md, "Attach").
/// </summary>
public sealed class Attachments(FleepDbContext db)
{
    /// <summary>Most attachments one message may have.</summary>
    public const int MaxPerMessage = 100;

    /// <param name="current">The message being edited, whose attachments may be kept by file_url; null for a new message.</param>
    public async Task<List<MessageFile>> ResolveAsync(Guid accountId, IReadOnlyList<string> references, string field, Message? current,
        CancellationToken ct)
    {
        if (references.Count > MaxPerMessage)
        {
            throw FleepErrors.InvalidField(field, $"at most {MaxPerMessage} attachments");
        }

        var uploadIds = new List<Guid>();
        foreach (var reference in references)
        {
            if (reference is null)
            {
                throw FleepErrors.InvalidField(field, "a list of upload URLs");
            }

            if (FileUrls.UploadIdOf(reference) is { } id)
            {
                uploadIds.Add(id);
            }
        }

        var uploads = uploadIds.Count == 0
            ? []
            : await db.Uploads.AsNoTracking().Where(u => uploadIds.Contains(u.Id) && u.AccountId == accountId).ToDictionaryAsync(u => u.Id, ct);
        var files = new List<MessageFile>();
        foreach (var reference in references)
        {
            if (FileUrls.UploadIdOf(reference) is { } id && uploads.TryGetValue(id, out var upload))
            {
                files.Add(new MessageFile
                {
                    AttachmentId = FileUrls.NewAttachmentId(),
                    AccountId = accountId,
                    FileName = upload.FileName,
                    Facts = upload.Facts,
                });
            }
            else if (current is not null && FileUrls.FileOf(reference) is { } kept && kept.ConversationId == current.ConversationId
                     && kept.MessageNr == current.MessageNr
                     && current.Files?.FirstOrDefault(f => f.AttachmentId == kept.AttachmentId && !f.IsDeleted) is { } existing)
            {
                if (!files.Contains(existing))
                {
                    files.Add(existing);
                }
            }
            else
            {
                throw FleepErrors.UnknownAttachment(field, reference);
            }
        }

        return files;
    }
}
