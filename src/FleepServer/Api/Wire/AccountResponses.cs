using FleepServer.Records;
using FleepServer.Streams;

namespace FleepServer.Api.Wire;

/// <summary>Login answer; the token travels in the <c>token_id</c> cookie.</summary>
public sealed record LoginResponse(
    Guid AccountId,
    string DisplayName,
    string Ticket,
    IReadOnlyList<ContactRecord> Profiles,
    string Email,
    string MkAccountStatus);

public sealed record RegisterResponse(Guid AccountId, string DisplayName, string MkAccountStatus);

/// <summary>Answer of the calls that change the caller's own account: its contact record.</summary>
public sealed record ProfileResponse(IReadOnlyList<ContactRecord> Stream, IReadOnlyList<ContactRecord> Profiles)
{
    public static ProfileResponse Of(ContactRecord own) => new([own], [own]);
}

/// <summary>The empty object Fleep answers when a call has nothing to return.</summary>
public sealed record EmptyResponse
{
    public static readonly EmptyResponse Instance = new();
}

/// <summary>
/// <c>account/sync</c>: the documented account keys, the horizon to poll from, and
/// the account's current state as records in <c>stream</c> (the same snapshot a poll from 0 gets).
/// </summary>
public sealed record SyncResponse(
    Guid AccountId,
    string Email,
    string DisplayName,
    string MkAccountStatus,
    bool IsInOrg,
    bool IsOrgAdmin,
    long EventHorizon,
    IReadOnlyList<ContactRecord> Profiles,
    IReadOnlyList<object> Stream);

/// <summary>An answer that is only records: <c>{"stream": [...]}</c>.</summary>
public sealed record RecordsResponse(IReadOnlyList<object> Stream);

/// <summary><c>account/listen</c>: the stream's head, unread conversations and the new messages of others.</summary>
public sealed record ListenResponse(long EventHorizon, long ConvCount, IReadOnlyList<ListenMessage> Messages);

/// <summary>Answer of <c>api/account/prepare/v2</c>: the id confirm/v2 takes.</summary>
public sealed record PrepareV2Response(string NotificationId);
