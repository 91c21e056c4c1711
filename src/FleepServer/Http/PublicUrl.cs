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
}
