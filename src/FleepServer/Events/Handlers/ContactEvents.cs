using FleepServer.Domain.Contacts;
using FleepServer.Http;
using FleepServer.Records;

namespace FleepServer.Events.Handlers;

/// <summary>
/// The <c>urn:fleep:client:contact:*</c> events (docs/compatibility.md, "Contact events"), each the
/// <see cref="ContactActions"/> operation of its contact call. They answer the contact records as
/// the caller sees them, with <c>identifier.account_id</c> naming the contact (the caller's own
/// account for list-wide events); <c>get_dialog</c> also names the dialog's <c>conversation_id</c>.
/// </summary>
public static class ContactEvents
{
    public static void Register(EventHandlers events)
    {
        events
            .On("contact:get", async (c, p, ct) =>
                One(await Contacts(c).GetAsync(c.AccountId, Valid(new ContactRef { AccountId = p.RequiredUuid("account_id") }), ct)))
            .On("contact:add", async (c, p, ct) =>
                One(await Contacts(c).AddAsync(c.AccountId, Valid(new AddContact { Email = p.RequiredText("email"), Name = p.Text("name"), PhoneNr = p.Text("phone_nr") }), ct)))
            .On("contact:lookup_by_email", async (c, p, ct) =>
                One(await Contacts(c).LookupByEmailAsync(c.AccountId, Valid(new LookupByEmail { Email = p.RequiredText("email") }), ct)))
            .On("contact:set_name", async (c, p, ct) =>
                One(await Contacts(c).SetNameAsync(c.AccountId, Valid(new SetContactName { AccountId = p.RequiredUuid("account_id"), Name = p.RequiredText("name") }), ct)))
            .On("contact:set_phone", async (c, p, ct) =>
                One(await Contacts(c).SetPhoneAsync(c.AccountId,
                    Valid(new SetContactPhone { AccountId = p.RequiredUuid("account_id"), PhoneNr = p.RequiredText("phone_nr") }), ct)))
            .On("contact:hide", (c, p, ct) => Hide(c, new HideContacts { AccountId = p.RequiredUuid("account_id") }, ct))
            .On("contact:hide_contacts", (c, p, ct) => Hide(c, new HideContacts { AccountIds = p.Uuids("account_ids") }, ct))
            .On("contact:import", Import)
            .On("contact:sync", Sync)
            .On("contact:sync_activity", async (c, p, ct) =>
                EventOutcome.ForAccount(c.AccountId,
                    await Contacts(c).SyncActivityAsync(c.AccountId, Valid(new ContactRefs { AccountIds = p.Uuids("account_ids") }), ct)))
            .On("contact:get_dialog", GetDialog);
    }

    /// <summary>contact:hide / hide_contacts: the hidden contacts as the caller now sees them.</summary>
    private static async Task<EventOutcome> Hide(EventContext c, HideContacts request, CancellationToken ct)
    {
        var contacts = Contacts(c);
        var hidden = await contacts.HideAsync(c.AccountId, Valid(request), ct);
        var records = hidden.Count == 0 ? [] : await contacts.SyncListAsync(c.AccountId, new ContactRefs { Contacts = [.. hidden] }, ct);
        return new EventOutcome(new EventIdentifier(AccountId: request.AccountId ?? c.AccountId), [.. records]);
    }

    private static async Task<EventOutcome> Import(EventContext c, EventParams p, CancellationToken ct)
    {
        var list = p.Objects("contacts")!.Select(o => new ContactImport { PhoneNr = o.Text("phone_nr"), Email = o.RequiredText("email"), Name = o.Text("name") }).ToList();
        var imported = await Contacts(c).ImportAsync(c.AccountId, Valid(new ImportContacts { Contacts = list }), ct);
        return EventOutcome.ForAccount(c.AccountId, [.. imported]);
    }

    /// <summary>contact:sync: one page of the list by sort rank; the request record's <c>sync_cursor</c> asks for the next.</summary>
    private static async Task<EventOutcome> Sync(EventContext c, EventParams p, CancellationToken ct)
    {
        var cursor = p.Object("sync_cursor") is { } given ? new ContactSyncCursor { AccountId = given.Uuid("account_id"), SortRank = given.Long("sort_rank") } : null;
        var page = await Contacts(c).SyncAsync(c.AccountId, Valid(new SyncContactPage { SyncCursor = cursor, Limit = p.Long("limit") }), ct);
        return EventOutcome.ForAccount(c.AccountId, [.. page.Contacts]) with { SyncCursor = page.SyncCursor };
    }

    private static async Task<EventOutcome> GetDialog(EventContext c, EventParams p, CancellationToken ct)
    {
        var contactId = p.RequiredUuid("account_id");
        var result = await Contacts(c).GetDialogAsync(c.AccountId, Valid(new GetDialog { AccountId = contactId, MkConvType = p.Text("mk_conv_type") }), ct);
        var outcome = EventOutcome.ForConversation(result, c.PublicUrl, identifiesMessage: false);
        return outcome with { Identifier = outcome.Identifier with { AccountId = contactId } };
    }

    private static ContactActions Contacts(EventContext c) => c.Get<ContactActions>();

    private static EventOutcome One(ContactRecord contact) => EventOutcome.ForAccount(contact.AccountId, contact);

    /// <summary>The record's own limits (the classic call's), beyond what the catalogue checks.</summary>
    private static T Valid<T>(T request) where T : notnull
    {
        RequestValidator.Validate(request);
        return request;
    }
}
