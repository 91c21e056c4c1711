using System.Diagnostics;
using System.Collections.ObjectModel;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace FleepServer.BrowserTests;

/// <summary>
/// One person's browser: a headless chromium of its own (own profile, so own cookies and
/// storage), driven through chromedriver. The system's chromium and chromedriver are used
/// (CHROMIUM and CHROMEDRIVER override where they are); nothing is downloaded.
/// </summary>
public sealed class Browser : IDisposable
{
    private readonly string profile = Directory.CreateTempSubdirectory("fleep-browser-").FullName;
    private readonly ChromeDriver driver;

    public Browser(Uri baseAddress)
    {
        BaseAddress = baseAddress;
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium";
        var chromedriver = Environment.GetEnvironmentVariable("CHROMEDRIVER") ?? "/usr/bin/chromedriver";
        Assert.True(File.Exists(chromium), $"chromium is not installed at {chromium} (Debian: apt-get install chromium chromium-driver)");
        Assert.True(File.Exists(chromedriver), $"chromedriver is not installed at {chromedriver} (Debian: apt-get install chromium-driver)");

        var options = new ChromeOptions { BinaryLocation = chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
            "--disable-extensions", "--disable-background-networking", "--window-size=1200,900", $"--user-data-dir={profile}");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(chromedriver)!, Path.GetFileName(chromedriver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        driver.Manage().Timeouts().ImplicitWait = TimeSpan.Zero;
    }

    public Uri BaseAddress { get; set; }

    public IWebDriver Driver => driver;

    public void Open(string path = "/") => driver.Navigate().GoToUrl(new Uri(BaseAddress, path));

    public void SetWindowSize(int width, int height) => driver.Manage().Window.Size = new System.Drawing.Size(width, height);

    public IWebElement Find(string css) => Wait(() => driver.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed), $"an element {css}");

    /// <summary>Clicks the first shown element matching <paramref name="css"/>, finding it again if the page replaced it meanwhile.</summary>
    public void Click(string css) => Wait(() =>
    {
        var element = driver.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed && e.Enabled);
        element?.Click();
        return element is not null;
    }, $"a clickable {css}");

    public ReadOnlyCollection<IWebElement> All(string css) => driver.FindElements(By.CssSelector(css));

    public object? Script(string script, params object[] args) => driver.ExecuteScript(script, args);

    /// <summary>
    /// Waits for <paramref name="condition"/> to give a value (not null/false), asking again every
    /// few milliseconds; elements replaced while it looks are looked up again.
    /// </summary>
    public T Wait<T>(Func<T?> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (true)
        {
            try
            {
                var value = condition();
                if (value is not null && value is not false)
                {
                    return value;
                }
            }
            catch (StaleElementReferenceException e)
            {
                last = e;
            }
            catch (NoSuchElementException e)
            {
                last = e;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for {what}; the page says:\n{Text("body")}", last);
            }

            Thread.Sleep(15);
        }
    }

    /// <summary>The visible text of the first element matching <paramref name="css"/>, or "" when there is none.</summary>
    public string Text(string css)
    {
        try
        {
            return driver.FindElements(By.CssSelector(css)).FirstOrDefault()?.Text ?? "";
        }
        catch (WebDriverException)
        {
            return "";
        }
    }

    /// <summary>What the page wrote to the console at level error (SEVERE) since the last call.</summary>
    public IReadOnlyList<string> ConsoleErrors() =>
        driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= LogLevel.Severe).Select(e => e.Message).ToList();

    /// <summary>
    /// Saves what the window shows as <paramref name="name"/>.png in the folder FLEEP_SCREENSHOTS
    /// names (CI keeps them as artefacts); without it, nothing.
    /// </summary>
    public void Screenshot(string name)
    {
        var folder = Environment.GetEnvironmentVariable("FLEEP_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder))
        {
            return;
        }

        Directory.CreateDirectory(folder);
        driver.GetScreenshot().SaveAsFile(Path.Combine(folder, $"{name}.png"));
    }

    /// <summary>Whether a JavaScript dialog (alert, confirm) is open.</summary>
    public bool HasAlert()
    {
        try
        {
            driver.SwitchTo().Alert();
            return true;
        }
        catch (NoAlertPresentException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            driver.Quit();
        }
        finally
        {
            driver.Dispose();
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // chromium may still be letting go of its profile; the temporary folder is cleaned up by the system.
            }
        }
    }
}
