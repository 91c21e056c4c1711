using System.Globalization;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace FleepServer.BrowserTests;

/// <summary>
/// What one scroll step of a windowed list saw: the rendered rows (id, and text: a message's body,
/// any other row's whole text) and whether the view had any blank part.
/// </summary>
public sealed record WindowStep(IReadOnlyList<(string Id, string Text)> Rows, bool Blank, bool AtEnd, double ScrollTop, string Detail);

/// <summary>Page actions on long lists (window-list.tsx): scrolling them step by step and what the page costs meanwhile.</summary>
public static class LongListActions
{
    public const string ConversationScroller = "nav.side";
    public const string ConversationRows = "ul.convs > li > button.conv";
    public const string MessageScroller = "ol.messages";
    public const string MessageRows = "ol.messages > li.message";

    /// <summary>
    /// Scrolls <paramref name="scroller"/> to its top, then down by <paramref name="views"/> of its
    /// own height a step, at most <paramref name="steps"/> steps or until its end. After each
    /// scroll it waits until the rendered rows and the position stayed the same over two turns of
    /// the page's event loop, then notes every rendered row (its <paramref name="idAttribute"/> and
    /// text) and whether a spacer reached into the view (a blank where rows should be). The steps
    /// run inside the page, a batch a call, so the walk costs no WebDriver round trip a step.
    /// </summary>
    public static IReadOnlyList<WindowStep> ScrollSteps(this ChatPage page, string scroller, string rows, string idAttribute,
        bool fromTop, double views, int steps)
    {
        const string script = """
            const [scrollerCss, rowCss, attr, fromTop, views, steps, done] = arguments;
            const s = document.querySelector(scrollerCss);
            const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
            const settled = async () => {
              let last = '', same = 0;
              for (let turns = 0; same < 2 && turns < 500; turns++) {
                await tick();
                const found = s.querySelectorAll(rowCss);
                const sig = `${s.scrollTop}|${s.scrollHeight}|${found.length}|${found.length ? found[0].getAttribute(attr) : ''}`;
                same = sig === last ? same + 1 : 0;
                last = sig;
              }
            };
            const look = () => {
              const found = s.querySelectorAll(rowCss);
              const view = s.getBoundingClientRect();
              const spacers = s.querySelectorAll('.window-spacer');
              const top = spacers[0].getBoundingClientRect(), bottom = spacers[spacers.length - 1].getBoundingClientRect();
              return {
                rows: Array.from(found, (r) => [r.getAttribute(attr) ?? '', (r.querySelector('.body') ?? r).textContent ?? '']),
                blank: (top.height >= 1 && top.bottom > view.top + 1) || (bottom.height >= 1 && bottom.top < view.bottom - 1),
                atEnd: s.scrollHeight - s.scrollTop - s.clientHeight < 2,
                scrollTop: s.scrollTop,
                detail: `scrollTop ${s.scrollTop}, scrollHeight ${s.scrollHeight}, view ${view.top}-${view.bottom}, top spacer ${top.top}-${top.bottom}, bottom spacer ${bottom.top}-${bottom.bottom}, rows ${found.length}`,
              };
            };
            (async () => {
              const seen = [];
              for (let i = 0; i < steps; i++) {
                if (i === 0 && fromTop) { s.scrollTop = 0; } else { s.scrollTop = s.scrollTop + s.clientHeight * views; }
                s.dispatchEvent(new Event('scroll'));
                await settled();
                const step = look();
                seen.push(step);
                if (step.atEnd || step.blank) { break; }
              }
              done(seen);
            })();
            """;
        var result = ((IJavaScriptExecutor)page.Browser.Driver).ExecuteAsyncScript(script, scroller, rows, idAttribute, fromTop, views, steps);
        return JsonSerializer.SerializeToElement(result).EnumerateArray().Select(json => new WindowStep(
            json.GetProperty("rows").EnumerateArray().Select(r => (r[0].GetString() ?? "", r[1].GetString() ?? "")).ToList(),
            json.GetProperty("blank").GetBoolean(), json.GetProperty("atEnd").GetBoolean(),
            json.GetProperty("scrollTop").GetDouble(), json.GetProperty("detail").GetString() ?? "")).ToList();
    }

    /// <summary>
    /// Every message of the open conversation from its top down (as loaded: older pages are not
    /// asked for), walking the windowed list two views a step: flow number and text, each once,
    /// in the list's order. Fails on a blank in the view.
    /// </summary>
    public static IReadOnlyList<(int Nr, string Text)> MessagesByScrolling(this ChatPage page, string rows = MessageRows)
    {
        var seen = new List<(int Nr, string Text)>();
        var walked = 0;
        for (var atEnd = false; !atEnd;)
        {
            var steps = page.ScrollSteps(MessageScroller, rows, "data-message-nr", fromTop: walked == 0, views: 2, steps: 50);
            Assert.NotEmpty(steps);
            foreach (var step in steps)
            {
                Assert.False(step.Blank, $"a blank in the view: {step.Detail}");
                var newest = seen.Count == 0 ? 0 : seen[^1].Nr;
                seen.AddRange(step.Rows.Select(r => (int.Parse(r.Id, CultureInfo.InvariantCulture), r.Text)).Where(r => r.Item1 > newest));
            }

            walked += steps.Count;
            atEnd = steps[^1].AtEnd;
            Assert.True(walked < 5000, "the end of the conversation was reached");
        }

        return seen;
    }

    /// <summary>
    /// Counts, in the page, the most elements matching <paramref name="rows"/> present at once from
    /// now on: after every change of the document (a MutationObserver), so "at any time" includes
    /// the states between the test's looks. Read with <see cref="MostRendered"/>.
    /// </summary>
    public static void CountRenderedRows(this ChatPage page, string name, string rows) =>
        page.Browser.Script("""
            const [name, css] = arguments;
            window.__rendered ??= {};
            const state = window.__rendered[name] = { most: document.querySelectorAll(css).length };
            new MutationObserver(() => { state.most = Math.max(state.most, document.querySelectorAll(css).length); })
              .observe(document.body, { childList: true, subtree: true });
            """, name, rows);

    public static int MostRendered(this ChatPage page, string name) =>
        Convert.ToInt32(page.Browser.Script("return window.__rendered[arguments[0]].most;", name), CultureInfo.InvariantCulture);

    public static int Rendered(this ChatPage page, string rows) =>
        Convert.ToInt32(page.Browser.Script("return document.querySelectorAll(arguments[0]).length;", rows), CultureInfo.InvariantCulture);

    /// <summary>
    /// The page's JavaScript heap in use (Chrome DevTools' Performance.getMetrics JSHeapUsedSize:
    /// the live and not yet collected objects of the page's V8 heap), its DOM node count (Nodes:
    /// detached nodes not yet collected included) and the elements in the document now.
    /// </summary>
    public static (long HeapBytes, long Nodes, long Elements) Memory(this ChatPage page)
    {
        var driver = (ChromeDriver)page.Browser.Driver;
        driver.ExecuteCdpCommand("Performance.enable", new Dictionary<string, object?>());
        var metrics = JsonSerializer.SerializeToElement(driver.ExecuteCdpCommand("Performance.getMetrics", new Dictionary<string, object?>()))
            .GetProperty("metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
        Assert.True(metrics.ContainsKey("JSHeapUsedSize") && metrics.ContainsKey("Nodes"), $"metrics: {string.Join(", ", metrics.Keys)}");
        var elements = Convert.ToInt64(page.Browser.Script("return document.getElementsByTagName('*').length;"), CultureInfo.InvariantCulture);
        return ((long)metrics["JSHeapUsedSize"], (long)metrics["Nodes"], elements);
    }
}
