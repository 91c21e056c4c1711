using FleepServer.Data;

namespace FleepServer.Records;

/// <summary>The one builder of <see cref="ContactRecord"/>s, used by every response and stream.</summary>
public static class ContactRecords
{
    /// <summary>The account's own contact, owner-only fields included (login <c>profiles</c>, configure).</summary>
    public static ContactRecord ForOwner(Account account) => new()
    {
        AccountId = account.Id,
        Email = account.Email,
        DisplayName = account.DisplayName,
        FullName = account.DisplayName,
        PhoneNr = account.PhoneNr ?? "",
        MkAccountStatus = account.Status,
        FleepAddress = account.FleepAddress,
        AvatarUrls = "{}",
        // The live server marks the owner itself as hidden from "add member" lists.
        IsHiddenForAdd = true,
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
    };

    /// <summary>Another account as a contact: the fields everyone who shares a conversation with it may see.</summary>
    public static ContactRecord ForContact(Account account) => new()
    {
        AccountId = account.Id,
        Email = account.Email,
        DisplayName = account.DisplayName,
        FullName = account.DisplayName,
        MkAccountStatus = account.Status,
        FleepAddress = account.FleepAddress,
        AvatarUrls = "{}",
        IsHiddenForAdd = false,
        StatusMessage = account.StatusMessage,
        StatusEmoji = account.StatusEmoji,
    };
}
