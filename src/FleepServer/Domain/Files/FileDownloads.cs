using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using FleepServer.Http;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Files;

/// <summary>Content found for a download: how to open it and how to describe it.</summary>
public sealed record FoundFile(Func<Stream?> Open, string FileType, string FileName, string ETag);

/// <summary>
/// Finds what a download URL names, for one account: the attachment of a message that account can
/// see (<see cref="ViewerState.Sees"/>, the rule of every read), not removed. Everything else (an
/// unknown or malformed URL, a conversation the account is not in, a message before its join or
/// after its leave, a removed attachment) is the same 404, so a URL tells an outsider nothing.
/// </summary>
public sealed class FileDownloads(FleepDbContext db, IFileStore store)
{
    public async Task<FoundFile> FindAsync(Guid accountId, string conversation, string messageNr, string attachmentId, CancellationToken ct)
    {
        var (_, file) = await FindAttachmentAsync(accountId, conversation, messageNr, attachmentId, ct);
        var sha = file.Facts.FileSha256;
        return new FoundFile(() => store.OpenContent(sha), file.Facts.FileType, file.FileName, sha);
    }

    public async Task<FoundFile> FindThumbnailAsync(Guid accountId, string conversation, string messageNr, string attachmentId, string thumb,
        CancellationToken ct)
    {
        if (!thumb.StartsWith("thumb", StringComparison.Ordinal) || !int.TryParse(thumb.AsSpan(5), out var size))
        {
            throw FleepErrors.FileNotFound();
        }

        var (_, file) = await FindAttachmentAsync(accountId, conversation, messageNr, attachmentId, ct);
        if (!file.Facts.ThumbSizes.Contains(size))
        {
            throw FleepErrors.FileNotFound();
        }

        var name = Thumbnails.ObjectName(file.Facts.FileSha256, size);
        return new FoundFile(() => store.OpenDerived(name), FileTypes.Png, $"thumb{size}.png", $"{file.Facts.FileSha256}-{size}");
    }

    private async Task<(Message Message, MessageFile File)> FindAttachmentAsync(Guid accountId, string conversation, string messageNr,
        string attachmentId, CancellationToken ct)
    {
        if (FileUrls.ShortIdOf(conversation) is not { } conversationId || !long.TryParse(messageNr, out var nr) || nr <= 0
            || !FileUrls.IsShortId(attachmentId))
        {
            throw FleepErrors.FileNotFound();
        }

        var found = await (
            from m in db.Messages.AsNoTracking()
            join member in db.ConversationMembers.AsNoTracking() on m.ConversationId equals member.ConversationId
            where m.ConversationId == conversationId && m.MessageNr == nr && member.AccountId == accountId && m.Files != null
            select new { Message = m, Member = member }).FirstOrDefaultAsync(ct);
        if (found is null || !ViewerState.Sees(found.Member, nr) || found.Message.MkMessageState == MessageStates.Deleted
            || found.Message.Files!.FirstOrDefault(f => f.AttachmentId == attachmentId && !f.IsDeleted) is not { } file)
        {
            throw FleepErrors.FileNotFound();
        }

        return (found.Message, file);
    }
}
