using FleepServer.Records;

namespace FleepServer.Api.Wire;

/// <summary><c>contact/sync/list</c> and <c>contact/sync/all</c>: <c>{"contacts": [ContactInfo, …]}</c>.</summary>
public sealed record ContactsResponse(IReadOnlyList<ContactRecord> Contacts);

/// <summary>Answers that are a record stream: <c>{"stream": [...]}</c> (import, describe, unlist, sync/activity, account/lookup).</summary>
public sealed record StreamResponse<T>(IReadOnlyList<T> Stream);

/// <summary><c>contact/hide</c>: the ids actually hidden.</summary>
public sealed record HiddenContactsResponse(IReadOnlyList<Guid> Contacts);
