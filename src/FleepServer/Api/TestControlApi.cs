using FleepServer.Api.Wire;
using FleepServer.Data;
using FleepServer.Domain.Accounts;
using FleepServer.Domain.Mail;
using FleepServer.Errors;
using FleepServer.TestControl;

namespace FleepServer.Api;

/// <summary>
/// <c>/_test/*</c>: controls for tests that use the server as a stand-in. Mapped only in test mode
/// (<c>--ephemeral</c> and the FleepServer.Testing stand-in); on any other server these routes do
/// not exist. No session is needed: whoever can reach a test server owns it. Bodies are JSON like
/// the API's; errors are Fleep errors.
/// </summary>
public static class TestControlApi
{
    public const string Prefix = "/_test";

    public static IEndpointRouteBuilder MapTestControlApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix).AllowAnonymous();

        api.MapPost("/reset", Reset);
        api.MapPost("/account", CreateAccount);
        api.MapPost("/outgoing", Outgoing);
        api.MapPost("/clock", Clock);
        api.MapPost("/clock/advance", AdvanceClock);
        api.MapPost("/mails", Mails);
        api.MapPost("/digests", Digests);
        return app;
    }

    /// <summary>POST _test/reset → {}: every account, conversation, message, session and hook is gone; the clock is back to real time.</summary>
    internal static async Task<EmptyResponse> Reset(DataReset reset, CancellationToken ct)
    {
        await reset.ResetAsync(ct);
        return new EmptyResponse();
    }

    /// <summary>
    /// POST _test/account {email, password?, display_name?} → {account_id, email, password,
    /// display_name}: an active account, made even when registration is closed and never rate-limited.
    /// The password defaults to <see cref="DefaultPassword"/>. Log in with <c>api/account/login</c> as usual.
    /// </summary>
    internal static async Task<TestAccountResponse> CreateAccount(TestAccountRequest request, AccountRegistration registration, CancellationToken ct)
    {
        var password = request.Password ?? DefaultPassword;
        var account = await registration.CreateAsync(request.Email, password, request.DisplayName, ct);
        return new TestAccountResponse(account.Id, account.Email, password, account.DisplayName);
    }

    /// <summary>The password of an account made by <c>_test/account</c> without one.</summary>
    public const string DefaultPassword = "fleep-test-password";

    /// <summary>POST _test/outgoing → {calls: [{url, body, status_code, error, time}]}: the outgoing-webhook calls made so far, oldest first.</summary>
    internal static OutgoingCallsResponse Outgoing(OutgoingCalls calls) =>
        new(calls.All().Select(c => new OutgoingCallRecord(c.Url, c.Body, c.StatusCode, c.Error, UnixSeconds(c.Time))).ToList());

    /// <summary>
    /// POST _test/mails → {mails: [{mail_id, to, subject, text, html, purpose, state, created_time,
    /// last_error}]}: every mail queued so far, oldest first: sent ones and those still in the
    /// outbox (state <c>queued</c> or <c>retrying</c>).
    /// </summary>
    internal static async Task<TestMailsResponse> Mails(SentMails mails, FleepDbContext db, CancellationToken ct) =>
        new((await mails.AllWithQueuedAsync(db, ct)).Select(m => new TestMailRecord(m.MailId, m.To, m.Subject, m.Text, m.Html, m.Purpose,
            m.State, UnixSeconds(m.CreatedTime), m.LastError)).ToList());

    /// <summary>
    /// POST _test/digests → {queued}: runs the digest sweep now (docs/mail.md, "Digest") instead of
    /// at its next interval, e.g. right after <c>_test/clock/advance</c>; answers once every digest
    /// due is queued.
    /// </summary>
    internal static async Task<DigestSweepResponse> Digests(MailDigests digests, CancellationToken ct) => new(await digests.SweepAsync(ct));

    /// <summary>POST _test/clock → {now, offset_seconds}: the server's time.</summary>
    internal static ClockResponse Clock(TestClock clock) => new(UnixSeconds(clock.GetUtcNow()), clock.Offset.TotalSeconds);

    /// <summary>POST _test/clock/advance {seconds} → {now, offset_seconds}: moves the server's clock forward (never back).</summary>
    internal static ClockResponse AdvanceClock(AdvanceClockRequest request, TestClock clock)
    {
        if (request.Seconds is not (>= 0 and <= 10 * 365 * 86400.0))
        {
            throw FleepErrors.InvalidField("seconds", "must be between 0 and ten years");
        }

        clock.Advance(TimeSpan.FromSeconds(request.Seconds.Value));
        return Clock(clock);
    }

    private static double UnixSeconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;
}
