using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Hooks;

/// <summary>
/// Import batches through conversation/import and through the URL of
/// an <c>import</c> hook: order, posted_time and sender_name kept, a batch imported twice adds
/// nothing, entries without a key always add, and a batch with an unusable entry writes nothing.
/// </summary>
public sealed class HookImportTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    /// <summary>2012-03-01 00:00:00 UTC: like the live test-suite, old timestamps that must come back unchanged.</summary>
    private const long Posted2012 = 1330560000;

    public enum Route
    {
        Api,
        HookUrl,
    }

    [Theory]
    [InlineData(Route.Api)]
    [InlineData(Route.HookUrl)]
    public async Task A_batch_of_50_keeps_order_time_and_sender_and_the_same_batch_again_adds_nothing(Route route)
    {
        using var a = await server.NewAccountAsync("Alice");
        using var b = await server.NewAccountAsync("Bob");
        var conv = await a.CreateConversationAsync("history", b);
        var hook = await CreateImportHookAsync(a, conv);
        var batch = Batch("k", 50);
        var ha = await a.HorizonAsync();
        var hb = await b.HorizonAsync();
        var lastBefore = (await a.HeaderAsync(conv)).Long("last_message_nr");

        var answer = await ImportAsync(route, a, conv, hook, batch);
        answer.EnsureOk();

        foreach (var (member, horizon) in new[] { (a, ha), (b, hb) })
        {
            var messages = (await member.PollToEndAsync(horizon)).Where(r => r.Str("mk_rec_type") == "message")
                .DistinctBy(m => m.Long("message_nr")).ToList();
            Assert.Equal(50, messages.Count);
            Assert.Equal(Enumerable.Range(1, 50).Select(i => lastBefore + i), messages.Select(m => m.Long("message_nr")));
            for (var i = 0; i < 50; i++)
            {
                Assert.Equal("text", messages[i].Str("mk_message_type"));
                Assert.Equal($"<msg><p>Imported line {i}</p></msg>", messages[i].Str("message"));
                Assert.Equal(Posted2012 + i * 60, messages[i].Long("posted_time"));
                Assert.Equal($"Sender {i % 3}", messages[i].Str("sender_name"));
                Assert.Equal(hook.Key, messages[i].Str("hook_key"));
                Assert.Equal(a.AccountId, messages[i].GetProperty("account_id").GetGuid());
            }
        }

        var lastAfter = (await b.HeaderAsync(conv)).Long("last_message_nr");
        Assert.Equal(lastBefore + 50, lastAfter);

        // The same batch again: accepted, and nothing new for anyone.
        ha = await a.HorizonAsync();
        hb = await b.HorizonAsync();
        (await ImportAsync(route, a, conv, hook, batch)).EnsureOk();
        Assert.DoesNotContain(await a.PollToEndAsync(ha), r => r.Str("mk_rec_type") == "message");
        Assert.DoesNotContain(await b.PollToEndAsync(hb), r => r.Str("mk_rec_type") == "message");
        Assert.Equal(lastAfter, (await b.HeaderAsync(conv)).Long("last_message_nr"));
        Assert.Equal(50, await CountHookMessagesAsync(conv, hook.Key));

        // A partly new batch adds only what is new, in order.
        var mixed = Batch("k", 52).Skip(48).ToArray();
        (await ImportAsync(route, a, conv, hook, mixed)).EnsureOk();
        var added = (await b.PollToEndAsync(hb)).Where(r => r.Str("mk_rec_type") == "message").ToList();
        Assert.Equal(2, added.Count);
        Assert.Equal(["<msg><p>Imported line 50</p></msg>", "<msg><p>Imported line 51</p></msg>"], added.Select(m => m.Str("message")));
        Assert.Equal([lastAfter + 1, lastAfter + 2], added.Select(m => m.Long("message_nr")));
    }

    [Theory]
    [InlineData(Route.Api)]
    [InlineData(Route.HookUrl)]
    public async Task Entries_without_a_key_are_always_added_and_repeated_keys_in_one_batch_once(Route route)
    {
        using var a = await server.NewAccountAsync("Alice");
        var conv = await a.CreateConversationAsync("keyless");
        var hook = await CreateImportHookAsync(a, conv);
        object[] keyless =
        [
            new { message = "no key", posted_time = Posted2012 },
            new { message_key = (string?)null, message = "null key", sender_name = "Cron" },
        ];

        (await ImportAsync(route, a, conv, hook, keyless)).EnsureOk();
        (await ImportAsync(route, a, conv, hook, keyless)).EnsureOk();
        Assert.Equal(4, await CountHookMessagesAsync(conv, hook.Key));

        object[] twice = [new { message_key = "same", message = "first" }, new { message_key = "same", message = "second" }];
        (await ImportAsync(route, a, conv, hook, twice)).EnsureOk();
        await using var db = server.OpenDb();
        var keyed = await db.Messages.Where(m => m.ConversationId == conv && m.MessageKey == "same").Select(m => m.Body).ToListAsync();
        Assert.Equal(["<msg><p>first</p></msg>"], keyed);
    }

    [Theory]
    [InlineData(Route.Api)]
    [InlineData(Route.HookUrl)]
    public async Task A_batch_with_an_empty_entry_is_refused_whole(Route route)
    {
        using var a = await server.NewAccountAsync("Alice");
        using var b = await server.NewAccountAsync("Bob");
        var conv = await a.CreateConversationAsync("all or nothing", b);
        var hook = await CreateImportHookAsync(a, conv);
        var hb = await b.HorizonAsync();
        var last = (await a.HeaderAsync(conv)).Long("last_message_nr");

        foreach (var empty in new object[] { new { message_key = "e", message = "" }, new { message_key = "e", message = "   " }, new { message_key = "e" } })
        {
            var batch = Batch("ok", 10).Cast<object>().ToList();
            batch.Insert(7, empty);
            (await ImportAsync(route, a, conv, hook, batch.ToArray())).AssertError(400, "empty_message");
        }

        (await ImportAsync(route, a, conv, hook, [])).AssertError(400, "empty_message");
        Assert.Equal(0, await CountHookMessagesAsync(conv, hook.Key));
        Assert.Equal(last, (await a.HeaderAsync(conv)).Long("last_message_nr"));
        Assert.DoesNotContain(await b.PollToEndAsync(hb), r => r.Str("mk_rec_type") == "message");

        // The same batch without the empty entry goes in whole.
        (await ImportAsync(route, a, conv, hook, Batch("ok", 10))).EnsureOk();
        Assert.Equal(10, await CountHookMessagesAsync(conv, hook.Key));
    }

    [Theory]
    [InlineData(Route.Api)]
    [InlineData(Route.HookUrl)]
    public async Task Posted_time_is_taken_as_whole_seconds_from_a_number_or_a_numeric_string(Route route)
    {
        using var a = await server.NewAccountAsync("Alice");
        var conv = await a.CreateConversationAsync("times");
        var hook = await CreateImportHookAsync(a, conv);

        var answer = await ImportAsync(route, a, conv, hook,
        [
            new { message = "integer", posted_time = (object)Posted2012 },
            new { message = "fraction", posted_time = (object)(Posted2012 + 60.75) },
            new { message = "string", posted_time = (object)(Posted2012 + 120).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        ]);
        answer.EnsureOk();

        await using var db = server.OpenDb();
        var times = await db.Messages.Where(m => m.ConversationId == conv && m.HookKey == hook.Key).OrderBy(m => m.MessageNr)
            .Select(m => m.PostedTime).ToListAsync();
        Assert.Equal([Posted2012, Posted2012 + 60, Posted2012 + 120], times.Select(t => t.ToUnixTimeSeconds()));
    }

    [Fact]
    public async Task Another_member_imports_the_owners_messages_and_gets_its_own_view()
    {
        using var a = await server.NewAccountAsync("Alice");
        using var b = await server.NewAccountAsync("Bob");
        var conv = await a.CreateConversationAsync("shared import", b);
        var hook = await CreateImportHookAsync(a, conv);
        var ha = await a.HorizonAsync();

        var answer = (await ImportAsync(Route.Api, b, conv, hook, Batch("b", 3))).EnsureOk();
        Assert.Equal(b.AccountId, answer.Header().GetProperty("profile_id").GetGuid());
        var answered = answer.Messages();
        Assert.Equal(3, answered.Count);
        Assert.All(answered, m => Assert.Equal(a.AccountId, m.GetProperty("account_id").GetGuid()));
        Assert.All(answered, m => Assert.Equal(hook.Key, m.Str("hook_key")));

        // The owner's messages are read by the owner, as its own posts are.
        var ownerHeader = await a.HeaderAsync(conv);
        Assert.Equal(ownerHeader.Long("last_message_nr"), ownerHeader.Long("read_message_nr"));
        var ownerMessages = (await a.PollToEndAsync(ha)).Where(r => r.Str("mk_rec_type") == "message").ToList();
        Assert.Equal(3, ownerMessages.Count);
    }

    [Fact]
    public async Task Bad_import_input_is_a_fleep_error_and_writes_nothing()
    {
        using var a = await server.NewAccountAsync("Alice");
        var conv = await a.CreateConversationAsync("strict import");
        var hook = await CreateImportHookAsync(a, conv);
        var plain = (await a.ConvAsync("create_hook", conv, new { hook_name = "to drop" })).EnsureOk().Json.GetProperty("hook_info");
        (await a.ConvAsync("drop_hook", conv, new { hook_key = plain.Str("hook_key") })).EnsureOk();
        var other = await a.CreateConversationAsync("other");
        var foreign = await CreateImportHookAsync(a, other);
        var before = await CountsAsync(conv);

        (string Body, int Status, string ErrorId)[] bodies =
        [
            ("""{"hook_id": "HOOK", "messages": """, 400, "bad_request"),
            ("""{"hook_id": "HOOK", "messages": "not a list"}""", 400, "invalid_param"),
            ("""{"hook_id": "HOOK", "messages": {"message": "x"}}""", 400, "invalid_param"),
            ("""{"hook_id": "HOOK", "messages": ["x"]}""", 400, "invalid_param"),
            ("""{"hook_id": "HOOK", "messages": [null]}""", 400, "invalid_param"),
            ("""{"hook_id": "HOOK"}""", 400, "missing_param"),
            ("""{"messages": [{"message": "x"}]}""", 400, "missing_param"),
            ("""{"hook_id": "not-a-uuid", "messages": [{"message": "x"}]}""", 400, "invalid_param"),
            ("""{"hook_id": 7, "messages": [{"message": "x"}]}""", 400, "invalid_param"),
            ("""{"hook_id": "HOOK", "messages": [{"message": 12}]}""", 400, "invalid_param"),
            ("""{"hook_id": "HOOK", "messages": [{"message": "x", "posted_time": "yesterday"}]}""", 400, "invalid_param"),
            ("""{"hook_id": "HOOK", "messages": [{"message": "x", "posted_time": -1}]}""", 400, "invalid_param"),
            ("""{"hook_id": "HOOK", "messages": [{"message": "x", "posted_time": 9223372036854775807}]}""", 400, "invalid_param"),
            ("""{"hook_id": "HOOK", "messages": [{"message": "x", "posted_time": 1e30}]}""", 400, "invalid_param"),
            ("""{"hook_id": "HOOK", "messages": [{"message": "x", "sender_name": "NAME_1025"}]}""", 400, "invalid_param"),
            ("""{"hook_id": "HOOK", "messages": [{"message": "x", "message_key": "NAME_1025"}]}""", 400, "invalid_param"),
            ("""{"hook_id": "HOOK", "messages": [{"message": "x", "sender_name": ["a"]}]}""", 400, "invalid_param"),
            ("""{"hook_id": "HOOK", "messages": [{"message": "x"}], "from_message_nr": 1000000}""", 400, "invalid_param"),
            ($$"""{"hook_id": "{{Guid.NewGuid()}}", "messages": [{"message": "x"}]}""", 430, "not_found"),
            ($$"""{"hook_id": "{{foreign.Id}}", "messages": [{"message": "x"}]}""", 430, "not_found"),
            ($$"""{"hook_id": "{{plain.GetProperty("hook_id").GetGuid()}}", "messages": [{"message": "x"}]}""", 431, "hook_inactive"),
        ];
        foreach (var (body, status, errorId) in bodies)
        {
            var json = body.Replace("HOOK", hook.Id.ToString()).Replace("NAME_1025", new string('n', 1025));
            json = json.EndsWith('}') ? json.Insert(json.Length - 1, $", \"ticket\": \"{a.Ticket}\"") : json;
            var response = await a.PostRawAsync($"/api/conversation/import/{conv}", json);
            Assert.True(response.StatusCode == status, $"{body}: got {response.StatusCode} {response.Json}");
            response.AssertError(status, errorId);
        }

        // The import hook's URL: bodies that are not a batch.
        using var anonymous = server.NewClient();
        foreach (var body in new[] { """{"messages": """, "message=x", """{"message": "not a batch"}""", """{"messages": []}""", """{"messages": "not a list"}""",
                     """{"messages": [{"message": "x", "posted_time": 9223372036854775807}]}""", """{"messages": [{"message": 5}]}""" })
        {
            var response = await anonymous.PostRawAsync(hook.Url, body);
            Assert.True(response.StatusCode == 400, $"{body}: got {response.StatusCode} {response.Json}");
        }

        Assert.Equal(before, await CountsAsync(conv));
    }

    internal sealed record ImportHook(Guid Id, string Key, string Url);

    internal static async Task<ImportHook> CreateImportHookAsync(FleepTestClient owner, Guid conv)
    {
        var info = (await owner.ConvAsync("create_hook", conv, new { hook_name = "Importer", mk_hook_type = "import" })).EnsureOk()
            .Json.GetProperty("hook_info");
        return new ImportHook(info.GetProperty("hook_id").GetGuid(), info.Str("hook_key"), info.Str("hook_url"));
    }

    /// <summary><paramref name="count"/> keyed entries in the shape of Fleep's import format, a minute apart in 2012.</summary>
    internal static object[] Batch(string keyPrefix, int count) =>
        Enumerable.Range(0, count).Select(i => (object)new
        {
            message_key = $"{keyPrefix}-{i}",
            message = $"Imported line {i}",
            posted_time = Posted2012 + i * 60,
            sender_name = $"Sender {i % 3}",
        }).ToArray();

    /// <summary>An import through conversation/import (as <paramref name="caller"/>) or through the hook's URL (no session).</summary>
    internal async Task<FleepResponse> ImportAsync(Route route, FleepTestClient caller, Guid conv, ImportHook hook, object[] messages)
    {
        if (route == Route.Api)
        {
            return await caller.ConvAsync("import", conv, new { hook_id = hook.Id, messages });
        }

        using var anonymous = server.NewClient();
        return await anonymous.PostRawAsync(hook.Url, JsonSerializer.Serialize(new { messages }));
    }

    private async Task<int> CountHookMessagesAsync(Guid conv, string key)
    {
        await using var db = server.OpenDb();
        return await db.Messages.CountAsync(m => m.ConversationId == conv && m.HookKey == key);
    }

    private async Task<(long Last, int Messages)> CountsAsync(Guid conv)
    {
        await using var db = server.OpenDb();
        var last = await db.Conversations.Where(c => c.Id == conv).Select(c => c.LastMessageNr).SingleAsync();
        return (last, await db.Messages.CountAsync(m => m.ConversationId == conv));
    }
}
