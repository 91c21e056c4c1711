using FleepServer.Data;
using FleepServer.Http;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Files;

/// <summary>One upload as the server kept it: the row and the facts of its content.</summary>
public sealed record UploadedFile(Upload Upload)
{
    public FileFacts Facts => Upload.Facts;
}

/// <summary>
/// <c>api/file/upload</c>: streams each file of the request into the content store, learns what it
/// is from its bytes (<see cref="FileFactsReader"/>), and records one <see cref="Upload"/> per file
/// in one unit of work. A file over the limit, a client that goes away midway, or content that is
/// refused (a broken or oversized image) fails the whole request and leaves no row and no file.
/// </summary>
public sealed class FileUploads(FleepDbContext db, UnitOfWork unit, IFileStore store, FileFactsReader facts, IOptions<FleepOptions> options,
    TimeProvider time)
{
    public async Task<List<UploadedFile>> UploadAsync(Guid accountId, IAsyncEnumerable<UploadPart> parts, CancellationToken ct)
    {
        var staged = new List<(string Name, StagedFile File, FileFacts Facts)>();
        try
        {
            await foreach (var part in parts.WithCancellation(ct))
            {
                var (file, read) = await facts.StageAsync(part.Body, options.Value.Files.MaxUploadBytes, ct);
                staged.Add((part.FileName, file, read));
            }

            if (staged.Count == 0)
            {
                throw Errors.FleepErrors.NoFile();
            }

            foreach (var (_, file, _) in staged)
            {
                store.Keep(file);
            }

            var now = time.GetUtcNow();
            return await unit.RunAsync(async token =>
            {
                var uploads = staged.Select(s => new Upload
                {
                    Id = Guid.NewGuid(),
                    AccountId = accountId,
                    FileName = s.Name,
                    Facts = s.Facts,
                    CreatedTime = now,
                }).ToList();
                db.Uploads.AddRange(uploads);
                await db.SaveChangesAsync(token);
                return uploads.Select(u => new UploadedFile(u)).ToList();
            }, ct);
        }
        finally
        {
            foreach (var (_, file, _) in staged)
            {
                file.Dispose();
            }
        }
    }
}

/// <summary>
/// What a staged file is: its type from its first bytes and, for an image, its shape and the
/// thumbnails made of it (<see cref="ImageThumbnailer"/>). The one place upload, avatar upload and
/// external upload learn it. <c>width</c>/<c>height</c> are the stored image's, as its header says;
/// <c>orientation</c> is its EXIF orientation, which the thumbnails already apply (docs/files.md,
/// "Images and thumbnails"). A broken, oversized or too slow image is refused with 400 invalid_image.
/// </summary>
public sealed class FileFactsReader(IFileStore store, IOptions<FleepOptions> options, ImageThumbnailer thumbnails)
{
    /// <summary>
    /// Streams <paramref name="content"/> into the store's temporary area and reads its facts: how
    /// uploads, hook files and external uploads take a file in. Content over
    /// <paramref name="maxBytes"/>, or content the facts refuse, leaves nothing behind.
    /// </summary>
    public async Task<(StagedFile File, FileFacts Facts)> StageAsync(Stream content, long maxBytes, CancellationToken ct)
    {
        var file = await store.StageAsync(content, maxBytes, ct);
        try
        {
            return (file, await ReadAsync(file, ct));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The facts of an attachment: an image's <see cref="FileFacts.ThumbSizes"/> are its thumbnails, made here.</summary>
    public async Task<FileFacts> ReadAsync(StagedFile file, CancellationToken ct) => (await ReadAsync(file, avatar: false, ct)).Facts;

    /// <summary>
    /// The facts of an avatar upload, and the avatar sizes made of it (its attachment thumbnails are
    /// made too, in the same decode, since its upload_url can be attached like any upload's). Not an
    /// image: no sizes.
    /// </summary>
    public Task<(FileFacts Facts, List<int> AvatarSizes)> ReadAvatarAsync(StagedFile file, CancellationToken ct) => ReadAsync(file, avatar: true, ct);

    private async Task<(FileFacts Facts, List<int> AvatarSizes)> ReadAsync(StagedFile file, bool avatar, CancellationToken ct)
    {
        var type = FileTypes.Detect(file.Head);
        var facts = new FileFacts { FileSha256 = file.Sha256, FileSize = file.Size, FileType = type };
        if (!FileTypes.IsImage(type))
        {
            return (facts, []);
        }

        var shape = ImageProbe.Read(file.Path, options.Value.Files.MaxImagePixels);
        var thumbSizes = ImageSizes.ForThumbnails(shape.Width, shape.Height);
        var avatarSizes = avatar ? ImageSizes.ForAvatar(shape.Width, shape.Height) : [];
        await thumbnails.EnsureAsync(file.Path, file.Sha256, thumbSizes.Union(avatarSizes).Order().ToList(), ct);
        facts = facts with
        {
            Width = shape.Width,
            Height = shape.Height,
            IsAnimated = shape.IsAnimated,
            Orientation = shape.Orientation,
            ThumbSizes = thumbSizes,
        };
        return (facts, avatarSizes);
    }
}
