using System.Text.Json;
using FleepServer.Data;
using FleepServer.Domain.Contacts;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using FleepServer.Http;
using FleepServer.Records;
using FleepServer.Streams;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Domain.Labels;

/// <summary>
/// api/label/* (docs/labels.md): storing an account's labels and paging through the conversations
/// that carry one. A label change goes to the owner's stream in the unit that makes it, and to
/// no one else.
/// </summary>
public sealed class LabelActions(
    FleepDbContext db, UnitOfWork unit, LabelBook book, StreamAppender streams, ConversationReader reader, ConversationActions conversations,
    ContactBook contacts, IHttpContextAccessor http, TimeProvider time)
{
    public const int DefaultPage = 30;
    public const int MaxPage = 100;

    /// <summary>label/store: create, rename, move, flags, or remove (<c>index: -1</c>); answers the label's record.</summary>
    public Task<LabelRecord> StoreAsync(Guid accountId, StoreLabel r, CancellationToken ct)
    {
        var name = r.Label is null ? null : LabelBook.ValidName(r.Label, "label");
        if (r.Index is < -1)
        {
            throw FleepErrors.InvalidField("index", "-1 (remove) or more");
        }

        var removing = r.Index == -1;
        return unit.RunAsync(async token =>
        {
            await book.LockAsync(accountId, token);
            var now = time.GetUtcNow();
            var rows = await db.Labels.Where(l => l.AccountId == accountId && l.MkLabelStatus == LabelStatuses.Active).ToListAsync(token);
            var system = SystemLabels.IdsOf(accountId);
            Label? label;
            if (r.LabelId is { } id)
            {
                label = rows.FirstOrDefault(l => l.Id == id);
                if (label is null && system.TryGetValue(id, out var s))
                {
                    label = SystemLabels.Row(accountId, s, now);
                    db.Labels.Add(label);
                }
            }
            else
            {
                var byName = name ?? throw FleepErrors.MissingField("label");
                label = rows.FirstOrDefault(l => string.Equals(l.Name, byName, StringComparison.OrdinalIgnoreCase));
                if (label is null && removing && SystemLabels.ByName(byName) is not null)
                {
                    throw FleepErrors.SystemLabel("removed");
                }

                if (label is null && !removing)
                {
                    if (SystemLabels.ByName(byName) is not null)
                    {
                        throw FleepErrors.LabelExists(byName);
                    }

                    label = LabelBook.NewUserLabel(accountId, byName, r.Index ?? LabelBook.NextIndex(rows), now);
                    label.IsOnLeftPane = r.IsOnLeftPane ?? true;
                    label.IsInRecent = r.IsInRecent ?? true;
                    label.IsInMuted = r.IsInMuted ?? true;
                    db.Labels.Add(label);
                    return Queue(accountId, label, []);
                }

                if (label is not null && !removing)
                {
                    // create with a name already taken
                    throw FleepErrors.LabelExists(label.Name);
                }
            }

            if (label is null)
            {
                throw FleepErrors.LabelNotFound();
            }

            var isSystem = label.MkLabelType == LabelTypes.System;
            if (removing)
            {
                if (isSystem)
                {
                    throw FleepErrors.SystemLabel("removed");
                }

                label.MkLabelStatus = LabelStatuses.Removed;
                return Queue(accountId, label, await LeaveConversationsAsync(accountId, label.Id, token));
            }

            if (name is not null && name != label.Name)
            {
                if (isSystem)
                {
                    throw FleepErrors.SystemLabel("renamed");
                }

                if (SystemLabels.ByName(name) is not null
                    || rows.Any(l => l.Id != label.Id && string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    throw FleepErrors.LabelExists(name);
                }

                label.Name = name;
            }

            if (isSystem && ((r.IsInRecent is { } recent && recent != label.IsInRecent) || (r.IsInMuted is { } muted && muted != label.IsInMuted)))
            {
                throw FleepErrors.SystemLabel("moved in or out of Recent and Muted");
            }

            label.Index = r.Index ?? label.Index;
            label.IsOnLeftPane = r.IsOnLeftPane ?? label.IsOnLeftPane;
            label.IsInRecent = r.IsInRecent ?? label.IsInRecent;
            label.IsInMuted = r.IsInMuted ?? label.IsInMuted;
            return Queue(accountId, label, []);
        }, ct);
    }

    private LabelRecord Queue(Guid accountId, Label label, IReadOnlyList<IStreamRecord> after)
    {
        var record = LabelRecords.For(label);
        streams.Add([new StreamAppend(accountId, record), .. after.Select(a => new StreamAppend(accountId, a))]);
        return record;
    }

    /// <summary>A removed label leaves every conversation of its owner; the owner gets those headers again.</summary>
    private async Task<List<IStreamRecord>> LeaveConversationsAsync(Guid accountId, Guid labelId, CancellationToken ct)
    {
        var affected = await db.ConversationMembers.Where(m => m.AccountId == accountId && m.LabelIds.Contains(labelId))
            .Select(m => m.ConversationId).ToListAsync(ct);
        if (affected.Count == 0)
        {
            return [];
        }

        await db.Database.ExecuteSqlAsync(
            $"UPDATE conversation_members SET label_ids = array_remove(label_ids, {labelId}) WHERE account_id = {accountId} AND {labelId} = ANY(label_ids)",
            ct);
        var listed = await reader.ListedConversations(accountId).Where(c => affected.Contains(c.Id)).AsNoTracking().ToListAsync(ct);
        var views = await reader.ViewsAsync(accountId, listed, ct);
        var baseUrl = PublicUrl.Of(http.HttpContext);
        return [.. views.Select(v => ConvRecords.For(v, baseUrl))];
    }

    /// <summary>
    /// label/sync_conversations: one page of the caller's conversations carrying the label, newest
    /// inbox time first: the label's record with the cursor of the next page (<c>sync_cursor</c>
    /// <c>"{}"</c> and <c>sync_inbox_time</c> 0 on the last page), the members' contacts, and each
    /// conversation at the init level.
    /// </summary>
    public async Task<(LabelRecord Label, List<IStreamRecord> Records)> SyncConversationsAsync(Guid accountId, SyncLabelConversations r,
        CancellationToken ct)
    {
        var labelId = r.LabelId ?? throw FleepErrors.MissingField("label_id");
        var mode = r.MkInitMode ?? InitModes.Tiny;
        if (mode is not (InitModes.Header or InitModes.Tiny or InitModes.Full))
        {
            throw FleepErrors.InvalidField("mk_init_mode", "ic_header, ic_tiny or ic_full");
        }

        var limit = r.Limit ?? DefaultPage;
        if (limit is < 1 or > MaxPage)
        {
            throw FleepErrors.InvalidField("limit", $"between 1 and {MaxPage}");
        }

        var cursor = ParseCursor(r.SyncCursor);
        var label = (await LabelBook.ListAsync(db, accountId, ct)).FirstOrDefault(l => l.LabelId == labelId) ?? throw FleepErrors.LabelNotFound();
        var page = await LabelQueries.PageAsync(db, accountId, label, cursor, (int)limit + 1, ct);
        var more = page.Count > limit;
        page = page.Take((int)limit).ToList();

        var results = await conversations.SyncManyAsync(accountId, page.Select(c => c.Id).ToList(), mode, ct);
        var memberIds = results.SelectMany(x => x.View.Members.Select(m => m.AccountId)).Where(id => id != accountId).Distinct().ToList();
        var listed = memberIds.Count == 0 ? [] : await contacts.FindAsync(accountId, memberIds, ct);
        var baseUrl = PublicUrl.Of(http.HttpContext);
        var last = page.LastOrDefault();
        var synced = more && last is not null
            ? label with
            {
                SyncInboxTime = last.LastMessageTime.ToUnixTimeSeconds(),
                SyncConversationId = last.Id.ToString(),
                SyncCursor = JsonSerializer.Serialize(new LabelSyncCursor { AcvConvId = last.Id, AcvInboxTime = LabelSyncCursor.Format(last.LastMessageTime) },
                    FleepJson.Options),
            }
            : label with { SyncInboxTime = 0, SyncConversationId = "", SyncCursor = "{}" };
        List<IStreamRecord> records = [synced, .. listed.Select(c => ContactRecords.ForContact(c.Account, c.Entry))];
        records.AddRange(results.SelectMany(x => ConvSyncResponse.Of(x, baseUrl).AllRecords()).Cast<IStreamRecord>());
        return (synced, records);
    }

    /// <summary>The cursor as JSON text (classic call) or object (event); absent, null or <c>{}</c> starts from the newest.</summary>
    public static LabelSyncCursor? ParseCursor(JsonElement? given)
    {
        if (given is not { } e || e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        try
        {
            var obj = e.ValueKind == JsonValueKind.String ? JsonDocument.Parse(e.GetString() is { Length: > 0 } s ? s : "{}").RootElement : e;
            var cursor = obj.Deserialize<LabelSyncCursor>(FleepJson.Options);
            if (cursor is null || (cursor.AcvConvId is null && cursor.AcvInboxTime is null))
            {
                return null;
            }

            return cursor is { AcvConvId: not null } && cursor.Time() is not null
                ? cursor
                : throw FleepErrors.InvalidField("sync_cursor", "the cursor of a label record");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw FleepErrors.InvalidField("sync_cursor", "the cursor of a label record");
        }
    }
}
