namespace FleepServer.Data;

/// <summary>
/// One account's own view of another account in its contact list: what only the owner sees
/// (private name and phone), whether the owner hid or unlisted it, whether it was imported or
/// added by address, and the latest dialog between the two. Accounts met in a conversation are in
/// the list without a row; a row exists once the owner did something to the contact. See
/// docs/contacts.md.
/// </summary>
public sealed class ContactEntry
{
    /// <summary>The account whose contact list this is.</summary>
    public Guid OwnerId { get; set; }

    /// <summary>The account listed.</summary>
    public Guid ContactId { get; set; }

    /// <summary>The owner's private name for the contact (<c>contact_name</c>); null when not set.</summary>
    public string? ContactName { get; set; }

    /// <summary>The owner's private phone number for the contact; null when not set.</summary>
    public string? PhoneNr { get; set; }

    /// <summary>Hidden by contact/hide until a new shared conversation brings the contact back.</summary>
    public bool IsHidden { get; set; }

    /// <summary>Removed from the dialog suggestions by contact/unlist, until a new shared conversation.</summary>
    public bool IsUnlisted { get; set; }

    /// <summary>Put in the list by contact/import or contact:add.</summary>
    public bool IsImported { get; set; }

    /// <summary>The latest one-to-one conversation between the two (<c>dialog_id</c>).</summary>
    public Guid? DialogId { get; set; }

    public DateTimeOffset CreatedTime { get; set; }
}
