using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Events;

/// <summary>The <c>contact:*</c> checks of <see cref="EventCoverageTests"/>; the contact rules themselves are tested in Api/Contact*Tests.</summary>
public sealed partial class EventCoverageTests
{
    private static IEnumerable<KeyValuePair<string, Func<EventScenario, Task>>> ContactChecks()
    {
        KeyValuePair<string, Func<EventScenario, Task>> Check(string name, Func<EventScenario, Task> check) => new(name, check);

        static JsonElement About(EventBatchResult result, Guid accountId) =>
            result.OfType("contact").Single(r => r.GetProperty("account_id").GetGuid() == accountId);

        yield return Check("contact:get", async s =>
        {
            var result = await s.RunAsync("contact:get", new { account_id = s.Bob.AccountId });
            Assert.Equal(s.Bob.AccountId, result.Identifier.GetProperty("account_id").GetGuid());
            Assert.Equal(s.Bob.Email, About(result, s.Bob.AccountId).Str("email"));
        });
        yield return Check("contact:add", async s =>
        {
            var email = $"added-{Guid.NewGuid():N}@example.com";
            var result = await s.RunAsync("contact:add", new { email, name = "Added Person", phone_nr = "+100" });
            var contact = Assert.Single(result.OfType("contact"));
            Assert.Equal(email, contact.Str("email"));
            Assert.Equal("Added Person", contact.Str("contact_name"));
            Assert.Contains(await s.Alice.PollSinceAsync(s.AliceHorizon), r => r.Str("mk_rec_type") == "contact" && r.Has("email") && r.Str("email") == email);
        });
        yield return Check("contact:lookup_by_email", async s =>
        {
            var result = await s.RunAsync("contact:lookup_by_email", new { email = s.Carol.Email.ToUpperInvariant() });
            Assert.Equal(s.Carol.AccountId, Assert.Single(result.OfType("contact")).GetProperty("account_id").GetGuid());
        });
        yield return Check("contact:set_name", async s =>
        {
            var result = await s.RunAsync("contact:set_name", new { account_id = s.Bob.AccountId, name = "Bobby (private)" });
            Assert.Equal("Bobby (private)", About(result, s.Bob.AccountId).Str("contact_name"));
            var bobsOwn = (await s.BobSeesAsync()).Where(r => r.Str("mk_rec_type") == "contact").Select(r => r.GetRawText());
            Assert.DoesNotContain(bobsOwn, raw => raw.Contains("Bobby (private)"));
        });
        yield return Check("contact:set_phone", async s =>
        {
            var result = await s.RunAsync("contact:set_phone", new { account_id = s.Bob.AccountId, phone_nr = "+3725551234" });
            Assert.Equal("+3725551234", About(result, s.Bob.AccountId).Str("phone_nr"));
            Assert.DoesNotContain(await s.BobSeesAsync(), r => r.GetRawText().Contains("+3725551234"));
        });
        foreach (var (name, single) in new[] { ("contact:hide", true), ("contact:hide_contacts", false) })
        {
            yield return Check(name, async s =>
            {
                using var target = await s.Server.NewAccountAsync();
                await s.Alice.CreateConversationAsync("to hide", target);
                var result = single
                    ? await s.RunAsync(name, new { account_id = target.AccountId })
                    : await s.RunAsync(name, new { account_ids = new[] { target.AccountId } });
                var hidden = About(result, target.AccountId);
                Assert.True(hidden.Bool("is_hidden_for_add"));
                Assert.Equal(0, hidden.Long("sort_rank"));
            });
        }

        yield return Check("contact:import", async s =>
        {
            var email = $"imported-{Guid.NewGuid():N}@example.com";
            var result = await s.RunAsync("contact:import", new { contacts = new[] { new { email, name = "Imported", phone_nr = "+200" } } });
            var contact = Assert.Single(result.OfType("contact"));
            Assert.Equal(email, contact.Str("email"));
            Assert.Equal(8, contact.Long("sort_rank"));
        });
        yield return Check("contact:sync", async s =>
        {
            var result = await s.RunAsync("contact:sync", new { });
            var ids = result.OfType("contact").Select(r => r.GetProperty("account_id").GetGuid()).ToList();
            Assert.Contains(s.Bob.AccountId, ids);
            Assert.DoesNotContain(Guid.Empty, ids);
        });
        yield return Check("contact:sync_activity", async s =>
        {
            // Bob's last call happens at a time the test sets (past the one-minute lastseen resolution).
            s.Server.Clock.Advance(TimeSpan.FromMinutes(5));
            await s.Bob.HorizonAsync();
            var expected = s.Server.Clock.GetUtcNow().ToUnixTimeSeconds();
            var result = await s.RunAsync("contact:sync_activity", new { account_ids = new[] { s.Bob.AccountId } });
            var seen = Assert.Single(result.OfType("lastseen"));
            Assert.Equal(s.Bob.AccountId, seen.GetProperty("account_id").GetGuid());
            Assert.Equal(expected, seen.Long("activity_time"));
        });
        yield return Check("contact:get_dialog", async s =>
        {
            var first = await s.RunAsync("contact:get_dialog", new { account_id = s.Carol.AccountId });
            var dialog = first.Identifier.GetProperty("conversation_id").GetGuid();
            Assert.Equal(s.Carol.AccountId, first.Identifier.GetProperty("account_id").GetGuid());
            var again = await s.RunAsync("contact:get_dialog", new { account_id = s.Carol.AccountId });
            Assert.Equal(dialog, again.Identifier.GetProperty("conversation_id").GetGuid());
            Assert.Contains(await s.CarolSeesAsync(), r => r.Str("mk_rec_type") == "conv" && r.GetProperty("conversation_id").GetGuid() == dialog);
            (await s.Bob.ConvAsync("sync", dialog)).AssertError(430, "not_found");
        });
    }
}
