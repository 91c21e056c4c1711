using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using FleepServer.Http;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Files;

/// <summary><c>conversation/sync_files</c> and the <c>conv:sync_files</c> events: one batch of the drawer.</summary>
public sealed record SyncFiles : IFleepRequest<SyncFiles>
{
    /// <summary>The batch holds file messages before this number; absent or 0 = from the end.</summary>
    public long? FromMessageNr { get; init; }

    /// <summary>Batch size, 1 to 100 (events); 20 when absent.</summary>
    [Range(1, FileDrawer.MaxBatchSize)] public long? Limit { get; init; }

    /// <summary>The <c>conv:sync_files:2</c> limit: only file messages after this number (the client has the rest).</summary>
    [JsonIgnore] public long? AfterMessageNr { get; init; }
}

/// <summary><c>file/rename</c>: one attachment gets a new name.</summary>
public sealed record RenameFile : IFleepRequest<RenameFile>
{
    /// <summary>The attachment: its attachment_id (22 characters), the same id as a UUID, or its file_url.</summary>
    public string? FileId { get; init; }

    /// <summary>Accepted instead of <see cref="FileId"/>.</summary>
    public string? AttachmentId { get; init; }

    /// <summary>The message holding the attachment; found by the attachment when absent.</summary>
    public long? MessageNr { get; init; }

    [Required] [MaxLength(MaxNameLength)] public string? FileName { get; init; }
    public long? FromMessageNr { get; init; }
    public Guid? ClientReqId { get; init; }

    public const int MaxNameLength = 1024;
}

/// <summary>
/// The file drawer (docs/files.md, "The file drawer"): a conversation's messages that show files,
/// newest first, in batches that continue at <c>file_horizon</c>; and renaming an attachment. Only
/// messages the viewer sees are read (<see cref="ConversationReader.VisibleWithFiles"/>).
/// </summary>
public sealed class FileDrawer(FleepDbContext db, Membership membership, ConversationReader reader, ConversationWriter writer)
{
    /// <summary>File messages per drawer batch when the call does not say (the events' default).</summary>
    public const int BatchSize = 20;

    public const int MaxBatchSize = 100;

    /// <summary>sync_files: the header and the next batch of file messages before <c>from_message_nr</c>.</summary>
    public async Task<ConvResult> SyncAsync(Guid accountId, Guid conversationId, SyncFiles r, CancellationToken ct)
    {
        var (conversation, members, viewer) = await membership.RequireAsync(conversationId, accountId, Access.Read, ct);
        var view = await membership.ViewAsync(conversation, members, viewer, ct);
        var before = ConversationReader.Anchor(view, r.FromMessageNr) ?? view.LastMessageNr + 1;
        var limit = r.Limit ?? BatchSize;
        if (limit is < 1 or > MaxBatchSize)
        {
            throw FleepErrors.InvalidField("limit", $"between 1 and {MaxBatchSize}");
        }

        return await PageAsync(reader, view, before, (int)limit, ct, after: r.AfterMessageNr ?? 0);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> visible file messages with numbers below <paramref name="before"/>,
    /// in flow order (the newest batch first, as backward sync); <c>file_horizon</c> = the lowest number
    /// returned while older file messages remain, else 0.
    /// </summary>
    public static async Task<ConvResult> PageAsync(ConversationReader reader, ConvView view, long before, int limit, CancellationToken ct,
        long after = 0)
    {
        var messages = await reader.VisibleWithFiles(view).Where(m => m.MessageNr < before && m.MessageNr > after)
            .OrderByDescending(m => m.MessageNr).Take(limit + 1).ToListAsync(ct);
        var more = messages.Count > limit;
        messages = messages.Take(limit).OrderBy(m => m.MessageNr).ToList();
        return new ConvResult(view, messages) { FileHorizon = more ? messages[0].MessageNr : 0 };
    }

    /// <summary>
    /// file/rename: a revision of the message whose attachment gets <c>file_name</c>. Who may edit
    /// the message may rename its files (the author of a plain message, anyone for a shared one).
    /// </summary>
    public Task<ConvResult> RenameAsync(Guid accountId, Guid conversationId, RenameFile r, CancellationToken ct)
    {
        var (attachmentId, urlMessageNr) = AttachmentOf(r);
        var name = ValidName(r.FileName);
        var messageNr = r.MessageNr is null or 0 ? urlMessageNr : r.MessageNr;
        return writer.ChangeAsync(new(accountId, conversationId) { ClientReqId = r.ClientReqId }, async (change, token) =>
        {
            change.ValidateFrom(r.FromMessageNr);
            var nr = messageNr ?? await FindMessageNrAsync(conversationId, attachmentId, token) ?? throw FleepErrors.AttachmentNotFound();
            var message = await change.RequireMessageAsync(nr, token);
            if (new MessageStateChanges(accountId, change.Now).RenameFile(message, attachmentId, name))
            {
                change.Revise(message);
            }

            change.ResultMessageNr = message.MessageNr;
            if (!change.Changed.Contains(message))
            {
                change.Changed.Add(message);
            }
        }, ct);
    }

    /// <summary>The message of this conversation that holds the attachment (attachment ids are random, so at most one).</summary>
    private Task<long?> FindMessageNrAsync(Guid conversationId, string attachmentId, CancellationToken ct)
    {
        var contains = JsonSerializer.Serialize(new[] { new { AttachmentId = attachmentId } });
        return db.Messages.FromSql($"SELECT * FROM messages WHERE conversation_id = {conversationId} AND files IS NOT NULL AND files @> {contains}::jsonb")
            .Select(m => (long?)m.MessageNr).FirstOrDefaultAsync(ct);
    }

    private static (string AttachmentId, long? MessageNr) AttachmentOf(RenameFile r)
    {
        var (field, given) = r.AttachmentId is { Length: > 0 } id ? ("attachment_id", id) : ("file_id", r.FileId);
        if (string.IsNullOrEmpty(given))
        {
            throw FleepErrors.MissingField("file_id");
        }

        if (FileUrls.IsShortId(given))
        {
            return (given, null);
        }

        if (Guid.TryParse(given, out var uuid))
        {
            return (PublicUrl.ShortId(uuid), null);
        }

        if (FileUrls.FileOf(given) is { } file)
        {
            return (file.AttachmentId, file.MessageNr);
        }

        throw FleepErrors.InvalidField(field, "an attachment_id or file_url");
    }

    private static string ValidName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0 || trimmed.Any(c => char.IsControl(c) || c is '/' or '\\'))
        {
            throw FleepErrors.InvalidField("file_name", "a file name without slashes or control characters");
        }

        return trimmed;
    }
}
