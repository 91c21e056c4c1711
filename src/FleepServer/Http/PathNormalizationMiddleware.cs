namespace FleepServer.Http;

/// <summary>
/// Real callers send <c>//api/account/configure_android</c> and <c>api/event/store/</c>: collapse
/// repeated slashes and drop one trailing slash before routing.
/// </summary>
public sealed class PathNormalizationMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path is { Length: > 1 } && (path.Contains("//", StringComparison.Ordinal) || path.EndsWith('/')))
        {
            while (path.Contains("//", StringComparison.Ordinal))
            {
                path = path.Replace("//", "/", StringComparison.Ordinal);
            }

            if (path.Length > 1 && path.EndsWith('/'))
            {
                path = path[..^1];
            }

            context.Request.Path = new PathString(path);
        }

        return next(context);
    }
}
