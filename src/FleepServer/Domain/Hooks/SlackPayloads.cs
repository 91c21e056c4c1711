using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json = FleepServer.Domain.Hooks.HookPayloads.Json;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// <c>slack</c> hooks (docs/hooks.md, "Typed hooks"): Slack's incoming-webhook message —
/// <c>text</c>, <c>username</c> (the sender name) and <c>attachments</c> — as one Fleep message.
/// Slack's <c>&lt;url|label&gt;</c> links become Fleep's <c>url&lt;&lt;label&gt;&gt;</c>, its
/// <c>```</c> blocks Fleep's <c>:::</c> blocks, its entity escapes plain characters. Each
/// attachment is a paragraph: pretext, the title (linked when it has <c>title_link</c>) in bold,
/// the text, and a <c>*title*: value</c> line per field; <c>fallback</c> only when it has none of
/// those. <c>icon_url</c>, <c>icon_emoji</c>, <c>channel</c> and <c>blocks</c> are ignored.
/// </summary>
public static partial class SlackPayloads
{
    public static HookMessage Parse(JsonElement root)
    {
        var parts = new List<string>();
        if (Json.Loose(root, "text") is { } text && text.Trim().Length > 0)
        {
            parts.Add(Text(text));
        }

        foreach (var attachment in Json.Items(root, "attachments"))
        {
            if (Attachment(attachment) is { Length: > 0 } rendered)
            {
                parts.Add(rendered);
            }
        }

        return new HookMessage(string.Join("\n\n", parts)) { SenderName = HookPayloads.Sender(Json.Loose(root, "username")) };
    }

    private static string Attachment(JsonElement attachment)
    {
        var lines = new List<string>();
        if (Json.Loose(attachment, "pretext") is { } pretext && pretext.Trim().Length > 0)
        {
            lines.Add(Text(pretext));
        }

        if (Json.Loose(attachment, "title") is { } title && title.Trim().Length > 0)
        {
            var label = Decode(title).Trim();
            lines.Add(Json.Loose(attachment, "title_link") is { } link && IsUrl(link) ? $"*{Link(link, label)}*" : $"*{label}*");
        }

        if (Json.Loose(attachment, "text") is { } text && text.Trim().Length > 0)
        {
            lines.Add(Text(text));
        }

        foreach (var field in Json.Items(attachment, "fields"))
        {
            var name = Json.Loose(field, "title") is { } t ? Decode(t).Trim() : "";
            var value = Json.Loose(field, "value") is { } v ? Text(v) : "";
            if (name.Length > 0 || value.Length > 0)
            {
                lines.Add(name.Length == 0 ? value : value.Length == 0 ? $"*{name}*" : $"*{name}*: {value}");
            }
        }

        if (lines.Count == 0 && Json.Loose(attachment, "fallback") is { } fallback && fallback.Trim().Length > 0)
        {
            lines.Add(Text(fallback));
        }

        // Lines of one attachment stay together; a blank line inside a part would split it.
        return string.Join("\n", lines);
    }

    /// <summary>Slack mrkdwn to Fleep markup: links, code fences and the three entity escapes.</summary>
    internal static string Text(string mrkdwn)
    {
        var text = CodeFence().Replace(mrkdwn, m => "\n:::\n" + m.Groups["code"].Value.Trim('\n') + "\n:::\n");
        text = Angle().Replace(text, m => Angled(m.Groups["inner"].Value));
        return Decode(text).Trim('\n');
    }

    /// <summary>One <c>&lt;…&gt;</c> of Slack: a link with or without label, a user, channel or special mention.</summary>
    private static string Angled(string inner)
    {
        var bar = inner.IndexOf('|');
        var target = bar < 0 ? inner : inner[..bar];
        var label = bar < 0 ? null : inner[(bar + 1)..];
        return target switch
        {
            _ when target.StartsWith('@') => "@" + (label ?? target[1..]),
            _ when target.StartsWith('#') => "#" + (label ?? target[1..]),
            _ when target.StartsWith('!') => "@" + (label ?? target[1..].Split('^')[0]),
            _ when label is null => target,
            _ => Link(target, Decode(label)),
        };
    }

    /// <summary><c>url&lt;&lt;label&gt;&gt;</c>, or <c>label (url)</c> when the label could not stand inside the brackets.</summary>
    private static string Link(string url, string label)
    {
        var href = Decode(url);
        var clean = label.Replace('\n', ' ').Trim();
        if (clean.Length == 0 || clean == href)
        {
            return href;
        }

        return clean.Contains('<') || clean.Contains('>') || !IsUrl(href) ? $"{clean} ({href})" : $"{href}<<{clean}>>";
    }

    private static bool IsUrl(string value) =>
        Uri.TryCreate(Decode(value), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "ftp" or "mailto";

    /// <summary>Slack escapes exactly <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c>; other entities are left as written.</summary>
    private static string Decode(string text) =>
        new StringBuilder(text).Replace("&lt;", "<").Replace("&gt;", ">").Replace("&amp;", "&").ToString();

    // Linear-time engine: a body full of unclosed fences must not make the lazy match quadratic.
    [GeneratedRegex(@"```\n?(?<code>.*?)```", RegexOptions.Singleline | RegexOptions.NonBacktracking)]
    private static partial Regex CodeFence();

    [GeneratedRegex(@"<(?<inner>[^<>\s][^<>]*)>", RegexOptions.NonBacktracking)]
    private static partial Regex Angle();
}
