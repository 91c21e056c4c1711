using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using OpenQA.Selenium.BiDi;
using OpenQA.Selenium.BiDi.BrowsingContext;
using OpenQA.Selenium.BiDi.Input;
using OpenQA.Selenium.BiDi.Log;
using OpenQA.Selenium.BiDi.Script;
using OpenQA.Selenium.BiDi.Session;
using BiDiUserContext = OpenQA.Selenium.BiDi.Browser.UserContext;

namespace FleepServer.BrowserTests;

/// <summary>
/// A headless Firefox (Debian's firefox-esr; FIREFOX names another binary), driven over WebDriver
/// BiDi, the W3C protocol Firefox serves itself: started with <c>--remote-debugging-port=0</c> on
/// a fresh profile it prints the WebSocket it listens on, and Selenium's BiDi client connects to
/// it directly (<c>BiDi.ConnectAsync</c>, then <c>session.new</c>). No geckodriver is involved
/// (docs/web-client.md, "Firefox"). Each <see cref="FirefoxWindow"/> is a window in a user context
/// of its own, so each person has their own cookies and storage, as with separate profiles; a
/// window rather than a tab, because a tab behind another is a background page, whose rendering and
/// timers the browser holds back.
/// </summary>
public sealed class Firefox : IAsyncDisposable
{
    private readonly Process process;
    private readonly string profile;
    private readonly IBiDi bidi;
    private readonly ConcurrentQueue<(string Context, string Text)> errors = new();
    private readonly ConcurrentQueue<(string Context, string Message)> prompts = new();

    private Firefox(Process process, string profile, IBiDi bidi)
    {
        this.process = process;
        this.profile = profile;
        this.bidi = bidi;
    }

    internal IBiDi BiDi => bidi;

    public static async Task<Firefox> StartAsync()
    {
        var binary = Environment.GetEnvironmentVariable("FIREFOX")
            ?? new[] { "/usr/bin/firefox-esr", "/usr/bin/firefox" }.FirstOrDefault(File.Exists)
            ?? "/usr/bin/firefox-esr";
        Assert.True(File.Exists(binary), $"Firefox is not installed at {binary} (Debian: apt-get install firefox-esr)");

        var profile = Directory.CreateTempSubdirectory("fleep-firefox-").FullName;
        // Firefox applies its recommended automation preferences itself once remote control is on;
        // these only keep a test browser from reaching out or asking anything.
        await File.WriteAllTextAsync(Path.Combine(profile, "user.js"), """
            user_pref("remote.active-protocols", 1);
            user_pref("browser.shell.checkDefaultBrowser", false);
            user_pref("signon.rememberSignons", false);
            user_pref("app.normandy.enabled", false);
            user_pref("messaging-system.rsexperimentloader.enabled", false);
            user_pref("datareporting.policy.dataSubmissionEnabled", false);
            user_pref("toolkit.telemetry.enabled", false);
            """);

        var start = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "--headless", "--no-remote", "-profile", profile, "--remote-debugging-port=0", "about:blank" })
        {
            start.ArgumentList.Add(argument);
        }

        // Firefox says on stderr where it listens; the rest of what it prints is kept for a failure's message.
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var said = new ConcurrentQueue<string>();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{binary} did not start");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            said.Enqueue(line);
            const string prefix = "WebDriver BiDi listening on ";
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                listening.TrySetResult(line[prefix.Length..].Trim());
            }
        };
        process.OutputDataReceived += (_, e) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
            if (first != listening.Task)
            {
                throw new InvalidOperationException(
                    $"Firefox ({binary}) did not open its WebDriver BiDi port{(first == exited ? $": it exited with {process.ExitCode}" : " within 60 s")}; it said:\n{string.Join('\n', said)}");
            }

            var bidi = await OpenQA.Selenium.BiDi.BiDi.ConnectAsync(new Uri($"{listening.Task.Result}/session"), null, CancellationToken.None);
            await bidi.NewAsync(new CapabilitiesRequest { AlwaysMatch = new CapabilityRequest() }, null, CancellationToken.None);
            var firefox = new Firefox(process, profile, bidi);
            await bidi.Log.EntryAdded.SubscribeAsync(firefox.OnLogEntry, CancellationToken.None);
            await bidi.BrowsingContext.UserPromptOpened.SubscribeAsync(
                e => firefox.prompts.Enqueue((e.Context.Id, e.Message)), CancellationToken.None);
            return firefox;
        }
        catch
        {
            Stop(process, profile);
            throw;
        }
    }

    private void OnLogEntry(EntryAddedEventArgs entry)
    {
        if (entry.Level == Level.Error)
        {
            errors.Enqueue((entry.Source.Context?.Id ?? "", entry.Text ?? ""));
        }
    }

    internal IReadOnlyList<string> ErrorsOf(BrowsingContext context) =>
        errors.Where(e => e.Context == context.Id).Select(e => e.Text).ToList();

    internal IReadOnlyList<string> PromptsOf(BrowsingContext context) =>
        prompts.Where(p => p.Context == context.Id).Select(p => p.Message).ToList();

    /// <summary>A new window (in a user context of its own: its own cookies and storage) on <paramref name="baseAddress"/>.</summary>
    public async Task<FirefoxWindow> NewWindowAsync(Uri baseAddress)
    {
        var user = await bidi.Browser.CreateUserContextAsync(null, CancellationToken.None);
        var created = await bidi.BrowsingContext.CreateAsync(ContextType.Window, new CreateOptions { UserContext = user.UserContext }, CancellationToken.None);
        var window = new FirefoxWindow(this, created.Context, user.UserContext, baseAddress);
        await window.SetViewportAsync(1200, 900);
        return window;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await bidi.DisposeAsync();
        }
        finally
        {
            Stop(process, profile);
        }
    }

    private static void Stop(Process process, string profile)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        finally
        {
            process.Dispose();
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // Firefox may still be letting go of its profile; the temporary folder is cleaned up by the system.
            }
        }
    }
}

/// <summary>
/// One person's window in <see cref="Firefox"/>: finds elements with CSS selectors, clicks them
/// with the pointer and types with the keyboard (<c>input.performActions</c>, real input events),
/// reads the page with <c>script.callFunction</c>, and waits on signals by asking again every few
/// milliseconds.
/// </summary>
public sealed class FirefoxWindow : IAsyncDisposable
{
    /// <summary>WebDriver's key codes for the keys the tests press.</summary>
    public const char Enter = '\uE007';
    public const char Shift = '\uE008';

    private readonly Firefox firefox;
    private readonly BrowsingContext context;
    private readonly BiDiUserContext user;

    internal FirefoxWindow(Firefox firefox, BrowsingContext context, BiDiUserContext user, Uri baseAddress)
    {
        this.firefox = firefox;
        this.context = context;
        this.user = user;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    private IBiDi BiDi => firefox.BiDi;

    public async Task OpenAsync(string path = "/") =>
        await context.NavigateAsync(new Uri(BaseAddress, path).ToString(), new NavigateOptions { Wait = ReadinessState.Complete }, CancellationToken.None);

    public async Task ReloadAsync() =>
        await context.ReloadAsync(new ReloadOptions { Wait = ReadinessState.Complete }, CancellationToken.None);

    public async Task SetViewportAsync(int width, int height) =>
        await context.SetViewportAsync(new ContextSetViewportOptions { Viewport = new Viewport(width, height) }, CancellationToken.None);

    /// <summary>
    /// Calls <paramref name="function"/> (JavaScript, e.g. <c>(css) =&gt; …</c>) in the page with
    /// <paramref name="args"/> (strings, numbers, booleans) and returns its result through JSON.
    /// </summary>
    public async Task<T> ScriptAsync<T>(string function, params object[] args)
    {
        var result = await CallAsync($"(...args) => JSON.stringify(({function})(...args) ?? null)", args);
        var json = result is StringRemoteValue text ? text.Value : "null";
        return JsonSerializer.Deserialize<T>(json, JsonOptions)!;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private async Task<RemoteValue> CallAsync(string function, object[] args)
    {
        var options = new CallFunctionOptions { Arguments = [.. args.Select(LocalValue.ConvertFrom)] };
        var result = await BiDi.Script.CallFunctionAsync(function, false, new ContextTarget(context), options, CancellationToken.None);
        return result switch
        {
            EvaluateResultSuccess success => success.Result,
            EvaluateResultException failure => throw new InvalidOperationException($"the page's script failed: {failure.ExceptionDetails.Text}"),
            _ => throw new InvalidOperationException($"unexpected script result {result}"),
        };
    }

    /// <summary>
    /// Waits for <paramref name="function"/> (JavaScript, called with <paramref name="args"/>) to
    /// return a value that is neither null nor false, asking again every few milliseconds.
    /// </summary>
    public async Task<T> WaitAsync<T>(string what, TimeSpan? timeout, string function, params object[] args)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (true)
        {
            try
            {
                var json = await ScriptAsync<JsonElement>(function, args);
                if (json.ValueKind is not (JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined))
                {
                    return json.Deserialize<T>(JsonOptions)!;
                }
            }
            catch (InvalidOperationException e)
            {
                // A navigation in between ends the page the call went to; the next call finds the new one.
                last = e;
            }
            catch (BiDiException e)
            {
                last = e;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for {what}; the page says:\n{await DescribeAsync()}", last);
            }

            await Task.Delay(15);
        }
    }

    /// <summary>Waits until <paramref name="function"/> returns true.</summary>
    public Task WaitAsync(string what, string function, params object[] args) => WaitAsync<bool>(what, null, function, args);

    /// <summary>The visible text (<c>innerText</c>) of the first element matching <paramref name="css"/>, or "" when there is none.</summary>
    public Task<string> TextAsync(string css) =>
        ScriptAsync<string>("(css) => document.querySelector(css)?.innerText ?? ''", css);

    /// <summary>For a failure's message: the page's text and what its form fields hold.</summary>
    private async Task<string> DescribeAsync()
    {
        try
        {
            return await ScriptAsync<string>("""
                () => document.body.innerText + '\n' + [...document.querySelectorAll('input, textarea')]
                  .map((e) => `[${e.name}=${e.type === 'password' ? '*'.repeat(e.value.length) : e.value}${e.validationMessage ? ` (${e.validationMessage})` : ''}]`).join(' ') + '\n' + [...document.querySelectorAll('button:disabled')].map((b) => `[disabled ${b.textContent}]`).join(' ')
                  + '\n' + performance.getEntriesByType('resource').map((r) => `${r.name} ${Math.round(r.startTime)}+${Math.round(r.duration)}`).join('\n')
                """);
        }
        catch (Exception e) when (e is InvalidOperationException or BiDiException)
        {
            return $"(unreadable: {e.Message})";
        }
    }

    /// <summary>How many elements match <paramref name="css"/>.</summary>
    public Task<int> CountAsync(string css) => ScriptAsync<int>("(css) => document.querySelectorAll(css).length", css);

    /// <summary>Waits for the first shown, enabled element matching <paramref name="css"/>, brought into view.</summary>
    private async Task<SharedReference> FindAsync(string css)
    {
        const string find = """
            (css) => {
              const element = [...document.querySelectorAll(css)].find((e) => e.getClientRects().length > 0 && !e.disabled);
              element?.scrollIntoView({ block: 'center', inline: 'center' });
              return element ?? null;
            }
            """;
        var limit = TimeSpan.FromSeconds(15);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await CallAsync(find, [css]) is NodeRemoteValue { SharedId: { } id })
            {
                return new SharedReference(id);
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for a shown {css}; the page says:\n{await DescribeAsync()}");
            }

            await Task.Delay(15);
        }
    }

    /// <summary>Clicks the middle of the first shown, enabled element matching <paramref name="css"/> with the mouse.</summary>
    public async Task ClickAsync(string css)
    {
        var element = await FindAsync(css);
        await BiDi.Input.PerformActionsAsync(context,
            [new PointerSourceActions("mouse", [new PointerMoveAction(0, 0) { Origin = new ElementOrigin(element) }, new PointerDownAction(0), new PointerUpAction(0)])],
            null, CancellationToken.None);
    }

    /// <summary>
    /// Clicks the element matching <paramref name="css"/> (which focuses it) and types
    /// <paramref name="text"/> key by key; <see cref="Enter"/> is that key, <see cref="Shift"/> holds Shift for the next key.
    /// </summary>
    public async Task TypeAsync(string css, string text)
    {
        await ClickAsync(css);
        await PressAsync(text);
    }

    /// <summary>Types <paramref name="text"/> key by key into what has the focus.</summary>
    public async Task PressAsync(string text)
    {
        var keys = new List<IKeySourceAction>();
        var shifted = false;
        foreach (var key in text)
        {
            keys.Add(new KeyDownAction(key));
            if (key == Shift)
            {
                shifted = true;
                continue;
            }

            keys.Add(new KeyUpAction(key));
            if (shifted)
            {
                keys.Add(new KeyUpAction(Shift));
                shifted = false;
            }
        }

        await BiDi.Input.PerformActionsAsync(context, [new KeySourceActions("keyboard", [.. keys])], null, CancellationToken.None);
    }

    /// <summary>What the page wrote to the console at level error, and its uncaught errors, so far.</summary>
    public IReadOnlyList<string> ConsoleErrors() => firefox.ErrorsOf(context);

    /// <summary>The messages of the JavaScript dialogs (alert, confirm, prompt) the page opened so far.</summary>
    public IReadOnlyList<string> Prompts() => firefox.PromptsOf(context);

    /// <summary>Saves what the window shows as <paramref name="name"/>.png in the folder FLEEP_SCREENSHOTS names; without it, nothing.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var folder = Environment.GetEnvironmentVariable("FLEEP_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder))
        {
            return;
        }

        Directory.CreateDirectory(folder);
        var shot = await context.CaptureScreenshotAsync(null, CancellationToken.None);
        await File.WriteAllBytesAsync(Path.Combine(folder, $"{name}.png"), shot.ToByteArray());
    }

    /// <summary>Closes the window and drops its user context; a browser already gone (a failed test) is no further error.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await context.CloseAsync(null, CancellationToken.None);
            await BiDi.Browser.RemoveUserContextAsync(user, null, CancellationToken.None);
        }
        catch (Exception e) when (e is BiDiException or System.Net.WebSockets.WebSocketException or ObjectDisposedException)
        {
            // The test's own failure is the one worth reporting.
        }
    }
}
