using System.ComponentModel.DataAnnotations;
using FleepServer.Http;

namespace FleepServer.Api.Wire;

/// <summary><c>_test/account</c>: an account made at once, active, whatever the registration mode and rate limits.</summary>
public sealed record TestAccountRequest(
    [property: Required] string? Email,
    [property: MaxLength(128)] string? Password,
    [property: MaxLength(128)] string? DisplayName) : IFleepRequest<TestAccountRequest>;

public sealed record TestAccountResponse(Guid AccountId, string Email, string Password, string DisplayName);

/// <summary><c>_test/clock/advance</c>: how far to move the server's clock forward.</summary>
public sealed record AdvanceClockRequest([property: Required] double? Seconds) : IFleepRequest<AdvanceClockRequest>;

/// <summary>The server's "now" (Unix seconds, as Fleep's time fields) and how far it is ahead of real time.</summary>
public sealed record ClockResponse(double Now, double OffsetSeconds);

public sealed record OutgoingCallsResponse(IReadOnlyList<OutgoingCallRecord> Calls);

/// <summary>One outgoing-webhook call: where it went, the JSON it carried, the receiver's status or the failure.</summary>
public sealed record OutgoingCallRecord(string Url, string Body, int? StatusCode, string? Error, double Time);

public sealed record TestMailsResponse(IReadOnlyList<TestMailRecord> Mails);

/// <summary>One mail of <c>_test/mails</c>: <c>purpose</c> is what it is for, <c>state</c> sent, queued or retrying.</summary>
public sealed record TestMailRecord(long MailId, string To, string Subject, string Text, string Html, string Purpose, string State,
    double CreatedTime, string? LastError);

/// <summary><c>_test/digests</c>: how many digests the sweep queued.</summary>
public sealed record DigestSweepResponse(int Queued);
