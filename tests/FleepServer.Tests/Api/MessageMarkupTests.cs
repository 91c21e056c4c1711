using FleepServer.Domain.Conversations;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Api;

/// <summary>Plain text in, message XML out (docs/compatibility.md, "Markup"), through message/send and back through sync.</summary>
public sealed class MessageMarkupTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    public static TheoryData<string, string> Cases => new()
    {
        // Observed on the live server.
        { "msgSend1", "<msg><p>msgSend1</p></msg>" },
        { "First message with url: www.google.com",
            "<msg><p>First message with url: <a href=\"http://www.google.com\">www.google.com</a></p></msg>" },
        // Paragraphs and line breaks.
        { "line one\nline two", "<msg><p>line one<br/>line two</p></msg>" },
        { "line one\r\nline two", "<msg><p>line one<br/>line two</p></msg>" },
        { "Hi there,\n\nsecond paragraph\n\n\nthird", "<msg><p>Hi there,</p><p>second paragraph</p><p>third</p></msg>" },
        { "  indented\n", "<msg><p>  indented</p></msg>" },
        // Inline formatting.
        { "*bold* and _italic_", "<msg><p><b>bold</b> and <i>italic</i></p></msg>" },
        { "*bold with _italic_ inside*", "<msg><p><b>bold with <i>italic</i> inside</b></p></msg>" },
        { "2*3*4 = 24 and snake_case_name", "<msg><p>2*3*4 = 24 and snake_case_name</p></msg>" },
        { "* not bold *", "<msg><p>* not bold *</p></msg>" },
        // Blocks.
        { ":::\nvar x = *y* < 2;\n  indented\n:::", "<msg><pre>var x = *y* &lt; 2;\n  indented</pre></msg>" },
        { "> quoted\n> more\nreply", "<msg><q>quoted<br/>more</q><p>reply</p></msg>" },
        { "above\n---\nbelow", "<msg><p>above</p><hr/><p>below</p></msg>" },
        // Links.
        { "https://example.org/a?b=1&c=2.", "<msg><p><a href=\"https://example.org/a?b=1&amp;c=2\">https://example.org/a?b=1&amp;c=2</a>.</p></msg>" },
        { "see https://fleep.io<<the Fleep site>> now", "<msg><p>see <a href=\"https://fleep.io\">the Fleep site</a> now</p></msg>" },
        { "(www.example.org)", "<msg><p>(<a href=\"http://www.example.org\">www.example.org</a>)</p></msg>" },
        { "mail mailto:bob@example.org", "<msg><p>mail <a href=\"mailto:bob@example.org\">mailto:bob@example.org</a></p></msg>" },
        { "bob@example.org", "<msg><p>bob@example.org</p></msg>" },
        // Mentions have no markup of their own; emoticons and emoji.
        { "hi @bob, see this", "<msg><p>hi @bob, see this</p></msg>" },
        { "thanks :) (y)", "<msg><p>thanks <emo kind=\"esmile\">:)</emo> <emo kind=\"eup\">(y)</emo></p></msg>" },
        { "oh no :(", "<msg><p>oh no <emo kind=\"esad\">:(</emo></p></msg>" },
        { "🎉 done ✓ ünïcödé", "<msg><p>🎉 done ✓ ünïcödé</p></msg>" },
        // XML special characters and control characters.
        { "a < b && c > \"d\" 'e'", "<msg><p>a &lt; b &amp;&amp; c &gt; &quot;d&quot; 'e'</p></msg>" },
        { "<msg><p>injected</p></msg>", "<msg><p>&lt;msg&gt;&lt;p&gt;injected&lt;/p&gt;&lt;/msg&gt;</p></msg>" },
        { "bell\u0007 and\u001b escape", "<msg><p>bell and escape</p></msg>" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Send_converts_plain_text_to_the_message_xml(string text, string xml)
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("markup");

        var sent = (await a.SendAsync(conv, text)).EnsureOk();
        Assert.Equal(xml, sent.Message().Str("message"));

        var synced = (await a.ConvAsync("sync", conv, new { from_message_nr = 1 })).EnsureOk();
        Assert.Equal(xml, synced.Message().Str("message"));
    }

    [Fact]
    public void An_empty_body_renders_as_an_empty_paragraph() => Assert.Equal("<msg><p/></msg>", Markup.ToXml("\n\n"));
}
