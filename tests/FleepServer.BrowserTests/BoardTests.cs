using System.Diagnostics;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.BrowserTests;

/// <summary>
/// Pins and tasks made on a message in one browser reach the other member's open pinboard and
/// taskboard by the long-poll, without a reload; unpinning and marking done move them again.
/// </summary>
public sealed class BoardTests(BrowserServerFixture server) : IClassFixture<BrowserServerFixture>
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(3);
    private const string Password = "correct horse battery";

    private async Task<(Browser A, Browser B, ChatPage Alice, ChatPage Bob)> TwoMembersAsync(string topic)
    {
        var aliceEmail = BrowserServerFixture.NewEmail("alice");
        var bobEmail = BrowserServerFixture.NewEmail("bob");
        using (var api = server.NewClient())
        {
            await api.RegisterAsync(aliceEmail, Password, "Alice Pinner");
            await api.RegisterAsync(bobEmail, Password, "Bob Reader");
        }

        var a = new Browser(server.BaseAddress);
        var b = new Browser(server.BaseAddress);
        var alice = new ChatPage(a);
        var bob = new ChatPage(b);
        alice.LogIn(aliceEmail, Password);
        bob.LogIn(bobEmail, Password);
        alice.CreateConversation(topic, bobEmail);
        bob.Open(topic);
        return (a, b, alice, bob);
    }

    [Fact]
    public async Task A_pin_made_in_one_browser_shows_on_the_others_pinboard_and_unpinning_removes_it()
    {
        var (a, b, alice, bob) = await TwoMembersAsync("Pins here");
        using var _a = a;
        using var _b = b;

        alice.Send("Keep this in mind");
        var kept = alice.WaitForMessage(m => m.Body == "Keep this in mind", "the message to pin").Message;
        alice.Send("Just chatting");
        bob.WaitForMessage(m => m.Body == "Just chatting", "both messages in Bob's page");

        bob.OpenPinboard();
        Assert.Empty(bob.BoardEntries("pins"));
        Assert.Equal("Nothing is pinned.", b.Text("#board-panel .board-empty"));

        // Alice pins; Bob's open pinboard shows it without a reload.
        var clock = Stopwatch.StartNew();
        alice.MessageAction(kept.Nr, "Pin message");
        a.Wait(() => alice.MessageBadge(kept.Nr) == "Pinned", "the Pinned label in Alice's page");
        var pinned = b.Wait(() => bob.BoardEntries("pins").SingleOrDefault(), "the pin on Bob's pinboard", Live);
        Assert.True(clock.Elapsed <= Live, $"took {clock.Elapsed}");
        Assert.Equal(new BoardEntry(kept.Nr, "Alice Pinner", "Keep this in mind"), pinned);
        b.Wait(() => bob.MessageBadge(kept.Nr) == "Pinned", "the Pinned label in Bob's history");
        Assert.Empty(b.All("#board-panel .board-empty"));

        // A second pin goes on top (the newest pin first).
        var chatting = alice.Messages().Single(m => m.Body == "Just chatting");
        alice.MessageAction(chatting.Nr, "Pin message");
        b.Wait(() => bob.BoardEntries("pins").Count == 2, "two pins on Bob's pinboard", Live);
        Assert.Equal(new[] { chatting.Nr, kept.Nr }, bob.BoardEntries("pins").Select(e => e.Nr));
        b.Screenshot("pinboard");

        // Alice unpins the first from her own pinboard; it leaves Bob's.
        alice.OpenPinboard();
        Assert.Equal(2, alice.BoardEntries("pins").Count);
        clock.Restart();
        alice.BoardAction(kept.Nr, "Unpin message");
        b.Wait(() => bob.BoardEntries("pins").Count == 1, "the unpinned message gone from Bob's pinboard", Live);
        Assert.True(clock.Elapsed <= Live, $"took {clock.Elapsed}");
        Assert.Equal(chatting.Nr, Assert.Single(bob.BoardEntries("pins")).Nr);
        b.Wait(() => bob.MessageBadge(kept.Nr) == "", "no label on the unpinned message in Bob's history");
        Assert.Single(alice.BoardEntries("pins"));

        // A reload reads the pinboard from the server.
        b.Driver.Navigate().Refresh();
        bob.WaitForList();
        b.Wait(() => b.Text("#conversation-title") == "Pins here", "the conversation after the reload");
        bob.OpenPinboard();
        Assert.Equal(chatting.Nr, Assert.Single(bob.BoardEntries("pins")).Nr);

        Assert.Empty(a.ConsoleErrors());
        Assert.Empty(b.ConsoleErrors());
    }

    [Fact]
    public async Task A_task_made_in_one_browser_shows_on_the_others_taskboard_and_done_moves_it()
    {
        var (a, b, alice, bob) = await TwoMembersAsync("Tasks here");
        using var _a = a;
        using var _b = b;

        alice.Send("Book the room");
        var task = alice.WaitForMessage(m => m.Body == "Book the room", "the message to make a task of").Message;
        bob.WaitForMessage(m => m.Body == "Book the room", "the message in Bob's page");
        bob.OpenTaskboard();
        Assert.Empty(bob.BoardEntries("tasks-open"));
        Assert.Empty(bob.BoardEntries("tasks-done"));

        // Alice makes it a task: Bob's taskboard lists it under To do.
        var clock = Stopwatch.StartNew();
        alice.MessageAction(task.Nr, "Make a task");
        var open = b.Wait(() => bob.BoardEntries("tasks-open").SingleOrDefault(), "the task on Bob's taskboard", Live);
        Assert.True(clock.Elapsed <= Live, $"took {clock.Elapsed}");
        Assert.Equal(new BoardEntry(task.Nr, "Alice Pinner", "Book the room"), open);
        Assert.Empty(bob.BoardEntries("tasks-done"));
        a.Wait(() => alice.MessageBadge(task.Nr) == "Task", "the Task label in Alice's page");

        // Alice marks it done: it moves to Done on Bob's taskboard.
        clock.Restart();
        alice.MessageAction(task.Nr, "Mark task done");
        b.Wait(() => bob.BoardEntries("tasks-done").Count == 1 && bob.BoardEntries("tasks-open").Count == 0, "the task under Done on Bob's taskboard", Live);
        Assert.True(clock.Elapsed <= Live, $"took {clock.Elapsed}");
        Assert.Equal(task.Nr, Assert.Single(bob.BoardEntries("tasks-done")).Nr);
        b.Wait(() => bob.MessageBadge(task.Nr) == "Done", "the Done label in Bob's history");

        // Bob marks it not done from his taskboard: back under To do in Alice's taskboard.
        alice.OpenTaskboard();
        Assert.Single(alice.BoardEntries("tasks-done"));
        bob.BoardAction(task.Nr, "Mark task not done");
        a.Wait(() => alice.BoardEntries("tasks-open").Count == 1 && alice.BoardEntries("tasks-done").Count == 0, "the task back under To do for Alice", Live);
        Assert.Equal(task.Nr, Assert.Single(bob.BoardEntries("tasks-open")).Nr);
        a.Screenshot("taskboard");

        Assert.Empty(a.ConsoleErrors());
        Assert.Empty(b.ConsoleErrors());
    }

    [Fact]
    public async Task The_boards_list_pins_and_tasks_of_messages_older_than_the_history_shown()
    {
        const int count = 100;
        var bobEmail = BrowserServerFixture.NewEmail("bob");
        using (var api = server.NewClient())
        {
            await api.RegisterAsync(bobEmail, Password, "Bob Reader");
        }

        using var alice = await server.NewAccountAsync("alice");
        var created = (await alice.PostAsync("/api/conversation/create", new { topic = "Old boards", emails = bobEmail })).EnsureOk();
        var conversation = created.Header().GetProperty("conversation_id").GetGuid();
        var numbers = new List<long>();
        for (var i = 1; i <= count; i++)
        {
            numbers.Add((await alice.SendAsync(conversation, $"old {i}")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64());
        }

        (await alice.MessageAsync("store", conversation, new { message_nr = numbers[1], tags = new[] { "pin" } })).EnsureOk();
        (await alice.MessageAsync("store", conversation, new { message_nr = numbers[2], tags = new[] { "is_todo" } })).EnsureOk();
        (await alice.MessageAsync("store", conversation, new { message_nr = numbers[3], tags = new[] { "is_done" } })).EnsureOk();

        using var browser = new Browser(server.BaseAddress);
        var bob = new ChatPage(browser);
        bob.LogIn(bobEmail, Password);
        bob.Open("Old boards");
        bob.WaitForMessage(m => m.Body == $"old {count}", "the newest message");
        Assert.DoesNotContain(bob.Messages(), m => m.Body is "old 2" or "old 3" or "old 4");

        bob.OpenPinboard();
        Assert.Equal("old 2", Assert.Single(bob.BoardEntries("pins")).Body);
        bob.OpenTaskboard();
        Assert.Equal("old 3", Assert.Single(bob.BoardEntries("tasks-open")).Body);
        Assert.Equal("old 4", Assert.Single(bob.BoardEntries("tasks-done")).Body);

        // The board's messages stay on the board: the history still starts where it was loaded.
        Assert.DoesNotContain(bob.Messages(), m => m.Body is "old 2" or "old 3" or "old 4");
        Assert.Empty(browser.ConsoleErrors());
    }
}
