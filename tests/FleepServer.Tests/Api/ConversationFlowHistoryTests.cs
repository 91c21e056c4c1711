using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Api;

/// <summary>
/// The ConvInfo counters along a scripted history : after every step,
/// every *_message_nr field of every member's header is asserted. Columns of each row:
/// join begin read read_inbox send show last inbox_msg last_inbox unread hide delete disclose topic can_post mark_unread.
/// </summary>
public sealed class ConversationFlowHistoryTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static readonly string[] Columns =
    [
        "join_message_nr", "begin_message_nr", "read_message_nr", "read_inbox_nr", "send_message_nr", "show_message_nr",
        "last_message_nr", "inbox_message_nr", "last_inbox_nr", "unread_count", "hide_message_nr", "delete_message_nr",
        "disclose_message_nr", "topic_message_nr", "can_post", "is_mark_unread",
    ];

    [Fact]
    public async Task Counters_follow_create_send_read_edit_delete_add_leave_hide_and_rejoin()
    {
        using var a = await server.NewAccountAsync("a");
        using var b = await server.NewAccountAsync("b");
        using var c = await server.NewAccountAsync("c");
        using var d = await server.NewAccountAsync("d");
        var conv = Guid.Empty;
        var who = new Dictionary<string, FleepTestClient> { ["A"] = a, ["B"] = b, ["C"] = c, ["D"] = d };

        var script = new (string Step, Func<Task> Act, (string Who, string Row)[] Expect)[]
        {
            ("A creates with B and C (flow 1)", async () => conv = await a.CreateConversationAsync("readings", b, c),
            [
                ("A", "1 1 1 0 1 1 1 1 0 0 0 0 0 1 T F"),
                ("B", "1 1 0 0 1 1 1 1 0 0 0 0 0 1 T F"),
                ("C", "1 1 0 0 1 1 1 1 0 0 0 0 0 1 T F"),
            ]),
            ("A posts 2, 3, 4 (inbox 1-3)", async () =>
            {
                foreach (var text in new[] { "one", "two", "three" })
                {
                    (await a.SendAsync(conv, text)).EnsureOk();
                }
            },
            [
                ("A", "1 1 4 3 1 4 4 4 3 0 0 0 0 1 T F"),
                ("B", "1 1 0 0 1 4 4 2 3 3 0 0 0 1 T F"),
                ("C", "1 1 0 0 1 4 4 2 3 3 0 0 0 1 T F"),
            ]),
            ("B store read_message_nr 4", async () => (await b.ConvAsync("store", conv, new { read_message_nr = 4 })).EnsureOk(),
            [("B", "1 1 4 3 1 4 4 4 3 0 0 0 0 1 T F")]),
            ("C conversation/mark_read", async () => (await c.ConvAsync("mark_read", conv)).EnsureOk(),
            [("C", "1 1 4 3 1 4 4 4 3 0 0 0 0 1 T F")]),
            ("C store read_message_nr 1 (mark unread)", async () => (await c.ConvAsync("store", conv, new { read_message_nr = 1 })).EnsureOk(),
            [("C", "1 1 1 0 1 4 4 2 3 3 0 0 0 1 T T")]),
            ("A edits message 3 (revision, flow 5)", async () => (await a.MessageAsync("edit", conv, new { message_nr = 3, message = "two!" })).EnsureOk(),
            [
                ("A", "1 1 4 3 1 4 5 4 3 0 0 0 0 1 T F"),
                ("B", "1 1 4 3 1 4 5 4 3 0 0 0 0 1 T F"),
                ("C", "1 1 1 0 1 4 5 2 3 3 0 0 0 1 T T"),
            ]),
            ("A deletes message 4 (revision, flow 6)", async () => (await a.MessageAsync("delete", conv, new { message_nr = 4 })).EnsureOk(),
            [
                ("A", "1 1 4 3 1 4 6 4 3 0 0 0 0 1 T F"),
                ("B", "1 1 4 3 1 4 6 4 3 0 0 0 0 1 T F"),
                ("C", "1 1 1 0 1 4 6 2 3 3 0 0 0 1 T T"),
            ]),
            ("A adds D (add message, flow 7)", async () => (await a.ConvAsync("add_members", conv, new { account_ids = new[] { d.AccountId } })).EnsureOk(),
            [
                ("A", "1 1 7 3 1 7 7 4 3 0 0 0 0 1 T F"),
                ("B", "1 1 4 3 1 7 7 4 3 0 0 0 0 1 T F"),
                ("C", "1 1 1 0 1 7 7 2 3 3 0 0 0 1 T T"),
                ("D", "7 7 6 3 7 7 7 7 3 0 0 0 0 1 T F"),
            ]),
            ("C leaves (flow 8)", async () => (await c.ConvAsync("leave", conv)).EnsureOk(),
            [
                ("A", "1 1 7 3 1 8 8 4 3 0 0 0 0 1 T F"),
                ("C", "1 1 8 3 8 8 8 4 3 0 0 0 0 1 F F"),
                ("D", "7 7 6 3 7 8 8 7 3 0 0 0 0 1 T F"),
            ]),
            ("B hides the conversation", async () => (await b.ConvAsync("hide", conv)).EnsureOk(),
            [("B", "1 1 4 3 1 8 8 4 3 0 8 0 0 1 T F")]),
            ("A posts flow 9 (inbox 4): B's conversation is shown again, C sees nothing new", async () => (await a.SendAsync(conv, "back")).EnsureOk(),
            [
                ("A", "1 1 9 4 1 9 9 9 4 0 0 0 0 1 T F"),
                ("B", "1 1 4 3 1 9 9 9 4 1 8 0 0 1 T F"),
                ("C", "1 1 8 3 8 8 8 4 3 0 0 0 0 1 F F"),
                ("D", "7 7 6 3 7 9 9 9 4 1 0 0 0 1 T F"),
            ]),
            ("A re-adds C (add message, flow 10)", async () => (await a.ConvAsync("store", conv, new { add_account_ids = new[] { c.AccountId } })).EnsureOk(),
            [
                ("A", "1 1 10 4 1 10 10 9 4 0 0 0 0 1 T F"),
                ("C", "1 10 9 4 10 10 10 10 4 0 0 0 0 1 T F"),
            ]),
            ("A posts flow 11 (inbox 5)", async () => (await a.SendAsync(conv, "welcome back")).EnsureOk(),
            [
                ("A", "1 1 11 5 1 11 11 11 5 0 0 0 0 1 T F"),
                ("B", "1 1 4 3 1 11 11 9 5 2 8 0 0 1 T F"),
                ("C", "1 10 9 4 10 11 11 11 5 1 0 0 0 1 T F"),
                ("D", "7 7 6 3 7 11 11 9 5 2 0 0 0 1 T F"),
            ]),
        };

        foreach (var (step, act, expect) in script)
        {
            await act();
            foreach (var (name, row) in expect)
            {
                var header = await who[name].HeaderAsync(conv);
                var expected = row.Split(' ');
                for (var i = 0; i < Columns.Length; i++)
                {
                    var actual = header.GetProperty(Columns[i]);
                    var text = actual.ValueKind switch
                    {
                        System.Text.Json.JsonValueKind.True => "T",
                        System.Text.Json.JsonValueKind.False => "F",
                        _ => actual.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    };
                    Assert.True(expected[i] == text, $"after '{step}', {name}.{Columns[i]}: expected {expected[i]}, got {text}");
                }
            }
        }

        // The re-added member sees its earlier membership and the new one, not what was posted while it was away.
        var init = (await c.ConvAsync("sync", conv, new { mk_direction = "ic_full" })).EnsureOk();
        Assert.DoesNotContain(9L, init.Messages().Select(m => m.Long("message_nr")));
        Assert.Contains(10L, init.Messages().Select(m => m.Long("message_nr")));
        var history = (await c.ConvAsync("sync", conv, new { mk_direction = "backward", from_message_nr = 10 })).EnsureOk();
        // Flow 5 and 6 were revisions of 3 and 4: they are carried by those messages.
        Assert.Equal([1L, 2L, 3L, 4L, 7L, 8L], history.Messages().Select(m => m.Long("message_nr")));
    }
}
