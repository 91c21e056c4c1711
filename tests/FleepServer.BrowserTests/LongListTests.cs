using System.Diagnostics;
using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.BrowserTests;

/// <summary>
/// One account with 200 conversations, one of them of 10,000 messages, written through the HTTP
/// API: conversation/create eight at a time, the messages as api/event/store batches of 500
/// message:add_plain events, one batch after the other. (Batches sent at the same time are slower
/// in total: every message of one conversation takes the conversation's lock, so they wait on each
/// other; 1,000 messages took 5.9 s as two batches one after the other, 9.8 s as four batches at
/// once and 13.8 s as message/send calls eight at a time, on a busy two-core machine.)
/// </summary>
public sealed class LongListFixture(PostgresServer postgres) : IAsyncLifetime
{
    public const int Conversations = 200;
    public const int Messages = 10_000;
    public const string LongTopic = "The long conversation";
    private const int Parallel = 8;
    private const int EventsPerBatch = 500;

    public BrowserServerFixture Server { get; } = new(postgres);
    public string Email { get; private set; } = "";
    public string Password => "correct horse";
    public Guid LongConversation { get; private set; }
    public IReadOnlySet<string> ConversationIds { get; private set; } = new HashSet<string>();
    public TimeSpan SeedingTook { get; private set; }

    /// <summary>A message's text: its number first, every seventh long enough to wrap over several lines.</summary>
    public static string Text(int i) => i % 7 == 0
        ? $"#{i:D5} " + string.Join(' ', Enumerable.Repeat("a longer message that wraps over several lines of the history", 4))
        : $"#{i:D5} short";

    public async ValueTask InitializeAsync()
    {
        await Server.InitializeAsync();
        var clock = Stopwatch.StartNew();
        using var owner = await Server.NewAccountAsync("owner", Password);
        Email = owner.Email;

        // 199 conversations, eight creates at a time; the long one last, so it is the newest.
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(1, Conversations - 1),
            new ParallelOptions { MaxDegreeOfParallelism = Parallel }, async (i, _) =>
            {
                var created = (await owner.PostAsync("/api/conversation/create", new { topic = $"Conversation {i:D3}" })).EnsureOk();
                ids.Add(created.Header().Str("conversation_id"));
            });
        LongConversation = await owner.CreateConversationAsync(LongTopic);
        ids.Add(LongConversation.ToString());
        ConversationIds = ids.ToHashSet();

        // The messages in batches of 500 events, in order: message i is flow number i + 1 (the
        // create message is 1).
        for (var batch = 0; batch < Messages / EventsPerBatch; batch++)
        {
            var events = Enumerable.Range(batch * EventsPerBatch + 1, EventsPerBatch).Select(i => new
            {
                client_req_id = Guid.NewGuid(),
                mk_event_type = "urn:fleep:client:message:add_plain",
                @params = new { conversation_id = LongConversation, message = Text(i) },
            }).ToList();
            var answer = (await owner.PostAsync("/api/event/store", new { stream = events })).EnsureOk();
            var requests = answer.Json.GetProperty("requests").EnumerateArray().ToList();
            Assert.Equal(EventsPerBatch, requests.Count);
            Assert.All(requests, r => Assert.Equal(200, r.GetProperty("status_code").GetInt32()));
        }

        SeedingTook = clock.Elapsed;
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Long lists render only what is in and near the view (docs/web-client.md, "Long lists"): the
/// list of 200 conversations, and a conversation of 10,000 messages opened and scrolled back to
/// its first message, with the page's JavaScript heap under 200 MB throughout.
/// </summary>
public sealed class LongListTests(LongListFixture seeded) : IClassFixture<LongListFixture>
{
    private const long HeapBudget = 200L * 1024 * 1024;

    [Fact]
    public async Task The_list_of_200_conversations_renders_only_the_rows_in_view()
    {
        TestContext.Current.SendDiagnosticMessage($"seeding 200 conversations and 10,000 messages took {seeded.SeedingTook.TotalSeconds:0.0} s");
        using var browser = new Browser(seeded.Server.BaseAddress);
        var page = new ChatPage(browser);
        page.LogIn(seeded.Email, seeded.Password);
        page.WaitForConversation(LongListFixture.LongTopic);
        page.CountRenderedRows("convs", LongListActions.ConversationRows);

        // Every conversation is reached by scrolling the pane down, a view and a half at a time;
        // no step shows a blank where rows should be.
        var seen = new List<string>();
        var steps = page.ScrollSteps(LongListActions.ConversationScroller, LongListActions.ConversationRows, "data-conversation-id",
            fromTop: true, views: 1.5, steps: 100);
        Assert.InRange(steps.Count, 2, 99);
        Assert.True(steps[^1].AtEnd, "the end of the list was reached");
        foreach (var step in steps)
        {
            Assert.False(step.Blank, $"a blank in the view: {step.Detail}");
            Assert.InRange(step.Rows.Count, 1, 80);
            seen.AddRange(step.Rows.Select(r => r.Id).Where(id => !seen.Contains(id)));
        }

        browser.Screenshot("long-list-end");
        Assert.Equal(LongListFixture.Conversations, seen.Count);
        Assert.Equal(seeded.ConversationIds.Order(), seen.Order());
        Assert.InRange(page.MostRendered("convs"), 1, 80);

        // Newest activity first: the long conversation on top, then the others newest first.
        Assert.Equal(seeded.LongConversation.ToString(), seen[0]);

        // At the end of the list, the oldest conversation gets a message: it moves to the top, and
        // the view stays where it was (it does not follow the row).
        double ScrollTop() => Convert.ToDouble(browser.Script("return document.querySelector('nav.side').scrollTop;"), System.Globalization.CultureInfo.InvariantCulture);
        var before = ScrollTop();
        var oldest = seen[^1];
        Assert.Single(browser.All($"button.conv[data-conversation-id='{oldest}']"));
        using (var api = seeded.Server.NewClient())
        {
            await api.LoginAsync(seeded.Email, seeded.Password);
            (await api.SendAsync(Guid.Parse(oldest), "news from the oldest")).EnsureOk();
        }

        browser.Wait(() => browser.All($"button.conv[data-conversation-id='{oldest}']").Count == 0, "the oldest conversation leaving the end of the list");
        Assert.InRange(ScrollTop(), before - 1, before + 1);
        var top = page.ScrollSteps(LongListActions.ConversationScroller, LongListActions.ConversationRows, "data-conversation-id", fromTop: true, views: 0, steps: 1);
        Assert.Equal(oldest, top[0].Rows[0].Id);

        // Back at the top, the row opens its conversation.
        page.ScrollSteps(LongListActions.ConversationScroller, LongListActions.ConversationRows, "data-conversation-id", fromTop: true, views: 0, steps: 1);
        page.Open(LongListFixture.LongTopic);
        Assert.Empty(browser.ConsoleErrors());
    }

    [Fact]
    public void A_conversation_of_10000_messages_scrolls_back_to_its_first_message_within_200_MB()
    {
        using var browser = new Browser(seeded.Server.BaseAddress);
        var page = new ChatPage(browser);
        page.LogIn(seeded.Email, seeded.Password);
        page.CountRenderedRows("messages", LongListActions.MessageRows);
        page.Open(LongListFixture.LongTopic);
        var last = LongListFixture.Messages + 1;
        page.WaitForMessage(m => m.Nr == last, "the newest message");

        var heap = new List<long>();
        var nodes = new List<long>();
        var elements = new List<long>();
        void Measure()
        {
            var (bytes, count, live) = page.Memory();
            heap.Add(bytes);
            nodes.Add(count);
            elements.Add(live);
            Assert.True(bytes < HeapBudget, $"the page's JavaScript heap is {bytes / 1024 / 1024} MB");
            // The whole document (the list of 200 conversations, the open conversation) stays small.
            Assert.InRange(live, 1, 3000);
        }

        Measure();

        // Up to the first message: to the top again and again, each time a page of history loads above.
        var clock = Stopwatch.StartNew();
        var looks = 0;
        browser.Wait(() =>
        {
            browser.Script("const list = document.querySelector('ol.messages'); list.scrollTop = 0; list.dispatchEvent(new Event('scroll'));");
            if (++looks % 40 == 0)
            {
                Measure();
            }

            return browser.All("ol.messages li.message[data-message-nr='1']").Count == 1;
        }, "the first message", TimeSpan.FromSeconds(90));
        var upTook = clock.Elapsed;
        Measure();
        Assert.Contains("created the conversation", browser.Text("ol.messages li.message[data-message-nr='1']"));
        browser.Screenshot("long-conversation-top");
        Assert.InRange(page.Rendered(LongListActions.MessageRows), 1, 300);

        // Then down again through all of it, two views a step: every message once, in order, with
        // its own text, and never a blank in the view.
        clock.Restart();
        var seen = new List<(int Nr, string Text)>();
        var walked = 0;
        for (var atEnd = false; !atEnd; )
        {
            var steps = page.ScrollSteps(LongListActions.MessageScroller, LongListActions.MessageRows, "data-message-nr",
                fromTop: walked == 0, views: 2, steps: 50);
            Assert.NotEmpty(steps);
            foreach (var step in steps)
            {
                Assert.False(step.Blank, $"a blank in the view: {step.Detail}");
                Assert.InRange(step.Rows.Count, 1, 300);
                var newest = seen.Count == 0 ? 0 : seen[^1].Nr;
                seen.AddRange(step.Rows.Select(r => (int.Parse(r.Id), r.Text)).Where(r => r.Item1 > newest));
            }

            walked += steps.Count;
            atEnd = steps[^1].AtEnd;
            Assert.True(walked < 2000, "the end of the conversation was reached");
            Measure();
        }

        var downTook = clock.Elapsed;
        browser.Screenshot("long-conversation-end");
        TestContext.Current.SendDiagnosticMessage($"down through all in {walked} steps");
        Measure();
        Assert.Equal(last, seen.Count);
        Assert.Equal(Enumerable.Range(1, last), seen.Select(m => m.Nr));
        Assert.All(seen.Skip(1), m => Assert.Contains(LongListFixture.Text(m.Nr - 1), m.Text));

        var most = page.MostRendered("messages");
        TestContext.Current.SendDiagnosticMessage(
            $"to the top: {upTook.TotalSeconds:0.0} s; down through all: {downTook.TotalSeconds:0.0} s; most message elements at once: {most}; " +
            $"JavaScript heap {heap.Min() / 1024 / 1024}-{heap.Max() / 1024 / 1024} MB over {heap.Count} looks; DOM nodes at most {nodes.Max()} (detached ones not yet collected included), elements in the document at most {elements.Max()}");
        Assert.InRange(most, 1, 300);
        Assert.Empty(browser.ConsoleErrors());
    }
}
