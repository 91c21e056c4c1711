using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Events;

/// <summary>The label checks of <see cref="EventCoverageTests"/>; the deeper cases are in Labels/*.</summary>
public sealed partial class EventCoverageTests
{
    private static IEnumerable<KeyValuePair<string, Func<EventScenario, Task>>> LabelChecks()
    {
        KeyValuePair<string, Func<EventScenario, Task>> Check(string name, Func<EventScenario, Task> check) => new(name, check);

        yield return Check("conv:set_labels", async s =>
        {
            var starred = (await s.Alice.PostAsync("/api/account/sync")).EnsureOk().Stream()
                .Single(r => r.Str("mk_rec_type") == "label" && r.Str("label") == "starred").GetProperty("label_id").GetGuid();
            var result = await s.RunAsync("conv:set_labels", new { conversation_id = s.Conversation, label_ids = new[] { starred } });
            Assert.Contains(starred, Assert.Single(result.OfType("conv")).Ids("label_ids"));
            Assert.Contains("starred", (await s.AliceHeaderAsync()).Strings("labels"));
            // Private: bob's stream gets nothing.
            Assert.Empty(await s.BobSeesAsync());
        });

        yield return Check("label:sync_conversations", async s =>
        {
            var recent = (await s.Alice.PostAsync("/api/account/sync")).EnsureOk().Stream()
                .Single(r => r.Str("mk_rec_type") == "label" && r.Str("label") == "Recent").GetProperty("label_id").GetGuid();
            // Every check made conversations in one test-clock second: page with the label's cursor until the scenario's turns up.
            var found = false;
            object? cursor = null;
            for (var page = 0; page < 100 && !found; page++)
            {
                var result = await s.RunAsync("label:sync_conversations",
                    cursor is null ? new { label_id = recent } : new { label_id = recent, sync_cursor = cursor });
                var label = Assert.Single(result.OfType("label"));
                Assert.Equal(recent, label.GetProperty("label_id").GetGuid());
                found = result.OfType("conv").Any(c => c.GetProperty("conversation_id").GetGuid() == s.Conversation);
                if (label.Str("sync_cursor") == "{}")
                {
                    break;
                }

                cursor = System.Text.Json.JsonDocument.Parse(label.Str("sync_cursor")).RootElement;
            }

            Assert.True(found, "the scenario's conversation is not in its Recent label");
        });
    }
}
