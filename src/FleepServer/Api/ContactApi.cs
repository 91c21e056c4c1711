using FleepServer.Api.Wire;
using FleepServer.Auth;
using FleepServer.Domain.Contacts;
using FleepServer.Domain.Conversations;
using FleepServer.Records;

namespace FleepServer.Api;

/// <summary>
/// api/contact/*: the caller's contact list, private names and phones, hiding, importing, last
/// seen times and dialogs (docs/contacts.md). Every handler calls one <see cref="ContactActions"/>
/// method, the same ones the contact events of api/event/store use.
/// </summary>
public static class ContactApi
{
    public static IEndpointRouteBuilder MapContactApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/contact");

        api.MapPost("/sync", Sync);
        api.MapPost("/sync/list", SyncList);
        api.MapPost("/sync/all", SyncAll);
        api.MapPost("/sync/activity", SyncActivity);
        api.MapPost("/describe", Describe);
        api.MapPost("/hide", Hide);
        api.MapPost("/import", Import);
        api.MapPost("/unlist", Unlist);
        api.MapPost("/get_dialog", GetDialog);
        return app;
    }

    /// <summary>
    /// POST api/contact/sync {contact_id} → the ContactInfo itself at top level, no wrapper:
    /// the caller's view of that account, or the caller's own contact with its owner fields.
    /// Unknown id: 430 not_found.
    /// </summary>
    internal static Task<ContactRecord> Sync(ContactRef request, CurrentSession me, ContactActions contacts, CancellationToken ct) =>
        contacts.GetAsync(me.AccountId, request, ct);

    /// <summary>POST api/contact/sync/list {contacts: [id]} → {contacts: [ContactInfo]} in the order asked, unknown ids left out.</summary>
    internal static async Task<ContactsResponse> SyncList(ContactRefs request, CurrentSession me, ContactActions contacts, CancellationToken ct) =>
        new(await contacts.SyncListAsync(me.AccountId, request, ct));

    /// <summary>
    /// POST api/contact/sync/all {ignore?, search_str?} → {contacts: [ContactInfo]}: the caller's
    /// whole contact list minus <c>ignore</c>, filtered by <c>search_str</c>.
    /// </summary>
    internal static async Task<ContactsResponse> SyncAll(SyncAllContacts request, CurrentSession me, ContactActions contacts, CancellationToken ct) =>
        new(await contacts.SyncAllAsync(me.AccountId, request, ct));

    /// <summary>POST api/contact/sync/activity {contacts: [id]} → {stream: [lastseen]}; accounts never active are left out.</summary>
    internal static async Task<StreamResponse<LastSeenRecord>> SyncActivity(ContactRefs request, CurrentSession me, ContactActions contacts,
        CancellationToken ct) =>
        new(await contacts.SyncActivityAsync(me.AccountId, request, ct));

    /// <summary>
    /// POST api/contact/describe {contact_id, contact_name?, phone_nr?} → {stream: [ContactInfo]}:
    /// the caller's private name and phone for a contact; the caller's copy shows the name in
    /// <c>display_name</c> and <c>contact_name</c>, <c>full_name</c> stays real.
    /// </summary>
    internal static async Task<StreamResponse<ContactRecord>> Describe(DescribeContact request, CurrentSession me, ContactActions contacts,
        CancellationToken ct) =>
        new([await contacts.DescribeAsync(me.AccountId, request, ct)]);

    /// <summary>POST api/contact/hide {contacts: [id]} → {contacts: [ids actually hidden]}.</summary>
    internal static async Task<HiddenContactsResponse> Hide(HideContacts request, CurrentSession me, ContactActions contacts, CancellationToken ct) =>
        new(await contacts.HideAsync(me.AccountId, request, ct));

    /// <summary>
    /// POST api/contact/import {contact_list: [{addr_full, addr_descr?, phone_nr?}]} → {stream:
    /// [ContactInfo]}; unknown addresses become placeholder accounts with status "new".
    /// </summary>
    internal static async Task<StreamResponse<ContactRecord>> Import(ImportContacts request, CurrentSession me, ContactActions contacts,
        CancellationToken ct) =>
        new(await contacts.ImportAsync(me.AccountId, request, ct));

    /// <summary>POST api/contact/unlist {contact_id} → {stream: [ContactInfo]}: out of the dialog suggestions (the answer is ours).</summary>
    internal static async Task<StreamResponse<ContactRecord>> Unlist(ContactRef request, CurrentSession me, ContactActions contacts,
        CancellationToken ct) =>
        new([await contacts.UnlistAsync(me.AccountId, request, ct)]);

    /// <summary>
    /// POST api/contact/get_dialog {account_id, mk_conv_type?} → the conversation-sync answer of the
    /// dialog (ic_full header + stream). The HTTP form of the <c>contact:get_dialog</c> event, which
    /// Fleep served only through api/event/store.
    /// </summary>
    internal static async Task<ConvSyncResponse> GetDialog(GetDialog request, CurrentSession me, ContactActions contacts,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await contacts.GetDialogAsync(me.AccountId, request, ct), context);
}
