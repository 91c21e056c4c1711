using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Events;

public sealed partial class EventCoverageTests
{
    /// <summary>
    /// The upload_external events: the pending upload record in the answer and in the caller's
    /// stream only. (The fetch itself, and its end records, are tested in Files/ExternalUploadTests;
    /// this server refuses the loopback source, so nothing leaves the machine.)
    /// </summary>
    private static IEnumerable<KeyValuePair<string, Func<EventScenario, Task>>> ExternalUploadChecks()
    {
        KeyValuePair<string, Func<EventScenario, Task>> Check(string name, Func<EventScenario, Task> check) => new(name, check);

        async Task Queued(EventScenario s, string name, Guid? conversation)
        {
            var result = await s.RunAsync(name, conversation is { } id
                ? new { conversation_id = id, file_url = "http://127.0.0.1:9/coverage.bin", file_name = "coverage.bin", upload_id = "u1" }
                : (object)new { file_url = "http://127.0.0.1:9/coverage.bin", file_name = "coverage.bin", upload_id = "u1" });
            var pending = Assert.Single(result.OfType("upload"));
            Assert.Equal("pending", pending.Str("status"));
            Assert.Equal("coverage.bin", pending.Str("name"));
            Assert.Equal("u1", pending.Str("upload_id"));
            var own = Assert.Single(await s.Alice.PollSinceAsync(s.AliceHorizon), r => r.Str("mk_rec_type") == "upload" && r.Str("status") == "pending");
            Assert.Equal(pending.Str("request_id"), own.Str("request_id"));
            Assert.DoesNotContain(await s.BobSeesAsync(), r => r.Str("mk_rec_type") == "upload");
        }

        yield return Check("conv:upload_external", s => Queued(s, "conv:upload_external", s.Conversation));
        yield return Check("account:upload_external", s => Queued(s, "account:upload_external", null));
    }
}
