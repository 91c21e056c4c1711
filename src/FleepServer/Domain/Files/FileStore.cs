using System.Security.Cryptography;
using FleepServer.Errors;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Files;

/// <summary>
/// Where file bytes live (docs/files.md, "The content store"). Content is addressed by its SHA-256:
/// the same bytes are kept once whoever uploads them. Thumbnails and avatar sizes are derived
/// objects named after the content they come from. One small interface, so a store other than a
/// folder (an S3-compatible one) can take its place.
/// </summary>
public interface IFileStore
{
    /// <summary>
    /// Copies <paramref name="content"/> to a temporary object while hashing it. More than
    /// <paramref name="maxBytes"/> bytes, or a source that fails midway (a client that went away),
    /// leaves nothing behind and throws.
    /// </summary>
    Task<StagedFile> StageAsync(Stream content, long maxBytes, CancellationToken ct);

    /// <summary>Makes a staged file's content available under its hash (a no-op when those bytes are already kept) and drops the temporary object.</summary>
    void Keep(StagedFile staged);

    /// <summary>Opens kept content for reading; null when the store has no such content.</summary>
    Stream? OpenContent(string sha256);

    /// <summary>Stores a derived object (a thumbnail) whole; replacing one with the same name is harmless, they are made the same way.</summary>
    Task PutDerivedAsync(string name, ReadOnlyMemory<byte> bytes, CancellationToken ct);

    /// <summary>Opens a derived object; null when it does not exist.</summary>
    Stream? OpenDerived(string name);
}

/// <summary>
/// Content copied into the store's temporary area: its hash, size and first bytes (for type
/// detection). Disposing it removes the temporary object unless <see cref="IFileStore.Keep"/> took it.
/// </summary>
public sealed class StagedFile(string path, string sha256, long size, byte[] head) : IDisposable
{
    /// <summary>Bytes of the start of the content kept for type detection.</summary>
    public const int HeadLength = 4096;

    /// <summary>The temporary object; readable until kept or disposed.</summary>
    public string Path { get; } = path;

    public string Sha256 { get; } = sha256;
    public long Size { get; } = size;
    public byte[] Head { get; } = head;

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Already moved into place or gone; the start-up sweep removes any leftover.
        }
    }
}

/// <summary>
/// The default store: a folder, shared by the server processes of one machine. Content lives under
/// <c>content/ab/abcdef…</c>, derived objects under <c>derived/</c>, uploads in progress under
/// <c>tmp/</c> with unique names. A finished upload is moved into place with one rename, so a
/// reader never sees half of a file, and two processes keeping the same bytes at once both succeed.
/// </summary>
public sealed class FolderFileStore : IFileStore
{
    private readonly string contentRoot;
    private readonly string derivedRoot;
    private readonly string tempRoot;

    public FolderFileStore(IOptions<FleepOptions> options, IHostEnvironment environment)
        : this(Resolve(options.Value.Files.Directory, environment.ContentRootPath))
    {
    }

    public FolderFileStore(string root)
    {
        Root = root;
        contentRoot = System.IO.Path.Combine(root, "content");
        derivedRoot = System.IO.Path.Combine(root, "derived");
        tempRoot = System.IO.Path.Combine(root, "tmp");
        Directory.CreateDirectory(contentRoot);
        Directory.CreateDirectory(derivedRoot);
        Directory.CreateDirectory(tempRoot);
    }

    /// <summary>The folder this store keeps everything in.</summary>
    public string Root { get; }

    public static string Resolve(string directory, string contentRoot) =>
        System.IO.Path.IsPathRooted(directory) ? directory : System.IO.Path.GetFullPath(System.IO.Path.Combine(contentRoot, directory));

    public async Task<StagedFile> StageAsync(Stream content, long maxBytes, CancellationToken ct)
    {
        var path = System.IO.Path.Combine(tempRoot, $"{Guid.NewGuid():N}.part");
        var head = new byte[StagedFile.HeadLength];
        var headLength = 0;
        long size = 0;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16,
                             FileOptions.Asynchronous | FileOptions.SequentialScan))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw FleepErrors.FileTooLarge(maxBytes);
                    }

                    if (headLength < head.Length)
                    {
                        var take = Math.Min(read, head.Length - headLength);
                        buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                        headLength += take;
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }

            return new StagedFile(path, Convert.ToHexStringLower(hash.GetHashAndReset()), size, head[..headLength]);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public void Keep(StagedFile staged)
    {
        var target = ContentPath(staged.Sha256);
        if (File.Exists(target))
        {
            staged.Dispose();
            return;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        // Same bytes, same name: when another process got there first, either copy is the content.
        File.Move(staged.Path, target, overwrite: true);
    }

    public Stream? OpenContent(string sha256) => OpenOrNull(ContentPath(sha256));

    public async Task PutDerivedAsync(string name, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        var target = DerivedPath(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        var temp = System.IO.Path.Combine(tempRoot, $"{Guid.NewGuid():N}.part");
        try
        {
            await File.WriteAllBytesAsync(temp, bytes.ToArray(), ct);
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public Stream? OpenDerived(string name) => OpenOrNull(DerivedPath(name));

    /// <summary>
    /// Removes unfinished uploads older than <paramref name="age"/>: what a process that stopped in
    /// the middle of an upload left. Younger ones may belong to an upload still running in another process.
    /// </summary>
    public int SweepTemporary(TimeSpan age, DateTime nowUtc)
    {
        var removed = 0;
        foreach (var file in new DirectoryInfo(tempRoot).EnumerateFiles())
        {
            if (nowUtc - file.LastWriteTimeUtc > age)
            {
                try
                {
                    file.Delete();
                    removed++;
                }
                catch (IOException)
                {
                    // Another process swept it first.
                }
            }
        }

        return removed;
    }

    private string ContentPath(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Not a SHA-256 in lower-case hex.", nameof(sha256));
        }

        return System.IO.Path.Combine(contentRoot, sha256[..2], sha256);
    }

    private string DerivedPath(string name)
    {
        // Names are made by the server (hash/size.png); anything else is a bug, not a path to follow.
        if (name.Contains("..", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(name))
        {
            throw new ArgumentException("Not a derived object name.", nameof(name));
        }

        return System.IO.Path.Combine(derivedRoot, name);
    }

    private static FileStream? OpenOrNull(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }
}

/// <summary>At start, removes what interrupted uploads left in the folder store's temporary area.</summary>
public sealed class FileStoreSweep(IFileStore store, IOptions<FleepOptions> options, TimeProvider time, ILogger<FileStoreSweep> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (store is FolderFileStore folder)
        {
            var removed = folder.SweepTemporary(options.Value.Files.StaleUploadAge, time.GetUtcNow().UtcDateTime);
            if (removed > 0)
            {
                logger.LogInformation("Removed {Count} unfinished uploads from {Directory}", removed, folder.Root);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
