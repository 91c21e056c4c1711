using FleepServer.Errors;
using Microsoft.Extensions.FileProviders;

namespace FleepServer.Hosting;

/// <summary>
/// The web client (docs/web-client.md): its page at <c>/</c> and at its own routes
/// (<see cref="Routes"/>), its scripts and styles under <c>/assets/</c>, all from the <c>wwwroot</c>
/// folder beside the server's assembly, where the build puts them. Every response carries
/// <see cref="ContentSecurityPolicy"/>. Nothing else changes: every other path answers as before
/// (an unknown GET is still Fleep's 405, an unknown POST its 404).
/// </summary>
public static class WebClientEndpoints
{
    /// <summary>
    /// Scripts, styles, images and connections from this server only; no inline script or style,
    /// no eval, no plugins, no framing, no base URL or form target elsewhere.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The mailed links' pages (MailTemplates): address confirmation, registration (invitations and
    /// register/v2), password reset, alias confirmation, digest unsubscribe and digest interval.
    /// </summary>
    public static readonly string[] LinkRoutes =
        ["/confirm", "/register", "/reset_password", "/alias/confirm", "/unsubscribe", "/email_interval"];

    /// <summary>
    /// The join links people share: a conversation's and a team's <c>autojoin_url</c>
    /// (ConvRecords, TeamRecord), their key in the path.
    /// </summary>
    public static readonly string[] JoinRoutes = ["/chat/{key}", "/team/{key}"];

    /// <summary>
    /// The client's own addresses, each answered with its page: the start, one conversation, the
    /// pages of the links the server mails (docs/mail.md; their ids ride in the query string) and
    /// the join links.
    /// </summary>
    public static readonly string[] Routes = ["/", "/c/{conversation_id:guid}", .. LinkRoutes, .. JoinRoutes];

    public const string AssetsPath = "/assets";

    /// <summary>Where the built client is: <c>wwwroot</c> beside the server's assembly.</summary>
    public static string Root => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    /// <summary>Serves <c>/assets/*</c> (only files that exist; any other request passes on).</summary>
    public static void UseWebClientAssets(this WebApplication app)
    {
        var assets = Path.Combine(Root, "assets");
        if (!Directory.Exists(assets))
        {
            app.Logger.LogWarning("The web client is not built ({Folder} is missing): / does not serve it", assets);
            return;
        }

        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(assets),
            RequestPath = AssetsPath,
            ServeUnknownFileTypes = false,
            OnPrepareResponse = context => AddHeaders(context.Context.Response),
        });
    }

    /// <summary>Maps <see cref="Routes"/> to the client's page (GET and HEAD, no session needed).</summary>
    public static void MapWebClient(this WebApplication app)
    {
        var page = Path.Combine(Root, "index.html");
        foreach (var route in Routes)
        {
            app.MapMethods(route, [HttpMethods.Get, HttpMethods.Head], (HttpContext context) => Page(context, page))
                .AllowAnonymous()
                .ExcludeFromDescription();
        }
    }

    private static IResult Page(HttpContext context, string page)
    {
        if (!File.Exists(page))
        {
            throw FleepErrors.UnknownMethod();
        }

        AddHeaders(context.Response);
        return TypedResults.PhysicalFile(page, "text/html; charset=utf-8");
    }

    private static void AddHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // Always asked again (a new build is picked up at once); unchanged files answer 304.
        headers.CacheControl = "no-cache";
    }
}
