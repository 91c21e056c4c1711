using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using FleepServer.Data;
using FleepServer.Errors;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FleepServer.Domain.Accounts;

/// <summary>Shape rules for account fields shared by registration, the account command and configure.</summary>
public static class AccountRules
{
    public static readonly string[] EmailIntervals = ["default", "hourly", "daily", "never"];

    /// <summary>The values of <c>sleep_interval</c> the live server accepted.</summary>
    public static readonly long[] SleepIntervals = [0, 1];

    /// <summary><c>mk_push_new_message</c>: a push for the first unread message only, or for every message.</summary>
    public static readonly string[] PushNewMessageModes = ["first", "all"];

    public static readonly string[] DeviceTypes = ["android", "ios"];

    /// <summary>Returns the trimmed address, or refuses anything that is not one plain e-mail address.</summary>
    public static string RequireEmail(string? email, string field = "email")
    {
        var trimmed = email?.Trim() ?? "";
        if (!MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed || parsed.DisplayName.Length > 0)
        {
            throw FleepErrors.InvalidField(field, "not an e-mail address");
        }

        return trimmed;
    }

    public static string EmailKey(string email) => email.Trim().ToLowerInvariant();

    public static void RequirePassword(string password, int minLength, string field = "password")
    {
        if (password.Length < minLength)
        {
            throw FleepErrors.InvalidField(field, $"shorter than {minLength} characters");
        }
    }

    /// <summary>The longest display name (the account command's limit, and the column's).</summary>
    public const int DisplayNameMaxLength = 128;

    /// <summary>A display name made from an address or a part of one: cut to <see cref="DisplayNameMaxLength"/>.</summary>
    public static string DisplayNameFrom(string text) => text.Length <= DisplayNameMaxLength ? text : text[..DisplayNameMaxLength];

    public static string RequireDisplayName(string name)
    {
        var trimmed = name.Trim();
        if (trimmed.Length == 0)
        {
            throw FleepErrors.InvalidField("display_name", "empty");
        }

        return trimmed;
    }

    /// <summary>A fleep address is the <c>name</c> of <c>name@fleep.io</c>: lower-case letters, digits, dot, dash, underscore.</summary>
    public static string RequireFleepAddress(string address)
    {
        var trimmed = address.Trim().ToLowerInvariant();
        if (trimmed.Length is < 2 or > 64 || !trimmed.All(IsAddressChar) || !char.IsAsciiLetterOrDigit(trimmed[0]))
        {
            throw FleepErrors.InvalidField("fleep_address", "use 2-64 letters, digits, '.', '-' or '_'");
        }

        return trimmed;
    }

    /// <summary>The preferred fleep address (the e-mail's local part) and a random fallback, e.g. <c>echobot</c> and <c>echobot.x7k2</c>.</summary>
    public static (string Preferred, string Autogen) FleepAddressesFor(string email, int suffixLength = 4)
    {
        var local = new StringBuilder();
        foreach (var c in email[..email.IndexOf('@')].ToLowerInvariant())
        {
            if (IsAddressChar(c) && local.Length < 40)
            {
                local.Append(c);
            }
        }

        var preferred = local.Length >= 2 && char.IsAsciiLetterOrDigit(local[0]) ? local.ToString() : "user";
        var suffix = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", suffixLength);
        return (preferred, $"{preferred}.{suffix}");
    }

    public static bool IsUniqueViolation(DbUpdateException e, string indexName) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg &&
        pg.ConstraintName == indexName;

    public const string EmailKeyIndex = "ix_accounts_email_key";
    public const string FleepAddressIndex = "ix_accounts_fleep_address";

    private static bool IsAddressChar(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-' or '_';
}
