using System.Net.Http.Headers;
using System.Text.Json;

namespace FleepServer.Tests.Infrastructure;

/// <summary>How a client sends a file to api/file/upload: the encodings real Fleep clients use.</summary>
public enum UploadEncoding
{
    /// <summary>POST multipart/form-data, the file in field <c>files</c> (the official python client).</summary>
    MultipartFiles,

    /// <summary>POST multipart/form-data in field <c>file</c> (.NET WebClient.UploadFile).</summary>
    MultipartFile,

    /// <summary>PUT, the raw file as body, <c>Content-Disposition: attachment; filename="…"</c> (the iOS library).</summary>
    PutAttachment,

    /// <summary>PUT, the raw file as body, <c>Content-Disposition: form-data; name="files"; filename="…"</c>.</summary>
    PutFormData,

    /// <summary>PUT with a multipart body (FleepSharp).</summary>
    PutMultipart,

    /// <summary>POST <c>?_method=PUT</c> with the raw file as body.</summary>
    PostMethodPut,
}

/// <summary>Uploads and downloads as Fleep clients do them: ticket in the query, the session cookie, bytes in and out.</summary>
public static class FileClientExtensions
{
    public static Task<FleepResponse> UploadAsync(this FleepTestClient client, string name, byte[] content,
        UploadEncoding encoding = UploadEncoding.MultipartFiles, string path = "/api/file/upload", string declaredType = "application/octet-stream") =>
        client.SendAsync(UploadRequest(client, name, content, encoding, path, declaredType));

    /// <summary>Uploads one file and returns its entry of <c>files</c>.</summary>
    public static async Task<JsonElement> UploadFileAsync(this FleepTestClient client, string name, byte[] content,
        UploadEncoding encoding = UploadEncoding.MultipartFiles)
    {
        var response = (await client.UploadAsync(name, content, encoding)).EnsureOk();
        return Assert.Single(response.Json.GetProperty("files").EnumerateArray().ToList());
    }

    /// <summary>Uploads one file and returns its upload_url, ready to attach.</summary>
    public static async Task<string> UploadUrlAsync(this FleepTestClient client, string name, byte[] content) =>
        (await client.UploadFileAsync(name, content)).GetProperty("upload_url").GetString()!;

    public static HttpRequestMessage UploadRequest(FleepTestClient client, string name, byte[] content, UploadEncoding encoding,
        string path = "/api/file/upload", string declaredType = "application/octet-stream")
    {
        var ticket = Uri.EscapeDataString(client.Ticket ?? "");
        HttpContent Multipart(string field)
        {
            var form = new MultipartFormDataContent();
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = MediaTypeHeaderValue.Parse(declaredType);
            form.Add(part, field, name);
            return form;
        }

        HttpContent Raw(string disposition)
        {
            var body = new ByteArrayContent(content);
            body.Headers.ContentType = MediaTypeHeaderValue.Parse(declaredType);
            body.Headers.TryAddWithoutValidation("Content-Disposition", disposition);
            return body;
        }

        return encoding switch
        {
            UploadEncoding.MultipartFiles => new HttpRequestMessage(HttpMethod.Post, $"{path}?ticket={ticket}") { Content = Multipart("files") },
            UploadEncoding.MultipartFile => new HttpRequestMessage(HttpMethod.Post, $"{path}?ticket={ticket}") { Content = Multipart("file") },
            UploadEncoding.PutAttachment => new HttpRequestMessage(HttpMethod.Put, $"{path}?ticket={ticket}")
                { Content = Raw($"attachment; filename=\"{name}\"") },
            UploadEncoding.PutFormData => new HttpRequestMessage(HttpMethod.Put, $"{path}?ticket={ticket}")
                { Content = Raw($"form-data; name=\"files\"; filename=\"{name}\"") },
            UploadEncoding.PutMultipart => new HttpRequestMessage(HttpMethod.Put, $"{path}?ticket={ticket}") { Content = Multipart("file") },
            UploadEncoding.PostMethodPut => new HttpRequestMessage(HttpMethod.Post, $"{path}?ticket={ticket}&_method=PUT")
                { Content = Raw($"attachment; filename=\"{name}\"") },
            _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
        };
    }

    /// <summary>GETs a site-relative file URL with the client's session cookie only, as browsers and the mobile libraries do.</summary>
    public static async Task<HttpResponseMessage> GetFileAsync(this FleepTestClient client, string url, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        configure?.Invoke(request);
        return (await client.SendAsync(request)).Raw;
    }

    /// <summary>The file records of an answer or poll, in stream order.</summary>
    public static List<JsonElement> Files(this FleepResponse response) =>
        response.Stream().Where(r => r.GetProperty("mk_rec_type").GetString() == "file").ToList();
}
