using System.Text;
using System.Text.RegularExpressions;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// Turns the plain text clients send into the message XML Fleep stores and returns (docs/compatibility.md,
/// "Markup"): <c>&lt;msg&gt;</c> holding <c>&lt;p&gt;</c> paragraphs (a blank line starts a new one,
/// a single newline is <c>&lt;br/&gt;</c>), <c>&lt;pre&gt;</c> for lines between <c>:::</c> fences,
/// <c>&lt;q&gt;</c> for lines starting with <c>&gt;</c>, <c>&lt;hr/&gt;</c> for a <c>---</c> line;
/// inline <c>&lt;b&gt;</c> (*text*), <c>&lt;i&gt;</c> (_text_), links (URLs, bare www. → http://,
/// <c>url&lt;&lt;label&gt;&gt;</c>) and the documented emoticons. Control characters are dropped and
/// all text is XML-escaped. Mentions have no documented syntax and stay plain text.
/// </summary>
public static partial class Markup
{
    public const string Empty = "<msg><p/></msg>";

    private static readonly (string Code, string Kind)[] Emoticons = [(":)", "esmile"), (":(", "esad"), ("(y)", "eup")];

    public static string ToXml(string? text)
    {
        var lines = Clean(text ?? "").Split('\n');
        var xml = new StringBuilder("<msg>");
        var paragraph = new List<string>();
        var blocks = 0;

        void FlushParagraph()
        {
            if (paragraph.Count == 0)
            {
                return;
            }

            xml.Append("<p>").AppendJoin("<br/>", paragraph.Select(Inline)).Append("</p>");
            paragraph.Clear();
            blocks++;
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim() == ":::")
            {
                FlushParagraph();
                var code = new List<string>();
                for (i++; i < lines.Length && lines[i].Trim() != ":::"; i++)
                {
                    code.Add(lines[i]);
                }

                xml.Append("<pre>").Append(Escape(string.Join("\n", code))).Append("</pre>");
                blocks++;
            }
            else if (line.Trim() == "---")
            {
                FlushParagraph();
                xml.Append("<hr/>");
                blocks++;
            }
            else if (line.StartsWith('>'))
            {
                FlushParagraph();
                var quote = new List<string>();
                for (; i < lines.Length && lines[i].StartsWith('>'); i++)
                {
                    var quoted = lines[i][1..];
                    quote.Add(quoted.StartsWith(' ') ? quoted[1..] : quoted);
                }

                i--;
                xml.Append("<q>").AppendJoin("<br/>", quote.Select(Inline)).Append("</q>");
                blocks++;
            }
            else if (line.Trim().Length == 0)
            {
                FlushParagraph();
            }
            else
            {
                paragraph.Add(line);
            }
        }

        FlushParagraph();
        return blocks == 0 ? Empty : xml.Append("</msg>").ToString();
    }

    /// <summary>XML-escapes text and attribute values.</summary>
    public static string Escape(string text) => text
        .Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    private static string Clean(string text)
    {
        var normalized = text.Replace("\r\n", "\n").Replace('\r', '\n');
        var clean = new StringBuilder(normalized.Length);
        foreach (var c in normalized)
        {
            if (c == '\n' || c == '\t' || c >= ' ')
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }

    private static string Inline(string text)
    {
        var output = new StringBuilder();
        var position = 0;
        while (position < text.Length)
        {
            var match = FirstMatch(text, position);
            if (match is null)
            {
                break;
            }

            var (kind, m) = match.Value;
            output.Append(Escape(text[position..m.Index]));
            switch (kind)
            {
                case Kind.LabelledLink:
                    output.Append("<a href=\"").Append(Escape(Href(m.Groups["url"].Value))).Append("\">")
                        .Append(Escape(m.Groups["label"].Value)).Append("</a>");
                    position = m.Index + m.Length;
                    break;
                case Kind.Link:
                    var url = TrimUrl(m.Value);
                    output.Append("<a href=\"").Append(Escape(Href(url))).Append("\">").Append(Escape(url)).Append("</a>");
                    position = m.Index + url.Length;
                    break;
                case Kind.Bold:
                    output.Append("<b>").Append(Inline(m.Groups["in"].Value)).Append("</b>");
                    position = m.Index + m.Length;
                    break;
                case Kind.Italic:
                    output.Append("<i>").Append(Inline(m.Groups["in"].Value)).Append("</i>");
                    position = m.Index + m.Length;
                    break;
                default:
                    var emoticon = Emoticons.First(e => e.Code == m.Value);
                    output.Append("<emo kind=\"").Append(emoticon.Kind).Append("\">").Append(Escape(m.Value)).Append("</emo>");
                    position = m.Index + m.Length;
                    break;
            }
        }

        if (position < text.Length)
        {
            output.Append(Escape(text[position..]));
        }

        return output.ToString();
    }

    private enum Kind { LabelledLink, Link, Bold, Italic, Emoticon }

    private static (Kind, Match)? FirstMatch(string text, int start)
    {
        (Kind, Match)? best = null;
        foreach (var (kind, regex) in new (Kind, Regex)[]
                 {
                     (Kind.LabelledLink, LabelledLinkPattern()), (Kind.Link, LinkPattern()), (Kind.Bold, BoldPattern()),
                     (Kind.Italic, ItalicPattern()), (Kind.Emoticon, EmoticonPattern()),
                 })
        {
            var m = regex.Match(text, start);
            if (m.Success && (best is null || m.Index < best.Value.Item2.Index))
            {
                best = (kind, m);
            }
        }

        return best;
    }

    private static string Href(string url) => url.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? "http://" + url : url;

    /// <summary>Sentence punctuation right after a URL is not part of it.</summary>
    private static string TrimUrl(string url) => url.TrimEnd('.', ',', ';', ':', '!', '?', ')', '\'', '"');

    [GeneratedRegex(@"(?<url>(?:(?:https?|ftp)://|mailto:|www\.)[^\s<>""]+?)<<(?<label>[^<>\n]+)>>", RegexOptions.IgnoreCase)]
    private static partial Regex LabelledLinkPattern();

    [GeneratedRegex(@"(?<![\w@./])(?:(?:https?|ftp|skype|itms-services)://|(?:mailto|skype):|www\.)[^\s<>""]+", RegexOptions.IgnoreCase)]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"(?<![\w*])\*(?=\S)(?<in>[^*]*?\S)\*(?![\w*])")]
    private static partial Regex BoldPattern();

    [GeneratedRegex(@"(?<![\w_])_(?=\S)(?<in>[^_]*?\S)_(?![\w_])")]
    private static partial Regex ItalicPattern();

    [GeneratedRegex(@"(?<!\S)(?::\)|:\(|\(y\))(?!\S)")]
    private static partial Regex EmoticonPattern();
}
