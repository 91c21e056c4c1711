using System.ComponentModel.DataAnnotations;
using FleepServer.Errors;
using FleepServer.Http;

namespace FleepServer.Api.Wire;

// Request bodies of api/contact/* and api/account/lookup (peripheral spec §2), also the params of
// the contact events of api/event/store (seed 001, peripheral spec §2.10): where the HTTP call
// and the event name a field differently, the record takes both spellings. Texts are limited to
// the catalogue's max_len (1024) by default.

/// <summary>
/// One account: <c>contact/sync</c> and <c>contact/unlist</c> send <c>contact_id</c>, the events
/// <c>contact:get</c> and friends send <c>account_id</c>.
/// </summary>
public sealed record ContactIdRequest(Guid? ContactId, Guid? AccountId) : IFleepRequest<ContactIdRequest>
{
    public Guid RequireId() => ContactId ?? AccountId ?? throw FleepErrors.MissingField("contact_id");
}

/// <summary>
/// A list of accounts: <c>contact/sync/list</c> and <c>contact/sync/activity</c> send
/// <c>contacts</c>, <c>contact:sync_activity</c> sends <c>account_ids</c>.
/// </summary>
public sealed record ContactListRequest(List<Guid>? Contacts, List<Guid>? AccountIds) : IFleepRequest<ContactListRequest>
{
    public List<Guid> RequireIds() => Contacts ?? AccountIds ?? throw FleepErrors.MissingField("contacts");
}

/// <summary><c>contact/sync/all</c>: the caller's whole list minus <c>ignore</c>, filtered by <c>search_str</c>.</summary>
public sealed record SyncAllContactsRequest(List<Guid>? Ignore, string? SearchStr) : IFleepRequest<SyncAllContactsRequest>;

/// <summary>The <c>contact:sync</c> event: the list by sort rank, in pages after <c>sync_cursor</c>.</summary>
public sealed record ContactSyncPageRequest(ContactSyncCursor? SyncCursor, long? Limit) : IFleepRequest<ContactSyncPageRequest>;

/// <summary>Where a <c>contact:sync</c> page ends: the last contact's rank and id.</summary>
public sealed record ContactSyncCursor(Guid? AccountId, long? SortRank) : IFleepRequestPart;

/// <summary><c>contact/describe</c>: the caller's private name and phone for a contact; null = unchanged, <c>""</c> clears.</summary>
public sealed record DescribeContactRequest(
    [property: Required] Guid? ContactId,
    string? ContactName,
    string? PhoneNr) : IFleepRequest<DescribeContactRequest>;

/// <summary>The <c>contact:set_name</c> event: the caller's private name for a contact (<c>""</c> clears).</summary>
public sealed record SetContactNameRequest([property: Required] Guid? AccountId, string? Name) : IFleepRequest<SetContactNameRequest>;

/// <summary>The <c>contact:set_phone</c> event: the caller's private phone number for a contact (<c>""</c> clears).</summary>
public sealed record SetContactPhoneRequest([property: Required] Guid? AccountId, string? PhoneNr) : IFleepRequest<SetContactPhoneRequest>;

/// <summary>
/// <c>contact/hide {contacts}</c>, <c>contact:hide {account_id}</c> and
/// <c>contact:hide_contacts {account_ids}</c>.
/// </summary>
public sealed record HideContactsRequest(List<Guid>? Contacts, List<Guid>? AccountIds, Guid? AccountId) : IFleepRequest<HideContactsRequest>
{
    public List<Guid> RequireIds() =>
        Contacts ?? AccountIds ?? (AccountId is { } id ? [id] : throw FleepErrors.MissingField("contacts"));
}

/// <summary><c>contact/import {contact_list}</c> and <c>contact:import {contacts}</c>.</summary>
public sealed record ImportContactsRequest(List<ContactImport>? ContactList, List<ContactImport>? Contacts) : IFleepRequest<ImportContactsRequest>
{
    public List<ContactImport> RequireList() => ContactList ?? Contacts ?? throw FleepErrors.MissingField("contact_list");
}

/// <summary>
/// One imported contact: <c>addr_full</c>, <c>addr_descr?</c>, <c>phone_nr?</c> over HTTP;
/// <c>email</c>, <c>name?</c>, <c>phone_nr?</c> in events.
/// </summary>
public sealed record ContactImport(string? AddrFull, string? AddrDescr, string? PhoneNr, string? Email, string? Name) : IFleepRequestPart
{
    public string? Address => AddrFull ?? Email;
    public string? Description => AddrDescr ?? Name;
}

/// <summary>The <c>contact:add</c> event: one contact by address, with an optional private name and phone.</summary>
public sealed record AddContactRequest([property: Required] string? Email, string? Name, string? PhoneNr) : IFleepRequest<AddContactRequest>;

/// <summary><c>contact:get_dialog</c> (also served as <c>api/contact/get_dialog</c>): the one-to-one conversation with an account.</summary>
public sealed record GetDialogRequest(Guid? AccountId, Guid? ContactId, string? MkConvType) : IFleepRequest<GetDialogRequest>
{
    public Guid RequireId() => AccountId ?? ContactId ?? throw FleepErrors.MissingField("account_id");
}

/// <summary><c>account/lookup</c>: e-mail addresses or fleep addresses to find, ids the client already has.</summary>
public sealed record LookupRequest([property: Required] List<string>? LookupList, List<Guid>? IgnoreList) : IFleepRequest<LookupRequest>;

/// <summary>The <c>contact:lookup_by_email</c> event.</summary>
public sealed record LookupByEmailRequest([property: Required] string? Email) : IFleepRequest<LookupByEmailRequest>;
