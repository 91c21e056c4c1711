using System.Net;
using System.Text.RegularExpressions;

namespace FleepServer.Domain.Mail;

/// <summary>A message body (<c>&lt;msg&gt;…&lt;/msg&gt;</c> XML) as plain text for a mail: markup gone, entities decoded, shortened.</summary>
public static partial class MessageText
{
    /// <summary>Longest text one message shows in a mail; longer ones end with an ellipsis.</summary>
    public const int MaxLength = 500;

    public static string Plain(string body)
    {
        var text = LineBreak().Replace(body, "\n");
        text = Tag().Replace(text, "");
        text = WebUtility.HtmlDecode(text);
        text = string.Join('\n', text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
        return text.Length <= MaxLength ? text : text[..(MaxLength - 1)].TrimEnd() + "…";
    }

    [GeneratedRegex(@"<br\s*/?>|</p>|</li>|</div>|</h\d>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();
}
