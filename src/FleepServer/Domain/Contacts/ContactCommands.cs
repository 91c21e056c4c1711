using System.ComponentModel.DataAnnotations;
using FleepServer.Errors;
using FleepServer.Http;

namespace FleepServer.Domain.Contacts;

// The commands of the contact actions, bound as they are from api/contact/* and api/account/lookup
// and built by the contact events: where the HTTP call and the event name a field differently, the
// command takes both spellings. Texts are limited to the max_len (1024) of Fleep's published event
// catalogue by default.

/// <summary>
/// One account: <c>contact/sync</c> and <c>contact/unlist</c> send <c>contact_id</c>, the events
/// <c>contact:get</c> and friends send <c>account_id</c>.
/// </summary>
public sealed record ContactRef : IFleepRequest<ContactRef>
{
    public Guid? ContactId { get; init; }
    public Guid? AccountId { get; init; }

    public Guid RequireId() => ContactId ?? AccountId ?? throw FleepErrors.MissingField("contact_id");
}

/// <summary>
/// A list of accounts: <c>contact/sync/list</c> and <c>contact/sync/activity</c> send
/// <c>contacts</c>, <c>contact:sync_activity</c> sends <c>account_ids</c>.
/// </summary>
public sealed record ContactRefs : IFleepRequest<ContactRefs>
{
    public List<Guid>? Contacts { get; init; }
    public List<Guid>? AccountIds { get; init; }

    public List<Guid> RequireIds() => Contacts ?? AccountIds ?? throw FleepErrors.MissingField("contacts");
}

/// <summary><c>contact/sync/all</c>: the caller's whole list minus <c>ignore</c>, filtered by <c>search_str</c>.</summary>
public sealed record SyncAllContacts : IFleepRequest<SyncAllContacts>
{
    public List<Guid>? Ignore { get; init; }
    public string? SearchStr { get; init; }
}

/// <summary>The <c>contact:sync</c> event: the list by sort rank, in pages after <c>sync_cursor</c>.</summary>
public sealed record SyncContactPage : IFleepRequest<SyncContactPage>
{
    public ContactSyncCursor? SyncCursor { get; init; }
    public long? Limit { get; init; }
}

/// <summary>Where a <c>contact:sync</c> page ends: the last contact's rank and id.</summary>
public sealed record ContactSyncCursor : IFleepRequestPart
{
    public Guid? AccountId { get; init; }
    public long? SortRank { get; init; }
}

/// <summary><c>contact/describe</c>: the caller's private name and phone for a contact; null = unchanged, <c>""</c> clears.</summary>
public sealed record DescribeContact : IFleepRequest<DescribeContact>
{
    [Required] public Guid? ContactId { get; init; }
    public string? ContactName { get; init; }
    public string? PhoneNr { get; init; }
}

/// <summary>The <c>contact:set_name</c> event: the caller's private name for a contact (<c>""</c> clears).</summary>
public sealed record SetContactName : IFleepRequest<SetContactName>
{
    [Required] public Guid? AccountId { get; init; }
    public string? Name { get; init; }
}

/// <summary>The <c>contact:set_phone</c> event: the caller's private phone number for a contact (<c>""</c> clears).</summary>
public sealed record SetContactPhone : IFleepRequest<SetContactPhone>
{
    [Required] public Guid? AccountId { get; init; }
    public string? PhoneNr { get; init; }
}

/// <summary>
/// <c>contact/hide {contacts}</c>, <c>contact:hide {account_id}</c> and
/// <c>contact:hide_contacts {account_ids}</c>.
/// </summary>
public sealed record HideContacts : IFleepRequest<HideContacts>
{
    public List<Guid>? Contacts { get; init; }
    public List<Guid>? AccountIds { get; init; }
    public Guid? AccountId { get; init; }

    public List<Guid> RequireIds() =>
        Contacts ?? AccountIds ?? (AccountId is { } id ? [id] : throw FleepErrors.MissingField("contacts"));
}

/// <summary><c>contact/import {contact_list}</c> and <c>contact:import {contacts}</c>.</summary>
public sealed record ImportContacts : IFleepRequest<ImportContacts>
{
    public List<ContactImport>? ContactList { get; init; }
    public List<ContactImport>? Contacts { get; init; }

    public List<ContactImport> RequireList() => ContactList ?? Contacts ?? throw FleepErrors.MissingField("contact_list");
}

/// <summary>
/// One imported contact: <c>addr_full</c>, <c>addr_descr?</c>, <c>phone_nr?</c> over HTTP;
/// <c>email</c>, <c>name?</c>, <c>phone_nr?</c> in events.
/// </summary>
public sealed record ContactImport : IFleepRequestPart
{
    public string? AddrFull { get; init; }
    public string? AddrDescr { get; init; }
    public string? PhoneNr { get; init; }
    public string? Email { get; init; }
    public string? Name { get; init; }

    public string? Address => AddrFull ?? Email;
    public string? Description => AddrDescr ?? Name;
}

/// <summary>The <c>contact:add</c> event: one contact by address, with an optional private name and phone.</summary>
public sealed record AddContact : IFleepRequest<AddContact>
{
    [Required] public string? Email { get; init; }
    public string? Name { get; init; }
    public string? PhoneNr { get; init; }
}

/// <summary><c>contact:get_dialog</c> (also served as <c>api/contact/get_dialog</c>): the one-to-one conversation with an account.</summary>
public sealed record GetDialog : IFleepRequest<GetDialog>
{
    public Guid? AccountId { get; init; }
    public Guid? ContactId { get; init; }
    public string? MkConvType { get; init; }

    public Guid RequireId() => AccountId ?? ContactId ?? throw FleepErrors.MissingField("account_id");
}

/// <summary><c>account/lookup</c>: e-mail addresses or fleep addresses to find, ids the client already has.</summary>
public sealed record LookupContacts : IFleepRequest<LookupContacts>
{
    [Required] public List<string>? LookupList { get; init; }
    public List<Guid>? IgnoreList { get; init; }
}

/// <summary>The <c>contact:lookup_by_email</c> event.</summary>
public sealed record LookupByEmail : IFleepRequest<LookupByEmail>
{
    [Required] public string? Email { get; init; }
}
