using FleepServer.Streams;

namespace FleepServer.Records;

/// <summary>
/// ContactInfo, <c>mk_rec_type: "contact"</c>. Fields left null are
/// omitted from the JSON: owner-only fields are filled only in the owner's own copy, and the
/// contact-list fields (<c>contact_name</c>, <c>phone_nr</c>, <c>sort_rank</c>, <c>dialog_id</c>)
/// only in the copy of the account whose list it is.
/// </summary>
public sealed record ContactRecord : IStreamRecord
{
    public string MkRecType => "contact";
    public required Guid AccountId { get; init; }
    public string? Email { get; init; }
    public string? DisplayName { get; init; }
    public string? FullName { get; init; }
    public string? PhoneNr { get; init; }
    public string? MkAccountStatus { get; init; }
    public string? FleepAddress { get; init; }

    /// <summary>A JSON-encoded object in a string, <c>"{}"</c> without an avatar.</summary>
    public string? AvatarUrls { get; init; }

    public bool? IsHiddenForAdd { get; init; }
    public long? ActivityTime { get; init; }

    // The viewer's contact-list fields: only in the list owner's copy.
    public string? ContactName { get; init; }
    public int? SortRank { get; init; }
    public Guid? DialogId { get; init; }

    /// <summary>Only in account/lookup results.</summary>
    public bool? IsInOrg { get; init; }

    // Owner-only fields.
    public string? FleepAutogen { get; init; }
    public string? MkEmailInterval { get; init; }
    public IReadOnlyList<string>? ClientFlags { get; init; }
    public string? ClientSettings { get; init; }
    public bool? IsFullPrivacy { get; init; }
    public bool? IsNewsletterDisabled { get; init; }
    public bool? IsAutomuteEnabled { get; init; }
    public bool? HasPassword { get; init; }
    public bool? IsPremium { get; init; }
    public long? ActivatedTime { get; init; }
    public long? SleepInterval { get; init; }
    public string? MkPushNewMessage { get; init; }
    public string? StatusMessage { get; init; }
    public string? StatusEmoji { get; init; }

    /// <summary>Owner-only: the account's confirmed e-mail aliases (docs/mail.md, "Aliases"); <c>[]</c> without any.</summary>
    public IReadOnlyList<Guid>? AliasAccountIds { get; init; }

    /// <summary>Owner-only: bytes of the files the account can reach (docs/files.md, "Storage accounting"); omitted where not computed.</summary>
    public long? StorageUsedBytes { get; init; }
}
