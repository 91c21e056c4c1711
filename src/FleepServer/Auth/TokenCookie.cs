namespace FleepServer.Auth;

/// <summary>
/// Reads and writes the <c>token_id</c> cookie exactly as real clients need it:
/// the login response's first <c>Set-Cookie</c> starts with <c>token_id=</c>, 36 characters of
/// token and a <c>;</c>. Reading tolerates a <c>Cookie</c> header that replays the whole
/// Set-Cookie line (<c>token_id=…; Path=/; HttpOnly</c>), as the Java echo bot sends it.
/// </summary>
public static class TokenCookie
{
    public const string Name = "token_id";

    public static void Write(HttpContext context, string token, TimeSpan? maxAge)
    {
        var value = $"{Name}={token}; Path=/; HttpOnly";
        if (context.Request.IsHttps)
        {
            value += "; Secure";
        }

        if (maxAge is { } age)
        {
            value += $"; Max-Age={(long)age.TotalSeconds}";
        }

        // Set first and alone: nothing else in the pipeline sets cookies before a handler writes.
        context.Response.Headers.SetCookie = value;
    }

    public static string? Read(HttpRequest request)
    {
        foreach (var header in request.Headers.Cookie)
        {
            if (header is null)
            {
                continue;
            }

            foreach (var part in header.Split(';'))
            {
                var pair = part.AsSpan().Trim();
                if (pair.StartsWith(Name + "=", StringComparison.Ordinal))
                {
                    return pair[(Name.Length + 1)..].Trim().Trim('"').ToString();
                }
            }
        }

        return null;
    }
}
