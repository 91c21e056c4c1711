using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.MyBoard;

/// <summary>Canned responses: my_message:add_canned, edit_canned, delete and contact:sync_canned paging.</summary>
public sealed class CannedResponseTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Add_and_edit_reach_the_owner_only()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var bobAt = await bob.HorizonAsync();
        var aliceAt = await alice.HorizonAsync();

        var added = Assert.Single((await alice.OkAsync("my_message:add_canned", new { canned_name = "thanks", message = "Thank you!" })).Records.MyMessages());
        Assert.Equal("thanks", added.Str("canned_name"));
        Assert.Equal("<msg><p>Thank you!</p></msg>", added.Str("message"));
        Assert.Equal("plain", added.State());
        Assert.Empty(added.Strings("tags"));
        Assert.False(added.Has("section_id"));

        var edited = Assert.Single((await alice.OkAsync("my_message:edit_canned",
            new { message_id = added.Id(), canned_name = "ty", message = "Thanks a lot" })).Records.MyMessages());
        Assert.Equal(added.Id(), edited.Id());
        Assert.Equal("ty", edited.Str("canned_name"));
        Assert.Equal("<msg><p>Thanks a lot</p></msg>", edited.Str("message"));

        Assert.Equal([added.GetRawText(), edited.GetRawText()], (await alice.PollSinceAsync(aliceAt)).MyMessages().Select(r => r.GetRawText()));
        Assert.Empty(await bob.PollSinceAsync(bobAt));
        Assert.Empty((await bob.OkAsync("contact:sync_canned", new { })).Records);
        (await bob.EventAsync("my_message:edit_canned", new { message_id = added.Id(), canned_name = "x" })).AssertRefused(430, "not_found");
        (await bob.EventAsync("my_message:delete", new { message_id = added.Id() })).AssertRefused(430, "not_found");

        (await alice.EventAsync("my_message:add_canned", new { canned_name = " " })).AssertRefused(400, "invalid_param");
        (await alice.EventAsync("my_message:add_canned", new { canned_name = "x", message = new string('y', 1025) })).AssertRefused(400, "invalid_param");
        (await alice.EventAsync("my_message:add_canned", new { message = "no name" })).AssertRefused(400, "missing_param");
        (await alice.EventAsync("my_message:edit_canned", new { message_id = added.Id(), canned_name = "x", attachment_urls = new[] { "u" } }))
            .AssertRefused(431, "not_supported");
    }

    [Fact]
    public async Task Sync_pages_45_responses_in_store_order_and_a_deleted_one_is_left_out()
    {
        using var alice = await server.NewAccountAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 45; i++)
        {
            ids.Add(Assert.Single((await alice.OkAsync("my_message:add_canned", new { canned_name = $"c{i}", message = $"text {i}" })).Records.MyMessages()).Id());
        }

        // An edit moves a response to the end of the store order; a deleted one is not synced.
        await alice.OkAsync("my_message:edit_canned", new { message_id = ids[5], canned_name = "c5", message = "edited" });
        await alice.OkAsync("my_message:delete", new { message_id = ids[9] });
        var expected = ids.Where(id => id != ids[5] && id != ids[9]).Append(ids[5]).ToList();

        var seen = new List<JsonElement>();
        object? cursor = null;
        var pages = 0;
        while (true)
        {
            pages++;
            Assert.True(pages < 10);
            var result = await alice.OkAsync("contact:sync_canned", cursor is null ? new { } : new { sync_cursor = cursor });
            seen.AddRange(result.Records.MyMessages());
            Assert.Equal(result.Records.Count, result.Records.MyMessages().Count);
            if (!result.Request.TryGetProperty("sync_cursor", out var next) || next.ValueKind == JsonValueKind.Null)
            {
                break;
            }

            Assert.Equal(seen[^1].Id(), next.Id());
            cursor = JsonSerializer.Deserialize<object>(next.GetRawText());
        }

        Assert.Equal(3, pages); // 20 + 20 + 4
        Assert.Equal(expected, seen.Select(r => r.Id()));
        Assert.Equal("<msg><p>edited</p></msg>", seen[^1].Str("message"));
    }

    [Fact]
    public async Task A_bad_cursor_is_refused()
    {
        using var alice = await server.NewAccountAsync();
        (await alice.EventAsync("contact:sync_canned", new { sync_cursor = new { message_id = Guid.NewGuid() } })).AssertRefused(400, "missing_param");
        (await alice.EventAsync("contact:sync_canned", new { sync_cursor = new { message_id = "x", store_time = 1 } })).AssertRefused(400, "invalid_param");
        (await alice.EventAsync("contact:sync_canned", new { limit = "many" })).AssertRefused(400, "invalid_param");
    }
}
