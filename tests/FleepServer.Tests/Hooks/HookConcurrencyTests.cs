using System.Text.Json;
using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Hooks;

/// <summary>
/// Every kind of hook write from concurrent clients through HTTP (docs/writes.md): hook creation,
/// renames, posts to one URL, imports of one batch and a drop racing posts. No answer is a 500,
/// message numbers stay contiguous and each change is present once.
/// </summary>
public sealed class HookConcurrencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Eight_members_creating_hooks_at_once_all_succeed_with_distinct_keys_and_contiguous_messages()
    {
        var clients = new List<FleepTestClient>();
        for (var i = 0; i < 8; i++)
        {
            clients.Add(await server.NewAccountAsync($"creator{i}"));
        }

        try
        {
            var conv = await clients[0].CreateConversationAsync("busy", [.. clients.Skip(1)]);
            var last = (await clients[0].HeaderAsync(conv)).Long("last_message_nr");

            var responses = await ConcurrentCalls.RunAsync(clients.Select((c, i) =>
                (Func<Task<FleepResponse>>)(() => c.ConvAsync("create_hook", conv, new { hook_name = $"hook {i}" }))));
            server.AssertAllOk(responses);

            var keys = responses.Select(r => r.Json.GetProperty("hook_info").Str("hook_key")).ToList();
            Assert.Equal(8, keys.Distinct().Count());
            var numbers = responses.Select(r => Assert.Single(r.Messages()).Long("message_nr")).Order().ToList();
            Assert.Equal(Enumerable.Range(1, 8).Select(i => last + i), numbers);
            for (var i = 0; i < 8; i++)
            {
                var message = Assert.Single(responses[i].Messages());
                HookManagementTests.AssertSystemMessage(message, "hook", $"hook {i}", keys[i], clients[i].AccountId);
            }

            var shown = HookManagementTests.HooksOf(await clients[3].ConvAsync("show_hooks", conv));
            Assert.Equal(8, shown.Count);
            Assert.Equal(keys.Order(), shown.Select(h => h.Str("hook_key")).Order());
            Assert.Equal(last + 8, (await clients[5].HeaderAsync(conv)).Long("last_message_nr"));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Concurrent_renames_all_succeed_and_everyone_ends_with_the_last_name()
    {
        var clients = new List<FleepTestClient>();
        for (var i = 0; i < 6; i++)
        {
            clients.Add(await server.NewAccountAsync($"renamer{i}"));
        }

        try
        {
            var conv = await clients[0].CreateConversationAsync("renames", [.. clients.Skip(1)]);
            var key = (await clients[0].ConvAsync("create_hook", conv, new { hook_name = "start" })).EnsureOk()
                .Json.GetProperty("hook_info").Str("hook_key");
            var horizon = await clients[1].HorizonAsync();

            var responses = await ConcurrentCalls.RunAsync(clients.Select((c, i) =>
                (Func<Task<FleepResponse>>)(() => c.ConvAsync("configure_hook", conv, new { hook_key = key, hook_name = $"name {i}" }))));
            server.AssertAllOk(responses);

            // Every rename reached the member once; the last one in its stream is the name that stands.
            var records = (await clients[1].PollToEndAsync(horizon)).Where(r => r.Str("mk_rec_type") == "hook").ToList();
            Assert.Equal(6, records.Count);
            Assert.Equal(Enumerable.Range(0, 6).Select(i => $"name {i}").Order(), records.Select(r => r.Str("hook_name")).Order());
            var shown = Assert.Single(HookManagementTests.HooksOf(await clients[2].ConvAsync("show_hooks", conv)));
            Assert.Equal(records[^1].Str("hook_name"), shown.Str("hook_name"));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Ten_concurrent_posts_to_one_hook_make_ten_messages()
    {
        using var a = await server.NewAccountAsync("Alice");
        using var b = await server.NewAccountAsync("Bob");
        var conv = await a.CreateConversationAsync("posts", b);
        var url = (await a.ConvAsync("create_hook", conv)).EnsureOk().Json.GetProperty("hook_info").Str("hook_url");
        var last = (await a.HeaderAsync(conv)).Long("last_message_nr");
        var horizon = await b.HorizonAsync();
        var senders = Enumerable.Range(0, 10).Select(_ => server.NewClient()).ToList();

        try
        {
            var responses = await ConcurrentCalls.RunAsync(senders.Select((s, i) =>
                (Func<Task<FleepResponse>>)(() => s.PostRawAsync(url, JsonSerializer.Serialize(new { message = $"post {i}", user = $"bot {i}" })))));
            server.AssertAllOk(responses);

            var messages = (await b.PollToEndAsync(horizon)).Where(r => r.Str("mk_rec_type") == "message").ToList();
            Assert.Equal(10, messages.Count);
            Assert.Equal(Enumerable.Range(1, 10).Select(i => last + i), messages.Select(m => m.Long("message_nr")));
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"<msg><p>post {i}</p></msg>").Order(), messages.Select(m => m.Str("message")).Order());
            Assert.All(messages, m => Assert.Equal(a.AccountId, m.GetProperty("account_id").GetGuid()));
            Assert.All(messages, m => Assert.Equal(m.Str("message"), $"<msg><p>post {m.Str("sender_name")[4..]}</p></msg>"));
        }
        finally
        {
            senders.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task Concurrent_imports_of_one_batch_add_it_exactly_once()
    {
        using var a = await server.NewAccountAsync("Alice");
        using var b = await server.NewAccountAsync("Bob");
        var conv = await a.CreateConversationAsync("imports", b);
        var hook = await HookImportTests.CreateImportHookAsync(a, conv);
        var batch = HookImportTests.Batch("race", 50);
        var last = (await a.HeaderAsync(conv)).Long("last_message_nr");
        var horizon = await b.HorizonAsync();
        var anonymous = Enumerable.Range(0, 2).Select(_ => server.NewClient()).ToList();
        var body = JsonSerializer.Serialize(new { messages = batch });

        try
        {
            // Two through conversation/import (owner and member), two through the hook's URL.
            var responses = await ConcurrentCalls.RunAsync(
            [
                () => a.ConvAsync("import", conv, new { hook_id = hook.Id, messages = batch }),
                () => b.ConvAsync("import", conv, new { hook_id = hook.Id, messages = batch }),
                () => anonymous[0].PostRawAsync(hook.Url, body),
                () => anonymous[1].PostRawAsync(hook.Url, body),
            ]);
            server.AssertAllOk(responses);

            var messages = (await b.PollToEndAsync(horizon)).Where(r => r.Str("mk_rec_type") == "message").ToList();
            Assert.Equal(50, messages.Count);
            Assert.Equal(Enumerable.Range(1, 50).Select(i => last + i), messages.Select(m => m.Long("message_nr")));
            Assert.Equal(Enumerable.Range(0, 50).Select(i => $"<msg><p>Imported line {i}</p></msg>"), messages.Select(m => m.Str("message")));
            Assert.Equal(last + 50, (await a.HeaderAsync(conv)).Long("last_message_nr"));
        }
        finally
        {
            anonymous.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_drop_racing_posts_lets_no_post_through_after_the_unhook_message()
    {
        using var a = await server.NewAccountAsync("Alice");
        using var b = await server.NewAccountAsync("Bob");
        var conv = await a.CreateConversationAsync("race", b);
        var info = (await a.ConvAsync("create_hook", conv)).EnsureOk().Json.GetProperty("hook_info");
        var (key, url) = (info.Str("hook_key"), info.Str("hook_url"));
        var horizon = await b.HorizonAsync();
        var senders = Enumerable.Range(0, 20).Select(_ => server.NewClient()).ToList();

        try
        {
            var calls = senders.Select((s, i) =>
                (Func<Task<FleepResponse>>)(() => s.PostRawAsync(url, JsonSerializer.Serialize(new { message = $"post {i}" })))).ToList();
            calls.Insert(10, () => b.ConvAsync("drop_hook", conv, new { hook_key = key }));
            var responses = await ConcurrentCalls.RunAsync(calls);
            server.AssertNoServerErrors(responses);

            var drop = responses[10];
            drop.EnsureOk();
            var unhookNr = drop.Message().Long("message_nr");
            var posts = responses.Where((_, i) => i != 10).ToList();
            Assert.Equal(20, posts.Count);
            Assert.All(posts, p => Assert.True(p.StatusCode is 200 or 404, $"{p.StatusCode} {p.Json}"));
            Assert.All(posts.Where(p => p.StatusCode == 404), p => p.AssertError(404, "hook_not_found"));

            var messages = (await b.PollToEndAsync(horizon)).Where(r => r.Str("mk_rec_type") == "message").ToList();
            var texts = messages.Where(m => m.Str("mk_message_type") == "text").ToList();
            Assert.Equal(posts.Count(p => p.StatusCode == 200), texts.Count);
            Assert.All(texts, t => Assert.True(t.Long("message_nr") < unhookNr, $"message {t.Long("message_nr")} after the unhook at {unhookNr}"));
            Assert.Equal(unhookNr, Assert.Single(messages, m => m.Str("mk_message_type") == "unhook").Long("message_nr"));

            await using var db = server.OpenDb();
            Assert.False(await db.Messages.AnyAsync(m => m.ConversationId == conv && m.HookKey == key && m.MessageNr > unhookNr));
            Assert.Equal(unhookNr, await db.Conversations.Where(c => c.Id == conv).Select(c => c.LastMessageNr).SingleAsync());
        }
        finally
        {
            senders.ForEach(s => s.Dispose());
        }
    }
}
