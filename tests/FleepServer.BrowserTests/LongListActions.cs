using System.Globalization;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace FleepServer.BrowserTests;

/// <summary>What one scroll step of a windowed list saw: the rendered rows and whether the view had any blank part.</summary>
public sealed record WindowStep(IReadOnlyList<(string Id, string Text)> Rows, bool Blank, bool AtEnd, double ScrollTop, string Detail);

/// <summary>Page actions on long lists (window-list.tsx): scrolling them step by step and what the page costs meanwhile.</summary>
public static class LongListActions
{
    public const string ConversationScroller = "nav.side";
    public const string ConversationRows = "ul.convs > li > button.conv";
    public const string MessageScroller = "ol.messages";
    public const string MessageRows = "ol.messages > li.message";

    /// <summary>
    /// Scrolls <paramref name="scroller"/> by <paramref name="views"/> of its own height (or to its
    /// top with <c>double.NegativeInfinity</c>), waits until the rendered rows and the position have
    /// stayed the same for two frames, and reports every rendered row (its <paramref name="idAttribute"/>
    /// and text) and whether a spacer reached into the view (a blank where rows should be).
    /// </summary>
    public static WindowStep ScrollStep(this ChatPage page, string scroller, string rows, string idAttribute, double views)
    {
        const string script = """
            const [scrollerCss, rowCss, attr, views, done] = arguments;
            const s = document.querySelector(scrollerCss);
            if (views === 'top') { s.scrollTop = 0; } else { s.scrollTop = s.scrollTop + s.clientHeight * views; }
            s.dispatchEvent(new Event('scroll'));
            let last = '', same = 0, frames = 0;
            const look = () => {
              const found = s.querySelectorAll(rowCss);
              const sig = `${s.scrollTop}|${s.scrollHeight}|${found.length}|${found.length ? found[0].getAttribute(attr) : ''}`;
              same = sig === last ? same + 1 : 0;
              last = sig;
              if (same < 2 && ++frames < 120) { requestAnimationFrame(look); return; }
              const view = s.getBoundingClientRect();
              const spacers = s.querySelectorAll('.window-spacer');
              const top = spacers[0].getBoundingClientRect(), bottom = spacers[spacers.length - 1].getBoundingClientRect();
              const blank = (top.height >= 1 && top.bottom > view.top + 1) || (bottom.height >= 1 && bottom.top < view.bottom - 1);
              done({
                rows: Array.from(found, (r) => [r.getAttribute(attr) ?? r.closest('[' + attr + ']')?.getAttribute(attr) ?? '', r.textContent ?? '']),
                blank,
                atEnd: s.scrollHeight - s.scrollTop - s.clientHeight < 2,
                scrollTop: s.scrollTop,
                detail: `scrollTop ${s.scrollTop}, scrollHeight ${s.scrollHeight}, view ${view.top}-${view.bottom}, top spacer ${top.top}-${top.bottom}, bottom spacer ${bottom.top}-${bottom.bottom}, rows ${found.length}`,
              });
            };
            requestAnimationFrame(look);
            """;
        var result = ((IJavaScriptExecutor)page.Browser.Driver).ExecuteAsyncScript(script, scroller, rows, idAttribute,
            double.IsNegativeInfinity(views) ? "top" : views);
        var json = JsonSerializer.SerializeToElement(result);
        var found = json.GetProperty("rows").EnumerateArray()
            .Select(r => (r[0].GetString() ?? "", r[1].GetString() ?? "")).ToList();
        return new WindowStep(found, json.GetProperty("blank").GetBoolean(), json.GetProperty("atEnd").GetBoolean(),
            json.GetProperty("scrollTop").GetDouble(), json.GetProperty("detail").GetString() ?? "");
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
    /// the live and not yet collected objects of the page's V8 heap) and its DOM node count.
    /// </summary>
    public static (long HeapBytes, long Nodes) Memory(this ChatPage page)
    {
        var driver = (ChromeDriver)page.Browser.Driver;
        driver.ExecuteCdpCommand("Performance.enable", new Dictionary<string, object?>());
        var metrics = JsonSerializer.SerializeToElement(driver.ExecuteCdpCommand("Performance.getMetrics", new Dictionary<string, object?>()))
            .GetProperty("metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
        Assert.True(metrics.ContainsKey("JSHeapUsedSize") && metrics.ContainsKey("Nodes"), $"metrics: {string.Join(", ", metrics.Keys)}");
        return ((long)metrics["JSHeapUsedSize"], (long)metrics["Nodes"]);
    }
}
