using System.Text;
using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Events;

/// <summary>The file checks of <see cref="EventCoverageTests"/> (drawer and attachment events); the deeper cases are in Files/FileEventTests.</summary>
public sealed partial class EventCoverageTests
{
    private static IEnumerable<KeyValuePair<string, Func<EventScenario, Task>>> FileChecks()
    {
        KeyValuePair<string, Func<EventScenario, Task>> Check(string name, Func<EventScenario, Task> check) => new(name, check);

        // A message of alice's with two files, posted after the mark; the event's effect is checked in bob's stream.
        async Task<(long Nr, List<JsonElement> Files)> FileMessageAsync(EventScenario s)
        {
            var one = await s.Alice.UploadUrlAsync("one.txt", Encoding.UTF8.GetBytes("one"));
            var two = await s.Alice.UploadUrlAsync("two.txt", Encoding.UTF8.GetBytes("two"));
            var sent = (await s.Alice.SendAsync(s.Conversation, "files", new { attachments = new[] { one, two } })).EnsureOk();
            await s.MarkAsync();
            return (sent.Json.Long("result_message_nr"), sent.Files());
        }

        List<JsonElement> FilesOf(List<JsonElement> records, long nr)
        {
            var at = records.FindLastIndex(r => r.Str("mk_rec_type") == "message" && r.Long("message_nr") == nr);
            Assert.True(at >= 0, "bob got the message");
            return records.Skip(at + 1).TakeWhile(r => r.Str("mk_rec_type") == "file").ToList();
        }

        yield return Check("message:edit_attachments", async s =>
        {
            var (nr, files) = await FileMessageAsync(s);
            var kept = files.Single(f => f.Str("file_name") == "one.txt");
            await s.RunAsync("message:edit_attachments", new { conversation_id = s.Conversation, message_nr = nr, attachment_urls = new[] { kept.Str("file_url") } });
            var seen = FilesOf(await s.BobSeesAsync(), nr);
            Assert.Equal(2, seen.Count);
            Assert.False(seen.Single(f => f.Str("file_name") == "one.txt").Bool("is_deleted"));
            Assert.True(seen.Single(f => f.Str("file_name") == "two.txt").Bool("is_deleted"));
        });
        yield return Check("message:delete_attachments", async s =>
        {
            var (nr, files) = await FileMessageAsync(s);
            var gone = files.Single(f => f.Str("file_name") == "two.txt");
            await s.RunAsync("message:delete_attachments", new { conversation_id = s.Conversation, message_nr = nr, attachment_urls = new[] { gone.Str("file_url") } });
            var seen = FilesOf(await s.BobSeesAsync(), nr);
            Assert.Equal(2, seen.Count);
            Assert.True(seen.Single(f => f.Str("file_name") == "two.txt").Bool("is_deleted"));
            Assert.False(seen.Single(f => f.Str("file_name") == "one.txt").Bool("is_deleted"));
        });
        foreach (var name in new[] { "conv:sync_files", "conv:sync_files:2" })
        {
            yield return Check(name, async s =>
            {
                var (nr, _) = await FileMessageAsync(s);
                var result = await s.RunAsync(name, new { conversation_id = s.Conversation });
                var message = Assert.Single(result.OfType("message"));
                Assert.Equal(nr, message.Long("message_nr"));
                Assert.Equal(2, result.OfType("file").Count);
                Assert.Equal(0, Assert.Single(result.OfType("conv")).Long("file_horizon"));
            });
        }
    }
}
