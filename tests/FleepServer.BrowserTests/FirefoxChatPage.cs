using System.Diagnostics;

namespace FleepServer.BrowserTests;

/// <summary>
/// What a person does in the web client in Firefox, as they do it: through the page's labelled
/// controls, the same ones <see cref="ChatPage"/> uses in chromium.
/// </summary>
public sealed class FirefoxChatPage(FirefoxWindow window)
{
    public FirefoxWindow Window => window;

    public async Task RegisterAsync(string displayName, string email, string password)
    {
        await window.OpenAsync("/");
        await window.ClickAsync("form.card button.link");
        await window.WaitAsync("the registration form", "() => document.querySelector('#auth-title')?.textContent === 'Create an account'");
        await window.TypeAsync("input[name=display_name]", displayName);
        await window.TypeAsync("input[name=email]", email);
        await window.TypeAsync("input[name=password]", password);
        await window.ClickAsync("form.card button[type=submit]");
        await WaitForListAsync();
    }

    public async Task LogInAsync(string email, string password)
    {
        await window.OpenAsync("/");
        await window.WaitAsync("the login form", "() => document.querySelector('#auth-title')?.textContent === 'Log in'");
        await window.TypeAsync("input[name=email]", email);
        await window.TypeAsync("input[name=password]", password);
        await window.ClickAsync("form.card button[type=submit]");
        await WaitForListAsync();
    }

    /// <summary>Logged in and the first sync done: the list (or its "no conversations" line) is shown.</summary>
    public Task WaitForListAsync() =>
        window.WaitAsync("the conversation list, synced", "() => document.querySelector('nav[aria-label=Conversations][aria-busy=false]') !== null");

    public async Task CreateConversationAsync(string topic, params string[] emails)
    {
        await window.ClickAsync("button.new");
        await window.TypeAsync("input[name=topic]", topic);
        await window.TypeAsync("input[name=emails]", string.Join(", ", emails));
        await window.ClickAsync("form.create button[type=submit]");
        await WaitForTitleAsync(topic);
    }

    private Task WaitForTitleAsync(string topic) =>
        window.WaitAsync($"conversation {topic} open", "(topic) => document.querySelector('#conversation-title')?.textContent === topic", topic);

    /// <summary>The conversation list's topics, in the list's order.</summary>
    public Task<string[]> ConversationsAsync() =>
        window.ScriptAsync<string[]>("() => [...document.querySelectorAll('button.conv .topic')].map((t) => t.textContent)");

    public Task WaitForConversationAsync(string topic, TimeSpan? timeout = null) =>
        window.WaitAsync<bool>($"conversation {topic} in the list", timeout,
            "(topic) => [...document.querySelectorAll('button.conv .topic')].some((t) => t.textContent === topic)", topic);

    public async Task OpenAsync(string topic)
    {
        await WaitForConversationAsync(topic);
        var id = await window.ScriptAsync<string>(
            "(topic) => [...document.querySelectorAll('button.conv')].find((b) => b.querySelector('.topic')?.textContent === topic)?.dataset.conversationId",
            topic);
        Assert.False(string.IsNullOrEmpty(id), $"conversation {topic} in the list");
        await window.ClickAsync($"button.conv[data-conversation-id='{id}']");
        await WaitForTitleAsync(topic);
    }

    /// <summary>Types the text in the composer (Shift+Enter for each line break) and presses Enter.</summary>
    public async Task SendAsync(string text) =>
        await window.TypeAsync("textarea[name=message]",
            text.Replace("\n", $"{FirefoxWindow.Shift}{FirefoxWindow.Enter}", StringComparison.Ordinal) + FirefoxWindow.Enter);

    /// <summary>The shown messages (system messages left out), in the page's order.</summary>
    public Task<ShownMessage[]> MessagesAsync() => window.ScriptAsync<ShownMessage[]>(MessagesScript);

    private const string MessagesScript = """
        () => [...document.querySelectorAll('ol.messages li.message:not(.system)')].map((li) => ({
          nr: Number(li.getAttribute('data-message-nr')),
          author: li.querySelector('.author')?.innerText ?? '',
          body: li.querySelector('.body')?.innerText ?? '',
          deleted: li.classList.contains('deleted'),
          edited: li.querySelector('.edited') !== null,
        }))
        """;

    /// <summary>Waits until a shown message has <paramref name="body"/> (and, when given, <paramref name="nr"/>); returns it and how long that took.</summary>
    public async Task<(ShownMessage Message, TimeSpan Took)> WaitForMessageAsync(string body, string what, TimeSpan? timeout = null, int? nr = null)
    {
        var clock = Stopwatch.StartNew();
        var message = await window.WaitAsync<ShownMessage>(what, timeout,
            $"(body, nr) => ({MessagesScript})().find((m) => m.body === body && (nr < 0 || m.nr === nr)) ?? null", body, nr ?? -1);
        return (message, clock.Elapsed);
    }
}
