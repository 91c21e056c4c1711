using System.Text;
using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Http;

namespace FleepServer.Records;

/// <summary>
/// The one builder of <see cref="FileRecord"/>s and of the <c>&lt;file&gt;</c> elements a message's
/// XML shows for its attachments. Every answer and stream that carries a message carries its file
/// records right after it.
/// </summary>
public static class FileRecords
{
    public static IEnumerable<FileRecord> For(Message m) =>
        m.Files is not { Count: > 0 } files ? [] : files.Select(f => For(m, f));

    public static FileRecord For(Message m, MessageFile f)
    {
        string? Thumb(int size) => !f.IsDeleted && f.Facts.ThumbSizes.Contains(size) ? FileUrls.Thumb(m.ConversationId, m.MessageNr, f.AttachmentId, size) : null;
        return new FileRecord
        {
            ConversationId = m.ConversationId,
            MessageNr = m.MessageNr,
            AccountId = f.AccountId,
            AttachmentId = f.AttachmentId,
            FileName = f.FileName,
            FileUrl = FileUrls.File(m.ConversationId, m.MessageNr, f.AttachmentId, f.FileName),
            FileSize = f.Facts.FileSize,
            FileType = f.Facts.FileType,
            FileSha256 = f.Facts.FileSha256,
            Width = f.Facts.Width,
            Height = f.Facts.Height,
            IsAnimated = f.Facts.IsAnimated,
            Orientation = f.Facts.Orientation,
            ThumbUrl50 = Thumb(50),
            ThumbUrl100 = Thumb(100),
            ThumbUrl575 = Thumb(575),
            ThumbUrl700 = Thumb(700),
            IsDeleted = f.IsDeleted,
            DeleterId = f.DeleterId?.ToString() ?? "",
            IsHidden = f.IsHidden,
            PostedTime = m.PostedTime.ToUnixTimeSeconds(),
            SenderName = m.SenderName,
        };
    }

    /// <summary>
    /// The message XML clients see: the stored body with one <c>&lt;file key="…"&gt;name&lt;/file&gt;</c>
    /// per attachment at its end, <c>&lt;file key="…" is_deleted="true"/&gt;</c> for a removed one.
    /// A deleted message shows nothing.
    /// </summary>
    public static string MessageXml(Message m)
    {
        if (m.Files is not { Count: > 0 } files || m.MkMessageState == MessageStates.Deleted || !m.Body.EndsWith("</msg>", StringComparison.Ordinal))
        {
            return m.Body;
        }

        var xml = new StringBuilder(m.Body, 0, m.Body.Length - "</msg>".Length, m.Body.Length + files.Count * 64);
        foreach (var f in files)
        {
            xml.Append(f.IsDeleted
                ? $"<file key=\"{f.AttachmentId}\" is_deleted=\"true\"/>"
                : $"<file key=\"{f.AttachmentId}\">{Markup.Escape(f.FileName)}</file>");
        }

        return xml.Append("</msg>").ToString();
    }
}
