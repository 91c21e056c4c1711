using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace FleepServer.Http;

/// <summary>The server's address as clients reach it, for links inside records (autojoin_url, hook_url).</summary>
public static class PublicUrl
{
    /// <summary>
    /// The configured <c>Fleep:PublicUrl</c>, else the scheme and host of the request (behind a
    /// trusted proxy: its X-Forwarded-Proto).
    /// </summary>
    public static string Of(HttpContext? context)
    {
        if (context is null)
        {
            return "http://localhost";
        }

        var configured = context.RequestServices.GetService<IOptions<FleepOptions>>()?.Value.PublicUrl;
        return string.IsNullOrWhiteSpace(configured)
            ? $"{context.Request.Scheme}://{context.Request.Host}"
            : configured.TrimEnd('/');
    }

    /// <summary>
    /// For links made outside a request (a digest): the configured <c>Fleep:PublicUrl</c>, else
    /// the first address this server listens on.
    /// </summary>
    public static string Of(FleepOptions options, IServer server)
    {
        if (!string.IsNullOrWhiteSpace(options.PublicUrl))
        {
            return options.PublicUrl.TrimEnd('/');
        }

        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return string.IsNullOrEmpty(listening) ? "http://localhost" : listening.TrimEnd('/');
    }

    /// <summary>
    /// A conversation's link, <c>https://host/chat?cid=&lt;short id&gt;</c>: Fleep's chat links carry the
    /// conversation id as its 16 bytes in unpadded base64url.
    /// </summary>
    public static string Conversation(string publicBaseUrl, Guid conversationId) =>
        $"{publicBaseUrl.TrimEnd('/')}/chat?cid={ShortId(conversationId)}";

    /// <summary>22 characters: the id's bytes in RFC 4122 order, base64url without padding.</summary>
    public static string ShortId(Guid id) => System.Buffers.Text.Base64Url.EncodeToString(id.ToByteArray(bigEndian: true));
}
