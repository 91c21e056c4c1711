using System.Security.Claims;
using System.Text.Encodings.Web;
using FleepServer.Data;
using FleepServer.Errors;
using FleepServer.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Auth;

/// <summary>
/// Authenticates an API call by its <c>token_id</c> cookie AND the <c>ticket</c> of that same
/// session (from the JSON body; the query string for uploads and for <see cref="TicketInQueryAttribute"/>
/// GETs). Either missing or wrong, a
/// revoked or idle-expired session, or a closed account: 401 with Fleep's error body, which every
/// client treats as "log in again". A session this process checked recently comes
/// from the <see cref="SessionCache"/> without a database command; anything the cached copy would
/// refuse other than a wrong ticket is decided by the database row instead, so the cache can only
/// let a session live as long as its drop takes to arrive, never refuse a live one.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    FleepDbContext db,
    SessionCache cache,
    TimeProvider time,
    IOptions<FleepOptions> fleepOptions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "FleepSession";

    // Writing last_seen and activity_time on every call would put a write on the poll path; once a minute is enough.
    private static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = TokenCookie.Read(Request);
        // JSON calls carry the ticket in the body; only uploads (a POST without a JSON body) and the
        // GET endpoints marked for it may put it in the query.
        var body = RequestBody.Of(Context);
        var metadata = Context.GetEndpoint()?.Metadata;
        var ticket = body is not null ? body.GetString("ticket")
            : HttpMethods.IsPost(Request.Method) || HttpMethods.IsPut(Request.Method) || metadata?.GetMetadata<TicketInQueryAttribute>() is not null
                ? Request.Query["ticket"].FirstOrDefault()
                : null;
        // Downloads are fetched with the cookie alone (browsers' <img>, the mobile libraries); they only read.
        var cookieOnly = string.IsNullOrEmpty(ticket) && metadata?.GetMetadata<SessionCookieOnlyAttribute>() is not null
            && (HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method));
        if (!SessionSecrets.IsWellFormedToken(token) || (string.IsNullOrEmpty(ticket) && !cookieOnly))
        {
            return AuthenticateResult.NoResult();
        }

        bool TicketMatches(CachedSession s) => cookieOnly || SessionSecrets.Matches(ticket!, s.TicketHash);

        var tokenHash = SessionSecrets.Hash(token!);
        var now = time.GetUtcNow();
        var cached = cache.Find(tokenHash);
        var session = cached is not null && IsLive(cached, now) ? cached : null;
        if (session is null)
        {
            var epoch = cache.Epoch;
            session = await LoadAsync(tokenHash);
            if (session is not null && TicketMatches(session) && IsLive(session, now))
            {
                cache.Store(tokenHash, session, epoch);
                cached = session;
            }
        }

        if (session is null || !TicketMatches(session) || !IsLive(session, now))
        {
            return AuthenticateResult.Fail("No live session for this token and ticket.");
        }

        // Every call is activity: the session's last use and the account's activity_time (lastseen)
        // move together, in one command, at most once a minute.
        if (now - session.LastSeenTime > LastSeenResolution || session.ActivityTime is not { } active || now - active > LastSeenResolution)
        {
            // The account row first, then the session's: the lock order of every writer (docs/writes.md),
            // which a password change (account, then its sessions) follows too.
            await db.Database.ExecuteSqlAsync($"""
                WITH active AS (UPDATE accounts SET activity_time = {now} WHERE account_id = {session.AccountId} RETURNING account_id)
                UPDATE sessions SET last_seen_time = {now} WHERE session_id = {session.Id} AND EXISTS (SELECT FROM active)
                """, Context.RequestAborted);
            cache.Update(tokenHash, cached!, session with { LastSeenTime = now, ActivityTime = now });
        }

        var current = new CurrentSession(session.AccountId, session.Id);
        Context.Features.Set(current);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, session.AccountId.ToString()), new Claim("session_id", session.Id.ToString())],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>The session row, unrevoked, joined with its account's status; the one query of a cache miss.</summary>
    private Task<CachedSession?> LoadAsync(byte[] tokenHash) =>
        db.Sessions.AsNoTracking()
            .Where(s => s.TokenHash == tokenHash && s.RevokedTime == null)
            .Join(db.Accounts, s => s.AccountId, a => a.Id,
                (s, a) => new CachedSession(s.Id, s.AccountId, s.TicketHash, s.RememberMe, s.LastSeenTime, a.Status, a.ActivityTime))
            .FirstOrDefaultAsync(Context.RequestAborted);

    /// <summary>The account may use the API and the session has not been idle past its lifetime.</summary>
    private bool IsLive(CachedSession session, DateTimeOffset now)
    {
        var login = fleepOptions.Value.Login;
        return session.Status is not (AccountStatus.Closed or AccountStatus.Banned)
            && now - session.LastSeenTime <= (session.RememberMe ? login.RememberedSessionLifetime : login.SessionLifetime);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        FleepExceptionHandler.WriteAsync(Context, FleepErrors.NotAuthenticated());

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        FleepExceptionHandler.WriteAsync(Context, new FleepException(StatusCodes.Status403Forbidden, "forbidden", "Not allowed."));
}
