using FleepServer.Data;

namespace FleepServer.Records;

/// <summary>
/// The one builder of <see cref="ContactRecord"/>s, used by every response and stream. A contact
/// record is always built FOR a viewer: the account itself gets its owner-only fields, anyone else
/// gets the public fields plus its own contact-list view (private name and phone, hidden, sort
/// rank, dialog). Clients merge contact records field by field, so a record sent to a viewer that
/// described a contact must carry that viewer's name, never the public one (docs/contacts.md).
/// </summary>
public static class ContactRecords
{
    /// <summary><c>sort_rank</c> values (observed 0, 1, 4, 8; docs/contacts.md, "Sort rank").</summary>
    public static class Ranks
    {
        public const int Hidden = 0;
        public const int Met = 1;
        public const int Dialog = 4;
        public const int Imported = 8;
    }

    /// <summary><paramref name="account"/> as <paramref name="viewerId"/> sees it, with <paramref name="entry"/> = the viewer's list entry for it.</summary>
    public static ContactRecord For(Guid viewerId, Account account, ContactEntry? entry) =>
        account.Id == viewerId ? ForOwner(account) : ForContact(account, entry);

    /// <summary>
    /// The account's own contact, owner-only fields included (login <c>profiles</c>, configure).
    /// <paramref name="storageUsedBytes"/> comes from <c>StorageUsage</c>; null leaves the field out
    /// (clients keep the value they have).
    /// </summary>
    public static ContactRecord ForOwner(Account account, long? storageUsedBytes = null) => new()
    {
        AccountId = account.Id,
        Email = account.Email,
        DisplayName = account.DisplayName,
        FullName = account.DisplayName,
        PhoneNr = account.PhoneNr ?? "",
        MkAccountStatus = account.Status,
        FleepAddress = account.FleepAddress,
        AvatarUrls = Records.AvatarUrls.Of(account),
        // The live server marks the owner itself as hidden from "add member" lists.
        IsHiddenForAdd = true,
        ActivityTime = account.ActivityTime?.ToUnixTimeSeconds(),
        FleepAutogen = account.FleepAutogen,
        MkEmailInterval = account.EmailInterval,
        ClientFlags = account.ClientFlags,
        ClientSettings = account.ClientSettings ?? "",
        IsFullPrivacy = account.IsFullPrivacy,
        IsNewsletterDisabled = account.IsNewsletterDisabled,
        IsAutomuteEnabled = account.IsAutomuteEnabled,
        HasPassword = account.PasswordHash is not null,
        IsPremium = false,
        ActivatedTime = account.ActivatedTime?.ToUnixTimeSeconds(),
        SleepInterval = account.SleepInterval,
        MkPushNewMessage = account.MkPushNewMessage,
        StatusMessage = account.StatusMessage,
        StatusEmoji = account.StatusEmoji,
        AliasAccountIds = account.AliasAccountIds,
        StorageUsedBytes = storageUsedBytes,
    };

    /// <summary>
    /// Another account as a contact of the viewer whose list <paramref name="entry"/> belongs to
    /// (null: the viewer has no entry for it). With a private name set, <c>display_name</c> is that
    /// name (as the live server showed it) and <c>full_name</c> stays the real one. Once an entry
    /// exists, <c>contact_name</c> and <c>phone_nr</c> are always sent (<c>""</c> when cleared), so a
    /// client that merges records forgets a cleared value.
    /// </summary>
    public static ContactRecord ForContact(Account account, ContactEntry? entry = null) => new()
    {
        AccountId = account.Id,
        Email = account.Email,
        DisplayName = string.IsNullOrEmpty(entry?.ContactName) ? account.DisplayName : entry.ContactName,
        FullName = account.DisplayName,
        MkAccountStatus = account.Status,
        FleepAddress = account.FleepAddress,
        AvatarUrls = Records.AvatarUrls.Of(account),
        // An alias (docs/mail.md, "Aliases") is never offered for adding: its owner is.
        IsHiddenForAdd = account.Status == AccountStatus.Alias || (entry?.IsHidden ?? false),
        StatusMessage = account.StatusMessage,
        StatusEmoji = account.StatusEmoji,
        ActivityTime = account.ActivityTime?.ToUnixTimeSeconds(),
        ContactName = entry is null ? null : entry.ContactName ?? "",
        PhoneNr = entry is null ? null : entry.PhoneNr ?? "",
        SortRank = SortRank(entry),
        DialogId = entry?.DialogId,
    };

    /// <summary>An account/lookup result: the viewer's view without the e-mail address, plus <c>is_in_org</c>.</summary>
    public static ContactRecord ForLookup(Guid viewerId, Account account, ContactEntry? entry) =>
        For(viewerId, account, entry) with { Email = null, IsInOrg = false };

    /// <summary>0 hidden or unlisted, 8 imported or added by address, 4 with a dialog, 1 met in a conversation.</summary>
    public static int SortRank(ContactEntry? entry) => entry switch
    {
        null => Ranks.Met,
        { IsHidden: true } or { IsUnlisted: true } => Ranks.Hidden,
        { IsImported: true } => Ranks.Imported,
        { DialogId: not null } => Ranks.Dialog,
        _ => Ranks.Met,
    };
}
