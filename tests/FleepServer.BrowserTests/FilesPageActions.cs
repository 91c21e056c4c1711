using System.Diagnostics;
using OpenQA.Selenium;

namespace FleepServer.BrowserTests;

/// <summary>
/// A shown attachment: its message's flow number, the name and size as the page shows them, the
/// download link's address and <c>download</c> name, and the preview image's <c>src</c> (null
/// without one) with whether it has loaded (<c>naturalWidth</c> &gt; 0).
/// </summary>
public sealed record ShownAttachment(int Nr, string Name, string Size, string? Href, string? DownloadName, string? DownloadLabel,
    string? ThumbSrc, bool ThumbLoaded);

/// <summary>Files in the web client, as a person handles them: the "Attach file" picker, a paste, a drop, and what a message shows.</summary>
public static class FilesPageActions
{
    private const string FileInput = ".composer input[type=file]";

    /// <summary>Chooses a file on disk in the composer's "Attach file" picker (the input a click on its label opens).</summary>
    public static void AttachFile(this ChatPage page, string path)
    {
        var label = page.Browser.Find(".composer label.attach");
        Assert.Equal("Attach file", label.Text);
        page.Browser.Driver.FindElement(By.CssSelector(FileInput)).SendKeys(path);
    }

    /// <summary>Puts a file made in the page (any name, also one no file system allows) into the picker, as choosing it would.</summary>
    public static void AttachMadeFile(this ChatPage page, string name, byte[] content, string type)
    {
        page.Browser.Find(".composer label.attach");
        page.Browser.Script(
            """
            const [name, base64, type] = arguments;
            const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type }));
            const input = document.querySelector('.composer input[type=file]');
            input.files = transfer.files;
            input.dispatchEvent(new Event('change', { bubbles: true }));
            """,
            name, Convert.ToBase64String(content), type);
    }

    /// <summary>Pastes a file into the composer: a paste event whose clipboard holds it (a copied image has no name).</summary>
    public static void PasteFile(this ChatPage page, string name, byte[] content, string type)
    {
        var composer = page.Composer;
        var handled = page.Browser.Script(
            """
            const [target, name, base64, type] = arguments;
            const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
            const clipboard = new DataTransfer();
            clipboard.items.add(new File([bytes], name, { type }));
            const event = new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true });
            target.dispatchEvent(event);
            return event.defaultPrevented;
            """,
            composer, name, Convert.ToBase64String(content), type);
        Assert.Equal(true, handled);
    }

    /// <summary>
    /// Drags a file over the open conversation's messages (the drop hint shows) and drops it there:
    /// the events a browser sends, with a DataTransfer holding the file.
    /// </summary>
    public static void DropFile(this ChatPage page, string name, byte[] content, string type)
    {
        var browser = page.Browser;
        var messages = browser.Find("ol.messages");
        browser.Script(
            """
            const [target, name, base64, type] = arguments;
            const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type }));
            window.__fleepDrop = transfer;
            target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true }));
            target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
            """,
            messages, name, Convert.ToBase64String(content), type);
        browser.Wait(() => browser.Text(".conversation .drop-hint") == "Drop files to send them here", "the drop hint over the conversation");
        var taken = browser.Script(
            """
            const target = arguments[0];
            const event = new DragEvent('drop', { dataTransfer: window.__fleepDrop, bubbles: true, cancelable: true });
            target.dispatchEvent(event);
            delete window.__fleepDrop;
            return event.defaultPrevented;
            """,
            messages);
        Assert.Equal(true, taken);
        browser.Wait(() => browser.All(".conversation .drop-hint").Count == 0, "the drop hint gone after the drop");
    }

    /// <summary>Starts noting every upload status line the page shows (they come and go quickly), for <see cref="UploadStatusesSeen"/>.</summary>
    public static void WatchUploadStatuses(this ChatPage page) => page.Browser.Script(
        """
        window.__fleepUploads = [];
        const note = () => document.querySelectorAll('.uploads [role=status]').forEach((e) => {
          if (!window.__fleepUploads.includes(e.textContent)) window.__fleepUploads.push(e.textContent);
        });
        new MutationObserver(note).observe(document.body, { childList: true, subtree: true, characterData: true });
        """);

    /// <summary>The upload status lines shown since <see cref="WatchUploadStatuses"/>.</summary>
    public static IReadOnlyList<string> UploadStatusesSeen(this ChatPage page) =>
        ((IEnumerable<object?>)page.Browser.Script("return window.__fleepUploads")!).Select(o => (string)o!).ToList();

    /// <summary>Every attachment the open conversation shows, read in one pass over the page.</summary>
    public static IReadOnlyList<ShownAttachment> Attachments(this ChatPage page)
    {
        var rows = page.Browser.Script(
            """
            return Array.from(document.querySelectorAll('ol.messages li.message .attachments li.attachment'), (li) => {
              const link = li.querySelector('a.download');
              const img = li.querySelector('img');
              return [
                li.closest('li.message').getAttribute('data-message-nr'),
                li.querySelector('.file-name')?.textContent ?? '',
                li.querySelector('.file-size')?.textContent ?? '',
                link?.getAttribute('href') ?? null,
                link?.getAttribute('download') ?? null,
                link?.getAttribute('aria-label') ?? null,
                img?.getAttribute('src') ?? null,
                img ? img.complete && img.naturalWidth > 0 : false,
              ];
            });
            """) as IEnumerable<object?> ?? [];
        return rows.Select(r => ((IEnumerable<object?>)r!).ToList()).Select(r => new ShownAttachment(
            int.Parse((string)r[0]!), (string)r[1]!, (string)r[2]!, (string?)r[3], (string?)r[4], (string?)r[5], (string?)r[6], (bool)r[7]!)).ToList();
    }

    /// <summary>Waits until an attachment satisfies <paramref name="match"/>; returns it and how long that took.</summary>
    public static (ShownAttachment Attachment, TimeSpan Took) WaitForAttachment(this ChatPage page, Func<ShownAttachment, bool> match, string what,
        TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var found = page.Browser.Wait(() => page.Attachments().FirstOrDefault(match), what, timeout);
        return (found, clock.Elapsed);
    }

    /// <summary>GETs a same-origin address from the page (the browser's own session cookie) and returns the status and bytes.</summary>
    public static (long Status, byte[] Body) FetchFromPage(this ChatPage page, string href)
    {
        var driver = (IJavaScriptExecutor)page.Browser.Driver;
        var answer = driver.ExecuteAsyncScript(
            """
            const [href, done] = arguments;
            fetch(href, { credentials: 'same-origin' })
              .then(async (r) => {
                const bytes = new Uint8Array(await r.arrayBuffer());
                let binary = '';
                for (const b of bytes) binary += String.fromCharCode(b);
                done([r.status, btoa(binary)]);
              })
              .catch((e) => done([0, String(e)]));
            """,
            href) as IEnumerable<object?>;
        var parts = answer!.ToList();
        return ((long)parts[0]!, Convert.FromBase64String((string)parts[1]!));
    }

    /// <summary>A size as the page writes it: bytes below 1 KB, else KB/MB/… with one decimal below 10.</summary>
    public static string ShownSize(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return unit == 0 ? $"{bytes} B" : $"{(value < 10 ? value.ToString("0.0", invariant) : Math.Round(value).ToString(invariant))} {units[unit]}";
    }
}
