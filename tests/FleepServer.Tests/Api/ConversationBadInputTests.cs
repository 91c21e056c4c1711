using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Api;

/// <summary>
/// Input that cannot be used is a Fleep 4xx, never a 500, and writes nothing
/// (docs/compatibility.md, "Requests").
/// </summary>
public sealed class ConversationBadInputTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("12345")]
    [InlineData("%27%20OR%201%3D1")]
    public async Task A_malformed_conversation_id_is_400_on_every_call(string id)
    {
        using var a = await server.NewAccountAsync();
        foreach (var path in new[]
                 {
                     "conversation/sync", "conversation/sync_backward", "conversation/store", "conversation/add_members", "conversation/leave",
                     "conversation/set_topic", "conversation/mark_read", "conversation/hide", "conversation/delete", "conversation/check_permissions",
                     "conversation/disclose", "conversation/poke", "conversation/unsubscribe", "conversation/convert_api", "message/send", "message/store", "message/edit", "message/delete", "message/mark_read",
                 })
        {
            var response = await a.PostAsync($"/api/{path}/{id}", new { message = "x", message_nr = 1, topic = "t", mk_alert_level = "never" });
            Assert.True(response.StatusCode == 400, $"{path}: {response.StatusCode} {response.Json}");
            response.AssertError(400, "invalid_param");
        }
    }

    public static TheoryData<string, string, int, string> BadBodies => new()
    {
        // message numbers
        { "message/edit", """{"message_nr": -1, "message": "x"}""", 400, "invalid_param" },
        { "message/edit", """{"message_nr": 9223372036854775807, "message": "x"}""", 430, "not_found" },
        { "message/edit", """{"message_nr": 1e30, "message": "x"}""", 400, "invalid_param" },
        { "message/edit", """{"message_nr": "abc", "message": "x"}""", 400, "invalid_param" },
        { "message/edit", """{"message": "x"}""", 400, "missing_param" },
        { "message/delete", """{"message_nr": 99}""", 430, "not_found" },
        { "message/mark_read", """{"message_nr": -5}""", 400, "invalid_param" },
        { "message/mark_read", """{"message_nr": 9223372036854775807}""", 400, "invalid_param" },
        { "message/mark_unread", """{"message_nr": 0}""", 400, "invalid_param" },
        { "conversation/store", """{"read_message_nr": -1}""", 400, "invalid_param" },
        { "conversation/store", """{"read_message_nr": 1000000}""", 400, "invalid_param" },
        { "conversation/store", """{"hide_message_nr": 1000000}""", 400, "invalid_param" },
        { "conversation/sync", """{"from_message_nr": -1}""", 400, "invalid_param" },
        { "conversation/sync", """{"from_message_nr": 1000000}""", 400, "invalid_param" },
        { "conversation/sync", """{"mk_direction": "sideways"}""", 400, "invalid_param" },
        { "message/send", """{"message": "x", "from_message_nr": -3}""", 400, "invalid_param" },
        // wrong types
        { "message/send", """{"message": 12}""", 400, "invalid_param" },
        { "message/send", """{"message": ["x"]}""", 400, "invalid_param" },
        { "message/send", """{"message": "x", "client_req_id": "not-a-uuid"}""", 400, "invalid_param" },
        { "message/store", """{"message_nr": 2, "tags": "pin"}""", 400, "invalid_param" },
        { "message/store", """{"message_nr": 2, "tags": ["unknown_tag"]}""", 400, "invalid_param" },
        { "conversation/add_members", """{"account_ids": "x"}""", 400, "invalid_param" },
        { "conversation/add_members", """{"account_ids": ["00000000-0000-0000-0000-000000000000"]}""", 400, "invalid_param" },
        { "conversation/store", """{"is_autojoin": "maybe"}""", 400, "invalid_param" },
        { "conversation/store", """{"snooze_interval": -10}""", 400, "invalid_param" },
        { "conversation/store", """{"snooze_interval": 9223372036854775807}""", 400, "invalid_param" },
        { "message/store", """{"message_nr": 2, "pin_weight": 1e400}""", 400, "invalid_param" },
        { "conversation/set_alerts", """{"mk_alert_level": "loud"}""", 400, "invalid_param" },
        { "conversation/set_alerts", """{}""", 400, "missing_param" },
        // bodies and lengths
        { "message/send", """{"message": "nul\u0000inside"}""", 400, "invalid_param" },
        { "message/send", """{"message": ""}""", 400, "empty_message" },
        { "message/send", """{}""", 400, "empty_message" },
        { "message/send", """{"message": "x", "tags": ["is_todo", "is_done"]}""", 400, "invalid_param" },
        { "conversation/set_topic", """{"topic": "TOPIC_1025"}""", 400, "invalid_param" },
        { "message/send", """{"message": "BODY_307201"}""", 400, "invalid_param" },
        { "message/send", """{"message": "x", """, 400, "bad_request" },
        // attachments that name no upload of the caller: refused, never dropped
        { "message/send", """{"message": "x", "attachments": ["https://host/file/1"]}""", 400, "invalid_param" },
        { "message/send", """{"message": "x", "files": ["f1"]}""", 400, "invalid_param" },
        { "message/store", """{"message": "x", "attachments": ["https://host/file/1"]}""", 400, "invalid_param" },
        { "message/edit", """{"message_nr": 2, "message": "x", "attachments": ["https://host/file/1"]}""", 400, "invalid_param" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_bodies_are_refused_and_nothing_is_written(string path, string body, int status, string errorId)
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("strict");
        (await a.SendAsync(conv, "existing")).EnsureOk();
        var before = await CountsAsync(conv);

        var json = body.Replace("TOPIC_1025", new string('t', 1025)).Replace("BODY_307201", new string('b', 307_201));
        json = json.EndsWith('}') ? json.Insert(json.Length - 1, (json.Length > 2 ? ", " : "") + $"\"ticket\": \"{a.Ticket}\"") : json;
        var response = await a.PostRawAsync($"/api/{path}/{conv}", json);

        response.AssertError(status, errorId);
        Assert.Equal(before, await CountsAsync(conv));
    }

    [Fact]
    public async Task Create_refuses_an_over_long_topic_and_bad_conversation_type()
    {
        using var a = await server.NewAccountAsync();

        (await a.PostAsync("/api/conversation/create", new { topic = new string('t', 257) })).AssertError(400, "invalid_param");
        (await a.PostAsync("/api/conversation/create", new { topic = "x", mk_conv_type = "cct_odd" })).AssertError(400, "invalid_param");
        (await a.PostAsync("/api/conversation/list", new { sync_horizon = -1 })).AssertError(400, "invalid_param");
        (await a.PostAsync("/api/conversation/autojoin", new { conv_url_key = "" })).AssertError(400, "missing_param");
        (await a.PostAsync("/api/conversation/autojoin", new { conv_url_key = "https://host/chat/nonexistent" })).AssertError(430, "not_found");
        (await a.PostAsync("/api/conversation/create", new { topic = "x", account_ids = new[] { Guid.NewGuid() } })).AssertError(400, "invalid_param");
        (await a.PostAsync("/api/conversation/create", new { topic = "x", message = new string('m', 307_201) })).AssertError(400, "invalid_param");
        Assert.Equal(256, (await a.PostAsync("/api/conversation/create", new { topic = new string('t', 256) })).EnsureOk().Header().Str("topic").Length);

        await using var db = server.OpenDb();
        Assert.Equal(1, await db.Conversations.CountAsync(c => c.CreatorId == a.AccountId));
    }

    private async Task<(long Last, int Messages, string Members)> CountsAsync(Guid conv)
    {
        await using var db = server.OpenDb();
        var c = await db.Conversations.AsNoTracking().SingleAsync(x => x.Id == conv);
        var members = await db.ConversationMembers.AsNoTracking().Where(m => m.ConversationId == conv).ToListAsync();
        return (c.LastMessageNr, await db.Messages.CountAsync(m => m.ConversationId == conv),
            System.Text.Json.JsonSerializer.Serialize(members.Select(m => new { m.ReadMessageNr, m.HideMessageNr, m.MkAlertLevel, m.SnoozeInterval })));
    }
}
