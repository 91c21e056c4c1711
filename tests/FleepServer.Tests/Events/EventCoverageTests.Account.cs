using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Events;

/// <summary>The <c>account:*</c> checks of <see cref="EventCoverageTests"/>: each answers the caller's own contact.</summary>
public sealed partial class EventCoverageTests
{
    private static IEnumerable<KeyValuePair<string, Func<EventScenario, Task>>> AccountChecks()
    {
        KeyValuePair<string, Func<EventScenario, Task>> Check(string name, Func<EventScenario, Task> check) => new(name, check);

        // The owner's contact field after the event, in the answer and in the owner's stream.
        KeyValuePair<string, Func<EventScenario, Task>> Own(string name, object parameters, string field, object expected, bool othersSee = false) =>
            Check(name, async s =>
            {
                var result = await s.RunAsync(name, parameters);
                Assert.Equal(s.Alice.AccountId, result.Identifier.GetProperty("account_id").GetGuid());
                AssertField(expected, Assert.Single(result.OfType("contact")).GetProperty(field));
                var own = (await s.Alice.PollSinceAsync(s.AliceHorizon)).Last(r => r.Str("mk_rec_type") == "contact");
                AssertField(expected, own.GetProperty(field));
                if (othersSee)
                {
                    var seen = (await s.BobSeesAsync()).Last(r => r.Str("mk_rec_type") == "contact" && r.GetProperty("account_id").GetGuid() == s.Alice.AccountId);
                    AssertField(expected, seen.GetProperty(field));
                }
            });

        yield return Check("account:add_flag", async s =>
        {
            var result = await s.RunAsync("account:add_flag", new { client_flag = "coverage_flag" });
            Assert.Contains("coverage_flag", Assert.Single(result.OfType("contact")).Strings("client_flags"));
        });
        yield return Check("account:remove_flag", async s =>
        {
            await s.RunAsync("account:add_flag", new { client_flag = "short_lived" });
            var result = await s.RunAsync("account:remove_flag", new { client_flag = "short_lived" });
            Assert.DoesNotContain("short_lived", Assert.Single(result.OfType("contact")).Strings("client_flags"));
        });
        yield return Check("account:change_password", async s =>
        {
            using var carol = await NewAccountLikeAsync(s);
            (await carol.EventAsync("account:change_password", new { password = "a much newer secret", old_password = "correct horse" })).EnsureApplied();
            using var again = new FleepTestClient(s.Server.BaseAddress);
            (await again.LoginAsync(carol.Email, "a much newer secret")).EnsureOk();
            (await carol.PostAsync("/api/account/sync")).EnsureOk();
        });
        yield return Own("account:change_settings", new { client_settings = """{"theme":"dark"}""" }, "client_settings", """{"theme":"dark"}""");
        yield return Own("account:set_name", new { name = "Alice Renamed" }, "display_name", "Alice Renamed", othersSee: true);
        yield return Own("account:set_phone", new { phone_nr = "+3725550000" }, "phone_nr", "+3725550000");
        yield return Own("account:set_email_interval", new { mk_email_interval = "hourly" }, "mk_email_interval", "hourly");
        yield return Own("account:set_mk_push_new_message", new { mk_push_new_message = "all" }, "mk_push_new_message", "all");
        yield return Own("account:set_sleep_interval", new { sleep_interval = 0 }, "sleep_interval", 0L);
        yield return Own("account:update_status_message", new { status_emoji = ":coffee:", status_message = "brb" }, "status_message", "brb",
            othersSee: true);
        yield return Check("account:set_device_token", async s =>
        {
            using var carol = await NewAccountLikeAsync(s);
            (await carol.EventAsync("account:set_device_token", new { mk_device_type = "ios", device_token = "apns-token-1" })).EnsureApplied();
            using var db = s.Server.OpenDb();
            var session = await db.Sessions.SingleAsync(x => x.AccountId == carol.AccountId);
            Assert.Equal(("ios", "apns-token-1"), (session.MkDeviceType, session.DeviceToken));
        });
        yield return Check("account:delete", async s =>
        {
            using var carol = await NewAccountLikeAsync(s);
            var result = (await carol.EventAsync("account:delete")).EnsureApplied();
            Assert.Equal(carol.AccountId, Assert.Single(result.OfType("contact")).GetProperty("account_id").GetGuid());
            using var db = s.Server.OpenDb();
            Assert.NotNull((await db.Accounts.SingleAsync(a => a.Id == carol.AccountId)).DeleteRequestedTime);
            (await carol.PostAsync("/api/account/sync")).EnsureOk();
        });
        yield return Check("account:sync_conversations", async s =>
        {
            var result = await s.RunAsync("account:sync_conversations", new { conversation_ids = new[] { s.Conversation, Guid.NewGuid() } });
            var header = Assert.Single(result.OfType("conv"));
            Assert.Equal(s.Conversation, header.GetProperty("conversation_id").GetGuid());
            Assert.Empty(result.OfType("message"));
        });
    }

    private static Task<FleepTestClient> NewAccountLikeAsync(EventScenario s) => s.Server.NewAccountAsync();
}
