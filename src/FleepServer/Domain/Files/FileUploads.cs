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
                var file = await store.StageAsync(part.Body, options.Value.Files.MaxUploadBytes, ct);
                try
                {
                    staged.Add((part.FileName, file, await facts.ReadAsync(file, ct)));
                }
                catch
                {
                    file.Dispose();
                    throw;
                }
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
/// What a staged file is: its type from its first bytes and, for an image, its shape (and the
/// thumbnails made of it). The one place upload, avatar upload and external upload learn it.
/// </summary>
public sealed class FileFactsReader(IOptions<FleepOptions> options)
{
    public Task<FileFacts> ReadAsync(StagedFile file, CancellationToken ct)
    {
        var type = FileTypes.Detect(file.Head);
        var facts = new FileFacts { FileSha256 = file.Sha256, FileSize = file.Size, FileType = type };
        if (FileTypes.IsImage(type))
        {
            var shape = ImageProbe.Read(file.Path, options.Value.Files.MaxImagePixels);
            facts = facts with { Width = shape.Width, Height = shape.Height, IsAnimated = shape.IsAnimated, Orientation = shape.Orientation };
        }

        return Task.FromResult(facts);
    }
}
