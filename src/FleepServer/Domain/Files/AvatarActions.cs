using FleepServer.Data;
using FleepServer.Domain.Contacts;
using FleepServer.Errors;
using FleepServer.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Files;

/// <summary>What an avatar upload made: the upload (its row and facts) and the account with its new avatar.</summary>
public sealed record AvatarChange(UploadedFile? File, Account Account);

/// <summary>
/// The caller's avatar (docs/files.md, "Avatars"): <c>avatar/upload</c> keeps one image and makes
/// its avatar sizes; <c>avatar/delete</c> removes it. Either change is one unit of work that locks
/// the account row and sends the changed contact record to the owner and to everyone who has the
/// account as a contact (<see cref="ContactFanOut"/>, as a display name change does). The GET of an
/// avatar URL answers only the account's current avatar; an old URL is 404.
/// </summary>
public sealed class AvatarActions(
    FleepDbContext db,
    UnitOfWork unit,
    IFileStore store,
    FileFactsReader reader,
    ContactFanOut contacts,
    IOptions<FleepOptions> options,
    TimeProvider time)
{
    /// <summary>
    /// Makes the one image of <paramref name="parts"/> the account's avatar. No file, or more than
    /// one: 400; not an image (JPEG, PNG, GIF, WebP), or one that cannot be decoded: 400
    /// invalid_image; nothing is kept of a refused upload.
    /// </summary>
    public async Task<AvatarChange> UploadAsync(Guid accountId, IAsyncEnumerable<UploadPart> parts, CancellationToken ct)
    {
        StagedFile? staged = null;
        string? name = null;
        try
        {
            await foreach (var part in parts.WithCancellation(ct))
            {
                if (staged is not null)
                {
                    throw FleepErrors.BadRequest("An avatar upload carries one image.");
                }

                staged = await store.StageAsync(part.Body, options.Value.Files.MaxUploadBytes, ct);
                name = part.FileName;
            }

            if (staged is null)
            {
                throw FleepErrors.NoFile();
            }

            var type = FileTypes.Detect(staged.Head);
            if (!FileTypes.IsImage(type))
            {
                throw FleepErrors.InvalidImage("an avatar must be a JPEG, PNG, GIF or WebP image");
            }

            var (facts, avatarSizes) = await reader.ReadAvatarAsync(staged, ct);
            store.Keep(staged);
            var now = time.GetUtcNow();
            return await unit.RunAsync(async token =>
            {
                var account = await LockAsync(accountId, token);
                account.Avatar = facts with { ThumbSizes = avatarSizes };
                var upload = new Upload { Id = Guid.NewGuid(), AccountId = accountId, FileName = name!, Facts = facts, CreatedTime = now };
                db.Uploads.Add(upload);
                await db.SaveChangesAsync(token);
                await contacts.AccountChangedAsync(account, publicFieldsChanged: true, token);
                return new AvatarChange(new UploadedFile(upload), account);
            }, ct);
        }
        finally
        {
            staged?.Dispose();
        }
    }

    /// <summary>Removes the account's avatar; its contact then has <c>avatar_urls</c> <c>"{}"</c>. Without one, only the owner hears of it.</summary>
    public Task<Account> DeleteAsync(Guid accountId, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var account = await LockAsync(accountId, token);
            var had = account.Avatar is not null;
            account.Avatar = null;
            await db.SaveChangesAsync(token);
            await contacts.AccountChangedAsync(account, publicFieldsChanged: had, token);
            return account;
        }, ct);

    /// <summary>
    /// The PNG an avatar URL names: <c>/avatar/&lt;b64 account&gt;/&lt;first 16 hex of the content
    /// hash&gt;/size_NN.png</c>. Only the account's current avatar in a size made of it; anything
    /// else (unknown account, no avatar, an older avatar's URL, a size not made) is 404.
    /// </summary>
    public async Task<FoundFile> FindAsync(string account, string key, string file, CancellationToken ct)
    {
        if (FileUrls.ShortIdOf(account) is not { } accountId || key.Length != 16 || !file.StartsWith("size_", StringComparison.Ordinal)
            || !file.EndsWith(".png", StringComparison.Ordinal) || !int.TryParse(file.AsSpan(5, file.Length - 9), out var size))
        {
            throw FleepErrors.FileNotFound();
        }

        var avatar = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.Avatar).FirstOrDefaultAsync(ct);
        if (avatar is null || !avatar.FileSha256.StartsWith(key, StringComparison.Ordinal) || !avatar.ThumbSizes.Contains(size))
        {
            throw FleepErrors.FileNotFound();
        }

        var name = Thumbnails.ObjectName(avatar.FileSha256, size);
        return new FoundFile(() => store.OpenDerived(name), FileTypes.Png, $"size_{size}.png", $"{avatar.FileSha256}-{size}");
    }

    /// <summary>The account row, locked for this unit (<c>FOR NO KEY UPDATE</c>: no key changes), as account/configure reads it.</summary>
    private async Task<Account> LockAsync(Guid accountId, CancellationToken ct) =>
        await db.Accounts.FromSql($"SELECT * FROM accounts WHERE account_id = {accountId} FOR NO KEY UPDATE")
            .Where(a => a.Id == accountId).SingleAsync(ct);
}
