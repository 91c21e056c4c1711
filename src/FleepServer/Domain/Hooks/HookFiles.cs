using FleepServer.Data;
using FleepServer.Domain.Files;
using FleepServer.Errors;
using FleepServer.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// The fields and files of a <c>multipart/form-data</c> hook post, read from a stream in one pass
/// (docs/hooks.md, "Files"): text fields are kept (all of them together at most the hook body cap,
/// <c>Fleep:Hooks:MaxBodyBytes</c>), file parts go to the <c>onFile</c> callback as they arrive and
/// are never held in memory. A part is a file when it has a file name or is in field <c>files</c>.
/// </summary>
public static class HookMultipart
{
    public static async Task<Dictionary<string, string>> ReadAsync(Stream body, string? contentType, long maxTextBytes,
        Func<string, Stream, CancellationToken, Task>? onFile, CancellationToken ct)
    {
        var boundary = MediaTypeHeaderValue.TryParse(contentType, out var header)
            ? HeaderUtilities.RemoveQuotes(header.Boundary).Value
            : null;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 200)
        {
            throw FleepErrors.BadRequest("A multipart/form-data body needs a boundary in its Content-Type.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var sections = 0;
        long textBytes = 0;
        try
        {
            var reader = new MultipartReader(boundary, body);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                sections++;
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                    !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    await section.Body.CopyToAsync(Stream.Null, ct);
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition() || name == "files")
                {
                    if (onFile is null)
                    {
                        throw FleepErrors.InvalidField("files", "file parts are accepted only in a request to /hook/<token>");
                    }

                    await onFile(UploadParts.NameOf(disposition) ?? "file", section.Body, ct);
                    continue;
                }

                using var buffer = new MemoryStream();
                var chunk = new byte[16 * 1024];
                int read;
                while ((read = await section.Body.ReadAsync(chunk, ct)) > 0)
                {
                    textBytes += read;
                    if (textBytes > maxTextBytes)
                    {
                        throw FleepErrors.BodyTooLarge(maxTextBytes);
                    }

                    buffer.Write(chunk, 0, read);
                }

                values.TryAdd(name, HookPayloads.Text.Decode(buffer.ToArray()));
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException && !ct.IsCancellationRequested)
        {
            throw FleepErrors.BadRequest("The multipart/form-data body could not be read.");
        }

        if (sections == 0)
        {
            throw FleepErrors.BadRequest("The multipart/form-data body has no parts.");
        }

        return values;
    }

    public static bool IsMultipart(string? contentType) =>
        HookPayloads.MediaType(contentType) == "multipart/form-data";
}

/// <summary>A multipart hook post as read: its text fields and its files, staged in the store until kept.</summary>
public sealed class HookUpload : IDisposable
{
    public required Dictionary<string, string> Fields { get; init; }
    public List<(string Name, StagedFile File, FileFacts Facts)> Files { get; } = [];

    public void Dispose()
    {
        foreach (var (_, file, _) in Files)
        {
            file.Dispose();
        }
    }
}

/// <summary>
/// Files posted to a hook (docs/hooks.md, "Files"): the parts of a multipart post streamed into the
/// content store (each at most <c>Fleep:Files:MaxUploadBytes</c>, at most
/// <see cref="Attachments.MaxPerMessage"/> of them), their facts read as for any upload, and, once
/// the text is known to be postable, kept and turned into the message's attachments, uploaded by
/// the hook's owner. A refused post keeps nothing.
/// </summary>
public sealed class HookFiles(IFileStore store, FileFactsReader factsReader, IOptions<FleepOptions> options)
{
    /// <summary>Hook types whose posts may carry files: those that take the plain format (not import, slack, github payloads).</summary>
    public static bool TakesFiles(string hookType) => hookType is not (HookTypes.Import or HookTypes.Slack or HookTypes.GitHub);

    /// <summary>The largest multipart hook post: its files plus the text cap, for the text fields and the parts' headers.</summary>
    public long MaxMultipartBytes => options.Value.Files.MaxUploadBytes + options.Value.Hooks.MaxBodyBytes;

    public async Task<HookUpload> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxMultipartBytes;
        }

        var files = new List<(string, StagedFile, FileFacts)>();
        try
        {
            var fields = await HookMultipart.ReadAsync(request.Body, request.ContentType, options.Value.Hooks.MaxBodyBytes, async (name, body, token) =>
            {
                if (files.Count >= Attachments.MaxPerMessage)
                {
                    throw FleepErrors.InvalidField("files", $"at most {Attachments.MaxPerMessage} files");
                }

                var (staged, facts) = await factsReader.StageAsync(body, options.Value.Files.MaxUploadBytes, token);
                files.Add((name, staged, facts));
            }, ct);
            var upload = new HookUpload { Fields = fields };
            upload.Files.AddRange(files);
            return upload;
        }
        catch
        {
            foreach (var (_, file, _) in files)
            {
                file.Dispose();
            }

            throw;
        }
    }

    /// <summary>Keeps the staged files in the store and answers them as attachments uploaded by <paramref name="ownerId"/>.</summary>
    public List<MessageFile> Keep(HookUpload upload, Guid ownerId)
    {
        var attached = new List<MessageFile>(upload.Files.Count);
        foreach (var (name, file, facts) in upload.Files)
        {
            store.Keep(file);
            attached.Add(new MessageFile
            {
                AttachmentId = FileUrls.NewAttachmentId(),
                AccountId = ownerId,
                FileName = name,
                Facts = facts,
            });
        }

        return attached;
    }
}
