using System.Security.Cryptography;
using System.Text;
using FleepServer.Data;

namespace FleepServer.Domain.Labels;

/// <summary>One of the eight system labels every account has, with its defaults (docs/labels.md).</summary>
/// <param name="IsExplicit">True for starred and Spam: put on conversations by the owner, kept in
/// <see cref="ConversationMember.LabelIds"/>. The others are derived from the conversation's state.</param>
public sealed record SystemLabel(string Subtype, string Name, long Index, bool IsOnLeftPane, bool IsInRecent, bool IsInMuted, bool IsExplicit);

/// <summary>
/// The system labels: fixed names and subtypes, and ids derived from the owner's account id
/// (<c>md5(account_id || ':' || subtype)</c> read as a uuid), so every part of the server knows an
/// account's system label ids without reading a row. A row exists only once the owner changed one
/// (its index or left-pane flag); until then its record is built from these defaults.
/// </summary>
public static class SystemLabels
{
    public const string Starred = "starred";
    public const string Recent = "recent";
    public const string Muted = "muted";
    public const string Spam = "spam";
    public const string Archived = "archived";
    public const string Unread = "unread";
    public const string OneToOne = "1:1 conversations";
    public const string Email = "email";

    public static readonly IReadOnlyList<SystemLabel> All =
    [
        new(Starred, "starred", 1, true, false, false, true),
        new(Recent, "Recent", 2, true, true, false, false),
        new(Muted, "Muted", 3, true, false, true, false),
        new(Spam, "Spam", 4, true, false, false, true),
        new(Archived, "Archived", 5, true, false, false, false),
        new(Unread, "Unread", 6, false, true, true, false),
        new(OneToOne, "1:1 Conversations", 7, false, true, true, false),
        new(Email, "Email", 8, false, true, true, false),
    ];

    public static SystemLabel? BySubtype(string subtype) => All.FirstOrDefault(l => l.Subtype == subtype);

    public static SystemLabel? ByName(string name) => All.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The id of an account's system label; the same in SQL as <c>md5(account_id::text || ':' || subtype)::uuid</c>.</summary>
    public static Guid IdOf(Guid accountId, string subtype) =>
        new(Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes($"{accountId:D}:{subtype}"))));

    /// <summary>The account's system labels by id.</summary>
    public static Dictionary<Guid, SystemLabel> IdsOf(Guid accountId) => All.ToDictionary(l => IdOf(accountId, l.Subtype));

    /// <summary>The default row of a system label, as it is stored once the owner changes it.</summary>
    public static Label Row(Guid accountId, SystemLabel l, DateTimeOffset now) => new()
    {
        Id = IdOf(accountId, l.Subtype),
        AccountId = accountId,
        Name = l.Name,
        Index = l.Index,
        MkLabelType = LabelTypes.System,
        MkLabelSubtype = l.Subtype,
        IsOnLeftPane = l.IsOnLeftPane,
        IsInRecent = l.IsInRecent,
        IsInMuted = l.IsInMuted,
        CreatedTime = now,
    };
}
