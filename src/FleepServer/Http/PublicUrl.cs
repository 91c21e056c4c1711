namespace FleepServer.Http;

/// <summary>The server's address as clients reach it, for links inside records (autojoin_url).</summary>
public static class PublicUrl
{
    /// <summary>Scheme and host of the request (behind a trusted proxy: its X-Forwarded-Proto).</summary>
    public static string Of(HttpContext? context) =>
        context is null ? "http://localhost" : $"{context.Request.Scheme}://{context.Request.Host}";
}
