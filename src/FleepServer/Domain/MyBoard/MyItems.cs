using System.Globalization;
using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;

namespace FleepServer.Domain.MyBoard;

/// <summary>The kinds, tags, texts and times of personal board items and canned responses.</summary>
public static class MyItems
{
    public const string Task = "task";
    public const string Canned = "canned";

    /// <summary>A task's tags as a conversation task carries them: is_task, is_todo or is_done, is_archived when archived.</summary>
    public static IReadOnlyList<string> Tags(string state, bool isArchived)
    {
        List<string> tags = ["is_task", state == MessageStates.Done ? "is_done" : "is_todo"];
        if (isArchived)
        {
            tags.Add("is_archived");
        }

        return tags;
    }

    /// <summary>A task's text as Fleep message XML; an empty text is refused, as for a conversation message.</summary>
    public static string TaskBody(string? text) =>
        string.IsNullOrWhiteSpace(text) ? throw FleepErrors.EmptyMessage() : Markup.ToXml(text);

    /// <summary>A canned response's text as Fleep message XML; it may be empty (the catalogue's default).</summary>
    public static string CannedBody(string? text) => Markup.ToXml(text ?? "");

    /// <summary>A canned response's name: trimmed, not empty.</summary>
    public static string CannedName(string? name)
    {
        var trimmed = (name ?? "").Trim();
        return trimmed.Length == 0 ? throw FleepErrors.InvalidField("canned_name", "a name") : trimmed;
    }

    /// <summary>
    /// Files on personal items have no download address yet (attachments are served under their
    /// conversation), so a non-empty <c>attachment_urls</c> is refused rather than dropped.
    /// </summary>
    public static void NoAttachments(IReadOnlyList<string>? urls)
    {
        if (urls is { Count: > 0 })
        {
            throw FleepErrors.NotSupported("attachment_urls", "files on personal board items and canned responses");
        }
    }

    /// <summary>Now at PostgreSQL's precision (microseconds), so a time read back compares equal to the one written.</summary>
    public static DateTimeOffset Now(TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - now.Ticks % 10, TimeSpan.Zero);
    }

    public static string FormatTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
