using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Api;

/// <summary>add_members, remove_members, leave and set_topic with their system messages.</summary>
public sealed class ConversationMembersTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Members_added_right_after_create_are_merged_into_the_create_message()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("members");

        var response = (await a.ConvAsync("add_members", conv, new { emails = b.Email })).EnsureOk();

        var create = response.Message();
        Assert.Equal(1, create.Long("message_nr"));
        Assert.Equal(2, create.Long("flow_message_nr"));
        Assert.Equal("create", create.Str("mk_message_type"));
        Assert.Equal($"{{\"members\": [\"{b.AccountId}\"], \"topic\": \"members\", \"org_name\": null, \"organisation_id\": null}}", create.Str("message"));
        var activity = Assert.Single(response.Stream(), r => r.Str("mk_rec_type") == "activity");
        Assert.Equal(b.AccountId, activity.GetProperty("account_id").GetGuid());
        Assert.Equal(1, activity.Long("join_message_nr"));
        var h = response.Header();
        Assert.Equal(2, h.Long("last_message_nr"));
        Assert.Equal(1, h.Long("read_message_nr"));
        Assert.Equal(1, h.Long("show_message_nr"));
        Assert.Equal(1, h.Long("inbox_message_nr"));
        Assert.Equal(2, h.Long("topic_message_nr"));
        Assert.Equal(new[] { a.AccountId, b.AccountId }.Order(), h.Ids("members").Order());

        // Then remove_members: a kick message at flow 3.
        var kicked = (await a.ConvAsync("remove_members", conv, new { emails = b.Email })).EnsureOk();
        var kick = kicked.Message();
        Assert.Equal("kick", kick.Str("mk_message_type"));
        Assert.Equal($"{{\"members\": [\"{b.AccountId}\"]}}", kick.Str("message"));
        Assert.Equal(0, kick.Long("inbox_nr"));
        var k = kicked.Header();
        Assert.Equal(3, k.Long("last_message_nr"));
        Assert.Equal(3, k.Long("read_message_nr"));
        Assert.Equal(3, k.Long("show_message_nr"));
        Assert.Equal(2, k.Long("topic_message_nr"));
        Assert.Equal(1, k.Long("inbox_message_nr"));
        Assert.Equal([a.AccountId], k.Ids("members"));
        Assert.Equal([b.AccountId], k.Ids("leavers"));

        // The removed member lost access to the conversation's content.
        (await b.ConvAsync("sync", conv)).AssertError(430, "not_found");
    }

    [Fact]
    public async Task Members_added_later_get_an_add_message_and_their_join_point()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("later");
        (await a.SendAsync(conv, "before b")).EnsureOk();

        var response = (await a.ConvAsync("add_members", conv, new { account_ids = new[] { b.AccountId } })).EnsureOk();

        var add = response.Message();
        Assert.Equal(3, add.Long("message_nr"));
        Assert.Equal("add", add.Str("mk_message_type"));
        Assert.Equal("urn:fleep:message:mk_message_state:system", add.Str("mk_message_state"));
        Assert.Equal($"{{\"members\": [\"{b.AccountId}\"]}}", add.Str("message"));
        Assert.Equal(-1, add.Long("inbox_nr"));
        Assert.False(add.Has("flow_message_nr"));
        Assert.Equal(3, response.Json.Long("result_message_nr"));
        Assert.Equal(3, Assert.Single(response.Stream(), r => r.Str("mk_rec_type") == "activity").Long("join_message_nr"));

        // The late joiner does not see history before its join point.
        var init = (await b.ConvAsync("sync", conv)).EnsureOk();
        Assert.Equal([3L], init.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(3, init.Header().Long("bw_message_nr"));
        (await b.ConvAsync("sync", conv, new { mk_direction = "backward", from_message_nr = 3 })).EnsureOk().Messages().ForEach(m => Assert.Fail("history leaked"));
        (await b.MessageAsync("edit", conv, new { message_nr = 2, message = "x" })).AssertError(430, "not_found");

        // Adding someone who is already a member changes nothing.
        var again = (await a.ConvAsync("add_members", conv, new { account_ids = new[] { b.AccountId } })).EnsureOk();
        Assert.Empty(again.Messages());
        Assert.Equal(3, again.Header().Long("last_message_nr"));
    }

    [Fact]
    public async Task Disclose_setting_lets_new_members_see_the_history()
    {
        using var a = await server.NewAccountAsync();
        using var b = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("open history");
        (await a.ConvAsync("store", conv, new { is_disclose = true })).EnsureOk();
        (await a.SendAsync(conv, "history")).EnsureOk();
        (await a.ConvAsync("add_members", conv, new { account_ids = new[] { b.AccountId } })).EnsureOk();

        var init = (await b.ConvAsync("sync", conv)).EnsureOk();
        Assert.Equal([1L, 2L, 3L, 4L], init.Messages().Select(m => m.Long("message_nr")));
        Assert.Equal(1, init.Header().Long("disclose_message_nr"));
        Assert.Equal(1, init.Header().Long("bw_message_nr"));
    }

    [Fact]
    public async Task Leave_appends_an_empty_leave_message_and_ends_posting()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("bye");

        var response = (await a.ConvAsync("leave", conv)).EnsureOk();

        var leave = response.Message();
        Assert.Equal(2, leave.Long("message_nr"));
        Assert.Equal("leave", leave.Str("mk_message_type"));
        Assert.Equal("", leave.Str("message"));
        Assert.Equal(0, leave.Long("inbox_nr"));
        Assert.Equal(a.AccountId, leave.GetProperty("account_id").GetGuid());
        var h = response.Header();
        Assert.False(h.Bool("can_post"));
        // Leaving by oneself keeps the conversation readable: no reset.
        Assert.False(h.Has("is_reset"));
        Assert.Empty(h.Ids("members"));
        Assert.Equal([a.AccountId], h.Ids("leavers"));
        foreach (var field in new[] { "read_message_nr", "send_message_nr", "show_message_nr", "last_message_nr" })
        {
            Assert.Equal(2, h.Long(field));
        }

        Assert.Equal(1, h.Long("inbox_message_nr"));

        // A leaver still reads what it saw, but changes nothing (431, as the live server answered).
        var sync = (await a.ConvAsync("sync", conv)).EnsureOk();
        Assert.Equal([1L, 2L], sync.Messages().Select(m => m.Long("message_nr")));
        (await a.SendAsync(conv, "still here?")).AssertError(431, "member_left");
        (await a.ConvAsync("mark_read", conv)).AssertError(431, "member_left");
        (await a.MessageAsync("mark_read", conv, new { message_nr = 1 })).AssertError(431, "member_left");
        (await a.ConvAsync("set_topic", conv, new { topic = "x" })).AssertError(431, "member_left");
        (await a.ConvAsync("leave", conv)).AssertError(431, "member_left");
    }

    [Fact]
    public async Task Set_topic_appends_a_topic_message()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("");

        var response = (await a.ConvAsync("set_topic", conv, new { topic = "Plans <&> \"2026\"" })).EnsureOk();

        var topic = response.Message();
        Assert.Equal("topic", topic.Str("mk_message_type"));
        Assert.Equal("{\"topic\": \"Plans <&> \\\"2026\\\"\"}", topic.Str("message"));
        Assert.Equal("Plans <&> \"2026\"", response.Header().Str("topic"));
        Assert.Equal(2, response.Header().Long("topic_message_nr"));
        Assert.Equal(2, response.Json.Long("result_message_nr"));

        (await a.ConvAsync("set_topic", conv, new { topic = new string('t', 1025) })).AssertError(400, "invalid_param");
        var same = (await a.ConvAsync("set_topic", conv, new { topic = "Plans <&> \"2026\"" })).EnsureOk();
        Assert.Empty(same.Messages());
    }

    [Fact]
    public async Task Unknown_addresses_become_new_members_and_bad_addresses_change_nothing()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("strangers");

        (await a.ConvAsync("add_members", conv, new { emails = "not an address" })).AssertError(400);
        Assert.Equal(1, (await a.HeaderAsync(conv)).Long("last_message_nr"));

        var horizon = await a.HorizonAsync();
        var address = $"nobody.{Guid.NewGuid():N}@example.org";
        var added = (await a.ConvAsync("add_members", conv, new { emails = address })).EnsureOk();
        Assert.Equal(2, added.Header().Ids("members").Count);
        var contact = (await a.PollToEndAsync(horizon)).Single(r => r.Str("mk_rec_type") == "contact" && r.Str("email") == address);
        Assert.Equal("new", contact.Str("mk_account_status"));
        Assert.Contains(contact.GetProperty("account_id").GetGuid(), added.Header().Ids("members"));
    }
}
