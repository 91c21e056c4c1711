using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Boards;

/// <summary>
/// Bad input to the section events and the paging calls (docs/boards.md): an unknown, deleted or
/// other conversation's section, a default section deleted, Archived moved, names empty or too
/// long, limits out of range, outsiders. Each is a Fleep error that changes nothing; never a 500.
/// </summary>
public sealed class BoardBadInputTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private static async Task RefusedAsync(FleepTestClient client, string type, object parameters, int status, string? errorId = null)
    {
        var result = await client.EventAsync(type, parameters);
        result.AssertRefused(status, errorId);
        Assert.Empty(result.Records);
    }

    [Fact]
    public async Task Section_events_refuse_bad_sections_names_and_moves()
    {
        using var alice = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("bad input");
        var other = await alice.CreateConversationAsync("another");
        var ids = await alice.SectionIdsAsync(conv);
        var otherToDo = (await alice.SectionIdsAsync(other))["To Do"];
        var doing = (await alice.AddSectionAsync(conv, "Doing")).SectionId();
        var gone = (await alice.AddSectionAsync(conv, "Gone")).SectionId();
        (await alice.EventAsync("section:task:delete", new { conversation_id = conv, section_id = gone })).EnsureApplied();
        var before = await alice.SyncedSectionsAsync(conv);
        var horizon = await alice.HorizonAsync();

        foreach (var section in new[] { Guid.NewGuid(), otherToDo, gone })
        {
            await RefusedAsync(alice, "section:task:rename", new { conversation_id = conv, section_id = section, section_name = "x" }, 400, "invalid_param");
            await RefusedAsync(alice, "section:task:delete", new { conversation_id = conv, section_id = section }, 400, "invalid_param");
            await RefusedAsync(alice, "section:task:set_position", new { conversation_id = conv, section_id = section }, 400, "invalid_param");
            await RefusedAsync(alice, "section:task:archive_all", new { conversation_id = conv, section_id = section }, 400, "invalid_param");
            await RefusedAsync(alice, "section:task:sync", new { conversation_id = conv, section_id = section }, 400, "invalid_param");
            await RefusedAsync(alice, "section:task:add", new { conversation_id = conv, section_name = "x", prev_section_id = section }, 400, "invalid_param");
        }

        await RefusedAsync(alice, "section:task:delete", new { conversation_id = conv, section_id = ids["To Do"] }, 431, "default_section");
        await RefusedAsync(alice, "section:task:delete", new { conversation_id = conv, section_id = ids["Archived"] }, 431, "default_section");
        await RefusedAsync(alice, "section:task:set_position", new { conversation_id = conv, section_id = ids["Archived"] }, 431, "default_section");
        await RefusedAsync(alice, "section:task:set_position",
            new { conversation_id = conv, section_id = doing, prev_section_id = ids["Archived"] }, 400, "invalid_param");
        await RefusedAsync(alice, "section:task:set_position", new { conversation_id = conv, section_id = doing, prev_section_id = doing }, 400, "invalid_param");
        await RefusedAsync(alice, "section:task:add", new { conversation_id = conv, section_name = "   " }, 400, "invalid_param");
        await RefusedAsync(alice, "section:task:rename", new { conversation_id = conv, section_id = doing, section_name = "" }, 400);
        await RefusedAsync(alice, "section:task:add", new { conversation_id = conv, section_name = new string('n', 1025) }, 400);
        await RefusedAsync(alice, "section:task:rename", new { conversation_id = conv, section_id = doing, section_name = new string('n', 1025) }, 400);
        await RefusedAsync(alice, "section:task:sync",
            new { conversation_id = conv, section_id = doing, sync_cursor = new { conversation_id = conv, section_id = ids["To Do"], task_weight = 1.0 } },
            400, "invalid_param");
        await RefusedAsync(alice, "message:task:set_position",
            new { conversation_id = conv, message_nr = 1, section_id = doing, prev_message_nr = 0 }, 400, "invalid_param");

        // A 1024-character name is fine.
        Assert.Equal(1024, (await alice.AddSectionAsync(conv, new string('n', 1024))).Str("name").Length);

        // Outsiders get what every conversation write answers them.
        var write = (await carol.EventAsync("message:add_plain", new { conversation_id = conv, message = "x" })).Request;
        var status = write.GetProperty("status_code").GetInt32();
        Assert.True(status is >= 400 and < 500);
        await RefusedAsync(carol, "section:task:add", new { conversation_id = conv, section_name = "mine" }, status, write.Str("error_id"));
        await RefusedAsync(carol, "section:task:rename", new { conversation_id = conv, section_id = doing, section_name = "mine" }, status, write.Str("error_id"));
        await RefusedAsync(carol, "section:task:sync", new { conversation_id = conv, section_id = doing }, status, write.Str("error_id"));
        await RefusedAsync(carol, "conv:pin:sync", new { conversation_id = conv }, status, write.Str("error_id"));

        // Nothing of it reached the board (but the 1024-character section).
        var after = await alice.SyncedSectionsAsync(conv);
        Assert.Equal(before.Count + 1, after.Count);
        Assert.Single((await alice.PollSinceAsync(horizon)).Sections());
    }

    [Fact]
    public async Task Paging_calls_refuse_bad_limits_sections_and_outsiders()
    {
        using var alice = await server.NewAccountAsync();
        using var carol = await server.NewAccountAsync();
        var conv = await alice.CreateConversationAsync("paging input");
        var other = await alice.CreateConversationAsync("other");
        var toDo = (await alice.SectionIdsAsync(conv))["To Do"];

        foreach (var limit in new[] { 0, -1, 101 })
        {
            (await alice.PostAsync("/api/account/sync_pinboard", new { conversation_id = conv, pin_limit = limit })).AssertError(400, "invalid_param");
            (await alice.PostAsync("/api/account/sync_taskboard", new { conversation_id = conv, section_id = toDo, task_limit = limit }))
                .AssertError(400, "invalid_param");
        }

        (await alice.PostAsync("/api/account/sync_pinboard", new { })).AssertError(400);
        (await alice.PostAsync("/api/account/sync_taskboard", new { conversation_id = conv })).AssertError(400);
        (await alice.PostAsync("/api/account/sync_taskboard", new { conversation_id = conv, section_id = (await alice.SectionIdsAsync(other))["To Do"] }))
            .AssertError(400, "invalid_param");
        (await alice.PostAsync("/api/account/sync_taskboard", new { conversation_id = conv, section_id = Guid.NewGuid() })).AssertError(400, "invalid_param");
        (await alice.ConvAsync("sync_pins", conv, new { from_message_nr = 99 })).AssertError(400, "invalid_param");

        var outsider = await carol.ConvAsync("sync", conv);
        Assert.True(outsider.StatusCode is >= 400 and < 500);
        (await carol.PostAsync("/api/account/sync_pinboard", new { conversation_id = conv })).AssertError(outsider.StatusCode, outsider.ErrorId);
        (await carol.PostAsync("/api/account/sync_taskboard", new { conversation_id = conv, section_id = toDo })).AssertError(outsider.StatusCode, outsider.ErrorId);
        (await carol.ConvAsync("sync_pins", conv)).AssertError(outsider.StatusCode, outsider.ErrorId);

        // Empty boards page as one empty batch.
        var empty = (await alice.PostAsync("/api/account/sync_pinboard", new { conversation_id = conv })).EnsureOk();
        Assert.Empty(empty.Messages());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, empty.Header().GetProperty("pin_cursor").ValueKind);
    }
}
