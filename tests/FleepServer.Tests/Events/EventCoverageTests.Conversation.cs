using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Events;

/// <summary>The <c>conv:*</c> checks of <see cref="EventCoverageTests"/>.</summary>
public sealed partial class EventCoverageTests
{
    private static IEnumerable<KeyValuePair<string, Func<EventScenario, Task>>> ConversationChecks()
    {
        KeyValuePair<string, Func<EventScenario, Task>> Check(string name, Func<EventScenario, Task> check) => new(name, check);

        // A header field alice sees after the event, and bob sees too when it is a shared setting.
        KeyValuePair<string, Func<EventScenario, Task>> Setting(string name, string field, object expected, bool shared, object? extra = null,
            string? before = null) =>
            Check(name, async s =>
            {
                if (before is not null)
                {
                    await s.RunAsync(before, new { conversation_id = s.Conversation });
                    await s.MarkAsync();
                }

                var parameters = Merge(new { conversation_id = s.Conversation }, extra);
                var result = await s.RunAsync(name, parameters);
                Assert.Equal(s.Conversation, result.Identifier.GetProperty("conversation_id").GetGuid());
                AssertField(expected, Assert.Single(result.OfType("conv")).GetProperty(field));
                AssertField(expected, (await s.AliceHeaderAsync()).GetProperty(field));
                if (shared)
                {
                    AssertField(expected, (await s.BobsHeaderAsync()).GetProperty(field));
                }
            });

        yield return Check("conv:create", async s =>
        {
            var result = await s.RunAsync("conv:create", new { topic = "made by event", account_ids = new[] { s.Bob.AccountId } });
            var id = result.Identifier.GetProperty("conversation_id").GetGuid();
            var header = Assert.Single(result.OfType("conv"));
            Assert.Equal("made by event", header.Str("topic"));
            Assert.Equal(new[] { s.Alice.AccountId, s.Bob.AccountId }.Order(), header.Ids("members").Order());
            Assert.Equal("made by event", (await s.BobsHeaderAsync(id)).Str("topic"));
        });
        yield return Check("conv:fork", async s =>
        {
            var result = await s.RunAsync("conv:fork", new { conversation_id = s.Conversation, account_ids = new[] { s.Carol.AccountId } });
            var id = result.Identifier.GetProperty("conversation_id").GetGuid();
            Assert.NotEqual(s.Conversation, id);
            Assert.Equal(new[] { s.Alice.AccountId, s.Bob.AccountId, s.Carol.AccountId }.Order(),
                Assert.Single(result.OfType("conv")).Ids("members").Order());
            Assert.Equal("cct_no_mail", Assert.Single(result.OfType("conv")).Str("mk_conv_type"));
            Assert.Contains(await s.CarolSeesAsync(), r => r.Str("mk_rec_type") == "conv" && r.GetProperty("conversation_id").GetGuid() == id);
            Assert.Equal(2, (await s.AliceHeaderAsync()).Ids("members").Count);
        });
        yield return Check("conv:get", async s =>
        {
            var result = await s.RunAsync("conv:get", new { conversation_id = s.Conversation });
            Assert.Equal("coverage", Assert.Single(result.OfType("conv")).Str("topic"));
            Assert.Empty(result.OfType("message"));
        });
        yield return Check("conv:sync_initial", async s =>
        {
            var result = await s.RunAsync("conv:sync_initial", new { conversation_id = s.Conversation });
            Assert.Equal("ic_full", Assert.Single(result.OfType("conv")).Str("mk_init_mode"));
            Assert.Contains(result.OfType("message"), m => m.Long("message_nr") == s.FirstNr);
        });
        yield return Check("conv:sync_forward", async s =>
        {
            var result = await s.RunAsync("conv:sync_forward", new { conversation_id = s.Conversation, fw_message_nr = 1 });
            Assert.Equal([s.FirstNr], result.OfType("message").Select(m => m.Long("message_nr")));
        });
        yield return Check("conv:sync_backward", async s =>
        {
            var result = await s.RunAsync("conv:sync_backward", new { conversation_id = s.Conversation, bw_message_nr = s.FirstNr });
            Assert.Equal([1L], result.OfType("message").Select(m => m.Long("message_nr")));
        });
        yield return Check("conv:pin:sync", async s =>
        {
            (await s.Alice.MessageAsync("store", s.Conversation, new { message_nr = s.FirstNr, tags = new[] { "pin" } })).EnsureOk();
            var result = await s.RunAsync("conv:pin:sync", new { conversation_id = s.Conversation });
            var pin = Assert.Single(result.OfType("message"));
            Assert.Equal(s.FirstNr, pin.Long("message_nr"));
            Assert.Contains("pin", pin.Strings("tags"));
        });
        yield return Check("conv:activate", async s =>
        {
            (await s.Bob.ConvAsync("show_activity", s.Conversation, new { is_writing = true })).EnsureOk();
            var result = await s.RunAsync("conv:activate", new { conversation_id = s.Conversation });
            var bob = Assert.Single(result.OfType("activity"));
            Assert.Equal(s.Bob.AccountId, bob.GetProperty("account_id").GetGuid());
            Assert.True(bob.Bool("is_writing"));
        });
        yield return Check("conv:set_writing", async s =>
        {
            await s.RunAsync("conv:set_writing", new { conversation_id = s.Conversation });
            var pen = (await s.BobSeesAsync()).Last(r => r.Str("mk_rec_type") == "activity");
            Assert.Equal(s.Alice.AccountId, pen.GetProperty("account_id").GetGuid());
            Assert.True(pen.Bool("is_writing"));
        });
        yield return Check("conv:end_writing", async s =>
        {
            await s.RunAsync("conv:set_writing", new { conversation_id = s.Conversation });
            await s.RunAsync("conv:end_writing", new { conversation_id = s.Conversation });
            var pens = (await s.BobSeesAsync()).Where(r => r.Str("mk_rec_type") == "activity").Select(r => r.Bool("is_writing")).ToList();
            Assert.Equal([true, false], pens);
        });
        yield return Check("conv:add_members", async s =>
        {
            await s.RunAsync("conv:add_members", new { conversation_id = s.Conversation, account_ids = new[] { s.Carol.AccountId } });
            Assert.Contains(s.Carol.AccountId, (await s.AliceHeaderAsync()).Ids("members"));
            Assert.Contains(s.Carol.AccountId, (await s.BobsHeaderAsync()).Ids("members"));
            Assert.Contains(await s.CarolSeesAsync(), r => r.Str("mk_rec_type") == "conv" && r.GetProperty("conversation_id").GetGuid() == s.Conversation);
        });
        foreach (var name in new[] { "conv:remove_members", "conv:kick_members" })
        {
            yield return Check(name, async s =>
            {
                await s.RunAsync(name, new { conversation_id = s.Conversation, account_ids = new[] { s.Bob.AccountId } });
                Assert.DoesNotContain(s.Bob.AccountId, (await s.AliceHeaderAsync()).Ids("members"));
                Assert.False((await s.BobsHeaderAsync()).Bool("can_post"));
            });
        }

        yield return Check("conv:leave", async s =>
        {
            await s.RunAsync("conv:leave", new { conversation_id = s.Conversation });
            Assert.False((await s.AliceHeaderAsync()).Bool("can_post"));
            Assert.Contains(s.Alice.AccountId, (await s.BobsHeaderAsync()).Ids("leavers"));
        });
        yield return Check("conv:disclose", async s =>
        {
            (await s.Alice.ConvAsync("add_members", s.Conversation, new { account_ids = new[] { s.Carol.AccountId } })).EnsureOk();
            var before = (await s.Carol.ConvAsync("sync", s.Conversation, new { mk_direction = "ic_full" })).EnsureOk().Messages();
            Assert.DoesNotContain(before, m => m.Long("message_nr") == s.FirstNr);

            await s.RunAsync("conv:disclose", new { conversation_id = s.Conversation, account_ids = new[] { s.Carol.AccountId } });
            var after = (await s.Carol.ConvAsync("sync", s.Conversation, new { mk_direction = "ic_full" })).EnsureOk().Messages();
            Assert.Contains(after, m => m.Long("message_nr") == s.FirstNr);
        });
        yield return Setting("conv:set_topic", "topic", "new topic", shared: true, new { topic = "new topic" });
        yield return Setting("conv:set_type", "mk_conv_type", "cct_no_mail", shared: true, new { mk_conv_type = "cct_no_mail" });
        yield return Setting("conv:set_alert_level", "mk_alert_level", "until_read", shared: false, new { mk_alert_level = "until_read" });
        yield return Check("conv:set_passive", async s =>
        {
            var result = await s.RunAsync("conv:set_passive", new { conversation_id = s.Conversation });
            Assert.Equal("passive", Assert.Single(result.OfType("conv")).Str("mk_alert_level"));
            Assert.Contains(s.Alice.AccountId, (await s.BobsHeaderAsync()).Ids("passive"));
        });
        yield return Setting("conv:mute", "is_muted", true, shared: false);
        yield return Setting("conv:unmute", "is_muted", false, shared: false, before: "conv:mute");
        yield return Setting("conv:mute_until_read", "mk_alert_level", "until_read", shared: false);
        yield return Setting("conv:disable_notifications", "mk_alert_level", "never", shared: false);
        yield return Setting("conv:enable_notifications", "mk_alert_level", "default", shared: false, before: "conv:disable_notifications");
        yield return Setting("conv:mute_until", "snooze_interval", 3600L, shared: false, new { snooze_interval = 3600 });
        yield return Setting("conv:set_snooze", "snooze_interval", 600L, shared: false, new { snooze_interval = 600 });
        yield return Setting("conv:enable_done_notifications", "has_done_notifications", true, shared: false);
        yield return Setting("conv:disable_done_notifications", "has_done_notifications", false, shared: false, before: "conv:enable_done_notifications");
        yield return Setting("conv:conv_enable_autojoin", "is_autojoin", true, shared: true);
        yield return Setting("conv:conv_disable_autojoin", "is_autojoin", false, shared: true, before: "conv:conv_enable_autojoin");
        yield return Setting("conv:conv_enable_disclose", "is_disclose", true, shared: true);
        yield return Setting("conv:conv_disable_disclose", "is_disclose", false, shared: true, before: "conv:conv_enable_disclose");
        yield return Setting("conv:conv_disable_url_previw", "is_url_preview_disabled", true, shared: true);
        yield return Setting("conv:conv_enable_url_preview", "is_url_preview_disabled", false, shared: true, before: "conv:conv_disable_url_previw");
        yield return Setting("conv:set_default_call_room", "default_call_room", "standup", shared: true, new { default_call_room = "standup" });
        foreach (var (name, field) in new[] { ("conv:mark_read", "show_message_nr"), ("conv:set_read_message_nr", "message_nr") })
        {
            yield return Check(name, async s =>
            {
                var nr = (await s.Bob.SendAsync(s.Conversation, "unread for alice")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();
                await s.MarkAsync();
                Assert.Equal(1, (await s.AliceHeaderAsync()).Long("unread_count"));

                await s.RunAsync(name, new Dictionary<string, object> { ["conversation_id"] = s.Conversation, [field] = nr });
                var header = await s.AliceHeaderAsync();
                Assert.Equal(nr, header.Long("read_message_nr"));
                Assert.Equal(0, header.Long("unread_count"));
                Assert.Contains(await s.BobSeesAsync(), r => r.Str("mk_rec_type") == "activity" && r.Long("read_message_nr") == nr);
            });
        }

        yield return Check("conv:mark_unread", async s =>
        {
            var nr = (await s.Bob.SendAsync(s.Conversation, "read then unread")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();
            (await s.Alice.ConvAsync("mark_read", s.Conversation)).EnsureOk();
            await s.RunAsync("conv:mark_unread", new { conversation_id = s.Conversation, inbox_message_nr = nr });
            var header = await s.AliceHeaderAsync();
            Assert.Equal(nr - 1, header.Long("read_message_nr"));
            Assert.Equal(1, header.Long("unread_count"));
        });
        yield return Check("conv:archive", async s =>
        {
            await s.RunAsync("conv:archive", new { conversation_id = s.Conversation, show_message_nr = s.FirstNr });
            Assert.Equal(s.FirstNr, (await s.AliceHeaderAsync()).Long("hide_message_nr"));
        });
        yield return Check("conv:unarchive", async s =>
        {
            await s.RunAsync("conv:archive", new { conversation_id = s.Conversation, show_message_nr = s.FirstNr });
            await s.RunAsync("conv:unarchive", new { conversation_id = s.Conversation });
            Assert.Equal(0, (await s.AliceHeaderAsync()).Long("hide_message_nr"));
        });
        yield return Check("conv:delete", async s =>
        {
            await s.RunAsync("conv:delete", new { conversation_id = s.Conversation });
            var listed = (await s.Alice.PostAsync("/api/conversation/list")).EnsureOk().Json.GetProperty("conversations").EnumerateArray();
            Assert.DoesNotContain(listed, c => c.GetProperty("conversation_id").GetGuid() == s.Conversation);
            Assert.Equal(2, (await s.BobsHeaderAsync()).Ids("members").Count);
        });
        yield return Check("conv:autojoin", async s =>
        {
            (await s.Alice.ConvAsync("store", s.Conversation, new { is_autojoin = true })).EnsureOk();
            await s.MarkAsync();
            var result = (await s.Carol.EventAsync("conv:autojoin", new { conversation_id = s.Conversation })).EnsureApplied();
            Assert.Contains(s.Carol.AccountId, Assert.Single(result.OfType("conv")).Ids("members"));
            Assert.Contains(s.Carol.AccountId, (await s.BobsHeaderAsync()).Ids("members"));
        });
    }

    private static Dictionary<string, object?> Merge(object first, object? second)
    {
        var merged = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(first))!;
        if (second is not null)
        {
            foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(second))!)
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    private static void AssertField(object expected, JsonElement actual)
    {
        switch (expected)
        {
            case bool b:
                Assert.Equal(b, actual.GetBoolean());
                break;
            case long n:
                Assert.Equal(n, actual.GetInt64());
                break;
            default:
                Assert.Equal(expected.ToString(), actual.GetString());
                break;
        }
    }
}
