using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Events;

/// <summary>The <c>message:*</c> checks of <see cref="EventCoverageTests"/>; the deeper cases are in <see cref="MessageEventTests"/>.</summary>
public sealed partial class EventCoverageTests
{
    private static IEnumerable<KeyValuePair<string, Func<EventScenario, Task>>> MessageChecks()
    {
        KeyValuePair<string, Func<EventScenario, Task>> Check(string name, Func<EventScenario, Task> check) => new(name, check);

        // The event on alice's "first", after optional set-up events; bob's stream gets the changed message.
        KeyValuePair<string, Func<EventScenario, Task>> OnFirst(string name, Action<JsonElement> assert, object? extra = null, params string[] before) =>
            Check(name, async s =>
            {
                foreach (var step in before)
                {
                    await s.RunAsync(step, new { conversation_id = s.Conversation, message_nr = s.FirstNr });
                }

                await s.MarkAsync();
                var result = await s.RunAsync(name, Merge(new { conversation_id = s.Conversation, message_nr = s.FirstNr }, extra));
                Assert.Equal(s.FirstNr, result.Identifier.GetProperty("message_nr").GetInt64());
                assert(result.OfType("message").Single(m => m.Long("message_nr") == s.FirstNr));
                assert((await s.BobSeesAsync()).Last(r => r.Str("mk_rec_type") == "message" && r.Long("message_nr") == s.FirstNr));
            });

        static string State(JsonElement m) => m.Str("mk_message_state")["urn:fleep:message:mk_message_state:".Length..];

        // A new message from alice, as answered and as bob receives it.
        KeyValuePair<string, Func<EventScenario, Task>> Posts(string name, object extra, Action<JsonElement> assert) =>
            Check(name, async s =>
            {
                var result = await s.RunAsync(name, Merge(new { conversation_id = s.Conversation }, extra));
                var nr = result.Identifier.GetProperty("message_nr").GetInt64();
                Assert.True(nr > s.FirstNr);
                assert(result.OfType("message").Single(m => m.Long("message_nr") == nr));
                assert((await s.BobSeesAsync()).Last(r => r.Str("mk_rec_type") == "message" && r.Long("message_nr") == nr));
            });

        yield return Posts("message:add_plain", new { message = "hello by event", reply_to_message_nr = 2 }, m =>
        {
            Assert.Contains("hello by event", m.Str("message"));
            Assert.Equal("plain", State(m));
        });
        yield return Posts("message:add_pinned", new { message = "pinned by event" }, m => Assert.Equal("pinned", State(m)));
        yield return Posts("message:add_todo", new { message = "todo by event" }, m => Assert.Equal("todo", State(m)));
        yield return OnFirst("message:edit", m => Assert.Contains("edited whole", m.Str("message")), new { message = "edited whole" });
        yield return OnFirst("message:edit_body", m => Assert.Contains("edited body", m.Str("message")), new { message = "edited body" });
        yield return OnFirst("message:edit_subject", m => Assert.Equal("a subject", m.Str("subject")), new { subject = "a subject" });
        yield return OnFirst("message:delete", m => Assert.Equal("deleted", State(m)));
        yield return OnFirst("message:set_pinned", m => Assert.Equal("pinned", State(m)));
        yield return OnFirst("message:set_unpinned", m => Assert.Equal("unpinned", State(m)), null, "message:set_pinned");
        yield return OnFirst("message:set_plain", m => Assert.Equal("plain", State(m)), null, "message:set_pinned");
        yield return OnFirst("message:set_todo", m => Assert.Equal("todo", State(m)));
        yield return OnFirst("message:set_done", m => Assert.Equal("done", State(m)), null, "message:set_todo");
        yield return OnFirst("message:archive", m => Assert.Contains("is_archived", m.Strings("tags")), null, "message:set_todo");
        yield return OnFirst("message:unarchive", m => Assert.DoesNotContain("is_archived", m.Strings("tags")), null, "message:set_todo",
            "message:archive");
        yield return Check("message:set_assignees", async s =>
        {
            await s.RunAsync("message:set_todo", new { conversation_id = s.Conversation, message_nr = s.FirstNr });
            await s.MarkAsync();
            await s.RunAsync("message:set_assignees", new { conversation_id = s.Conversation, message_nr = s.FirstNr, assignee_ids = new[] { s.Bob.AccountId } });
            var seen = (await s.BobSeesAsync()).Last(r => r.Str("mk_rec_type") == "message" && r.Long("message_nr") == s.FirstNr);
            Assert.Equal([s.Bob.AccountId], seen.Ids("assignee_ids"));
        });
        yield return OnFirst("message:add_reaction", m => Assert.True(m.GetProperty("reactions").TryGetProperty("👍", out _)), new { reaction = "👍" });
        yield return Check("message:delete_reaction", async s =>
        {
            await s.RunAsync("message:add_reaction", new { conversation_id = s.Conversation, message_nr = s.FirstNr, reaction = "👍" });
            await s.MarkAsync();
            await s.RunAsync("message:delete_reaction", new { conversation_id = s.Conversation, message_nr = s.FirstNr, reaction = "👍" });
            var seen = (await s.BobSeesAsync()).Last(r => r.Str("mk_rec_type") == "message" && r.Long("message_nr") == s.FirstNr);
            Assert.False(seen.TryGetProperty("reactions", out var reactions) && reactions.TryGetProperty("👍", out _));
        });
        yield return OnFirst("message:disable_preview", m => Assert.True(m.Bool("is_url_preview_disabled")));
        yield return OnFirst("message:mark_spam", m => Assert.True(m.Bool("is_spam")));
        yield return OnFirst("message:unmark_spam", m => Assert.False(m.TryGetProperty("is_spam", out var spam) && spam.GetBoolean()), null,
            "message:mark_spam");
        yield return OnFirst("message:set_spam", m => Assert.True(m.Bool("is_spam")), new { is_spam = true });
        yield return Check("message:copy", async s =>
        {
            var target = await s.Alice.CreateConversationAsync("copy target", s.Carol);
            await s.MarkAsync();
            var result = await s.RunAsync("message:copy",
                new { conversation_id = target, copy_conversation_id = s.Conversation, copy_message_nr = s.FirstNr });
            Assert.Equal(target, result.Identifier.GetProperty("conversation_id").GetGuid());
            Assert.Contains(await s.CarolSeesAsync(), r => r.Str("mk_rec_type") == "message" && r.Str("message").Contains("first"));
        });
        yield return Check("message:disclose", async s =>
        {
            (await s.Alice.ConvAsync("add_members", s.Conversation, new { account_ids = new[] { s.Carol.AccountId } })).EnsureOk();
            await s.RunAsync("message:disclose", new { conversation_id = s.Conversation, message_nr = s.FirstNr, account_ids = new[] { s.Carol.AccountId } });
            var seen = (await s.Carol.ConvAsync("sync", s.Conversation, new { mk_direction = "ic_full" })).EnsureOk().Messages();
            Assert.Contains(seen, m => m.Long("message_nr") == s.FirstNr);
        });
        foreach (var (name, unread) in new[] { ("message:mark_read", false), ("message:mark_unread", true) })
        {
            yield return Check(name, async s =>
            {
                var nr = (await s.Bob.SendAsync(s.Conversation, "for alice")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();
                if (unread)
                {
                    (await s.Alice.ConvAsync("mark_read", s.Conversation)).EnsureOk();
                }

                await s.MarkAsync();
                await s.RunAsync(name, new { conversation_id = s.Conversation, message_nr = nr });
                Assert.Equal(unread ? nr - 1 : nr, (await s.AliceHeaderAsync()).Long("read_message_nr"));
                Assert.Contains(await s.BobSeesAsync(), r => r.Str("mk_rec_type") == "activity" && r.Long("read_message_nr") == (unread ? nr - 1 : nr));
            });
        }

        foreach (var (name, locked) in new[] { ("message:set_editing", true), ("message:end_editing", false) })
        {
            yield return Check(name, async s =>
            {
                await s.RunAsync("message:set_pinned", new { conversation_id = s.Conversation, message_nr = s.FirstNr });
                if (!locked)
                {
                    await s.RunAsync("message:set_editing", new { conversation_id = s.Conversation, message_nr = s.FirstNr });
                }

                await s.MarkAsync();
                await s.RunAsync(name, new { conversation_id = s.Conversation, message_nr = s.FirstNr });
                var lockRecord = (await s.BobSeesAsync()).Last(r => r.Str("mk_rec_type") == "lock");
                Assert.Equal(s.FirstNr, lockRecord.Long("message_nr"));
                Assert.Equal(locked, lockRecord.TryGetProperty("lock_account_id", out var holder) && holder.ValueKind != JsonValueKind.Null);
            });
        }

        foreach (var (name, expected) in new[] { ("message:load_context", new[] { 1L, 2L, 3L }), ("message:load_next", [3L]), ("message:load_previous", [1L]) })
        {
            yield return Check(name, async s =>
            {
                (await s.Bob.SendAsync(s.Conversation, "third")).EnsureOk();
                var result = await s.RunAsync(name, new { conversation_id = s.Conversation, message_nr = s.FirstNr });
                Assert.Equal(expected, result.OfType("message").Select(m => m.Long("message_nr")).Distinct().Order());
            });
        }

        yield return Check("message:pin:set_position", async s =>
        {
            var second = (await s.Alice.SendAsync(s.Conversation, "second")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();
            await s.RunAsync("message:set_pinned", new { conversation_id = s.Conversation, message_nr = s.FirstNr });
            await s.RunAsync("message:set_pinned", new { conversation_id = s.Conversation, message_nr = second });
            var before = await PinOrderAsync(s);
            await s.RunAsync("message:pin:set_position", new { conversation_id = s.Conversation, message_nr = before[0], prev_message_nr = before[1] });
            Assert.Equal([before[1], before[0]], await PinOrderAsync(s));
        });
        yield return Check("message:task:set_position", async s =>
        {
            var second = (await s.Alice.SendAsync(s.Conversation, "second")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();
            await s.RunAsync("message:set_todo", new { conversation_id = s.Conversation, message_nr = s.FirstNr });
            var todo = (await s.RunAsync("message:set_todo", new { conversation_id = s.Conversation, message_nr = second }))
                .OfType("message").Single(m => m.Long("message_nr") == second);
            var section = todo.GetProperty("section_id").GetGuid();
            await s.MarkAsync();
            await s.RunAsync("message:task:set_position",
                new { conversation_id = s.Conversation, message_nr = s.FirstNr, section_id = section, prev_message_nr = second });
            var moved = (await s.BobSeesAsync()).Last(r => r.Str("mk_rec_type") == "message" && r.Long("message_nr") == s.FirstNr);
            Assert.True(moved.GetProperty("task_weight").GetDouble() > todo.GetProperty("task_weight").GetDouble());
        });
    }

    /// <summary>Alice's pinboard, first to last.</summary>
    private static async Task<List<long>> PinOrderAsync(EventScenario s) =>
        (await s.RunAsync("conv:pin:sync", new { conversation_id = s.Conversation })).OfType("message").Select(m => m.Long("message_nr")).ToList();
}
