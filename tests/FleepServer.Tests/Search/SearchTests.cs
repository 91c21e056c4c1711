using System.Text;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Search;

/// <summary>api/search, search/suggest, search/prepare and search/reset (docs/search.md).</summary>
public sealed class SearchTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task A_word_finds_the_message_that_has_it_the_moment_the_send_answers()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var conv = await alice.CreateConversationAsync("Weekly", bob);
        await alice.SentNrAsync(conv, "nothing to see");
        var nr = await alice.SentNrAsync(conv, "hello brave world");

        var found = await bob.SearchAsync("brave");

        var match = Assert.Single(found.Matches());
        Assert.Equal("message", match.Str("mk_rec_type"));
        Assert.Equal(conv, match.GetProperty("conversation_id").GetGuid());
        Assert.Equal(nr, match.Long("message_nr"));
        Assert.Equal(SearchTestHelpers.Xml("hello brave world"), match.Str("message"));
        Assert.Equal(alice.AccountId, match.GetProperty("account_id").GetGuid());
        Assert.Equal(bob.AccountId, match.GetProperty("profile_id").GetGuid());
        var header = Assert.Single(found.Headers());
        Assert.Equal("conv", header.Str("mk_rec_type"));
        Assert.Equal(conv, header.GetProperty("conversation_id").GetGuid());
        Assert.Equal("Weekly", header.Str("topic"));
        // The members as ConvInfo lists them.
        Assert.Equal((await bob.HeaderAsync(conv)).Ids("members"), header.Ids("members"));
        Assert.Equal(new[] { alice.AccountId, bob.AccountId }.Order(), header.Ids("members").Order());
        var contact = Assert.Single(found.Json.GetProperty("stream").EnumerateArray().ToList());
        Assert.Equal("contact", contact.Str("mk_rec_type"));
        Assert.Equal(alice.AccountId, contact.GetProperty("account_id").GetGuid());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, found.Json.GetProperty("suggestions").ValueKind);

        // The sender finds it too, and a word nobody wrote finds nothing.
        Assert.Equal([nr], (await alice.SearchAsync("BRAVE")).Matches().Select(m => m.Long("message_nr")));
        var none = await bob.SearchAsync("cowardly");
        Assert.Empty(none.Matches());
        Assert.Empty(none.Headers());
    }

    [Fact]
    public async Task Every_keyword_is_a_word_prefix_all_must_match_and_the_newest_comes_first()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("prefixes");
        var first = await alice.SentNrAsync(conv, "search For Partial Keywords");
        var second = await alice.SentNrAsync(conv, "a search elsewhere");

        Assert.Equal([first], (await alice.SearchAsync("searc Partia Keywor")).Matches().Select(m => m.Long("message_nr")));
        // fleepy sends a list of words.
        Assert.Equal([first], (await alice.SearchAsync(new { keywords = new[] { "searc", "Partia", "Keywor" } })).Matches()
            .Select(m => m.Long("message_nr")));
        Assert.Equal([second, first], (await alice.SearchAsync("searc")).Matches().Select(m => m.Long("message_nr")));
        // A keyword is a prefix of a word, never a middle or an end.
        Assert.Empty((await alice.SearchAsync("earch")).Matches());
        Assert.Empty((await alice.SearchAsync("searc missing")).Matches());
    }

    [Fact]
    public async Task Marked_text_is_the_escaped_plain_text_with_each_matched_word_marked()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("marks");
        await alice.SentNrAsync(conv, "Tom & Jerry <3 search results, searching \"again\"");

        var match = Assert.Single((await alice.SearchAsync("sear")).Matches());

        Assert.Equal("Tom &amp; Jerry &lt;3 <mark>search</mark> results, <mark>searching</mark> &quot;again&quot;", match.Str("marked_text"));

        // A long text is marked and answered up to its first 10,000 characters.
        await alice.SentNrAsync(conv, "needlework " + string.Join(' ', Enumerable.Repeat("hay", 5000)));
        var marked = Assert.Single((await alice.SearchAsync("needlew")).Matches()).Str("marked_text");
        Assert.StartsWith("<mark>needlework</mark> hay hay", marked);
        Assert.InRange(marked.Length, 9900, 10000 + "<mark></mark>".Length);
    }

    [Fact]
    public async Task Each_search_type_searches_its_own_place()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("types");
        var chat = await alice.SentNrAsync(conv, "kiwi in the text");
        var subject = await alice.SentNrAsync(conv, "plain words", new { subject = "kiwi in the subject" });
        var file = await alice.UploadUrlAsync("kiwifruit.txt", Encoding.UTF8.GetBytes("contents"));
        var withFile = await alice.SentNrAsync(conv, "see attached", new { attachments = new[] { file } });
        var pinned = await alice.SentNrAsync(conv, "pinned kiwi");
        (await alice.MessageAsync("store", conv, new { message_nr = pinned, tags = new[] { "pin" } })).EnsureOk();
        var task = await alice.SentNrAsync(conv, "kiwi task");
        (await alice.MessageAsync("store", conv, new { message_nr = task, tags = new[] { "is_todo" } })).EnsureOk();
        var done = await alice.SentNrAsync(conv, "finished kiwi task");
        (await alice.MessageAsync("store", conv, new { message_nr = done, tags = new[] { "is_todo" } })).EnsureOk();
        (await alice.MessageAsync("store", conv, new { message_nr = done, tags = new[] { "is_done" } })).EnsureOk();
        var topical = await alice.CreateConversationAsync("kiwi harvest");

        async Task<(List<long> Messages, List<Guid> Headers)> Search(params string[] types)
        {
            var found = await alice.SearchAsync(new { keywords = "kiwi", search_types = types });
            return (found.Matches().Select(m => m.Long("message_nr")).Order().ToList(), found.HeaderIds());
        }

        Assert.Equal([chat, pinned, task, done], (await Search("chat")).Messages);
        Assert.Equal([subject], (await Search("subject")).Messages);
        Assert.Equal([withFile], (await Search("file")).Messages);
        Assert.Equal([pinned], (await Search("pin")).Messages);
        Assert.Equal([task, done], (await Search("task")).Messages);
        var topics = await Search("topic");
        Assert.Empty(topics.Messages);
        Assert.Equal([topical], topics.Headers);
        Assert.Equal([subject, withFile], (await Search("subject", "file")).Messages);

        var all = await Search();
        Assert.Equal([chat, subject, withFile, pinned, task, done], all.Messages);
        // Headers: the conversations of the matches, then those found by topic.
        Assert.Equal([conv, topical], all.Headers);
        Assert.Equal(all.Messages, (await Search("topic", "chat", "file", "pin", "task", "subject")).Messages);

        // The older flag adds topics to the asked types.
        var extended = await alice.SearchAsync(new { keywords = "kiwi", search_types = new[] { "subject" }, is_extended_search = true });
        Assert.Equal([subject], extended.Matches().Select(m => m.Long("message_nr")));
        Assert.Contains(topical, extended.HeaderIds());

        // The file's record comes with its message.
        var files = (await alice.SearchAsync(new { keywords = "kiwifr" })).Json.GetProperty("stream").EnumerateArray()
            .Where(r => r.Str("mk_rec_type") == "file").ToList();
        Assert.Equal("kiwifruit.txt", Assert.Single(files).Str("file_name"));
    }

    [Fact]
    public async Task Conversation_id_limits_the_search_and_ignored_conversations_are_left_out()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var carol = await server.NewAccountAsync("carol");
        var one = await alice.CreateConversationAsync("one");
        var two = await alice.CreateConversationAsync("two");
        var inOne = await alice.SentNrAsync(one, "mango one");
        var inTwo = await alice.SentNrAsync(two, "mango two");
        var carols = await carol.CreateConversationAsync("carol's");
        await carol.SentNrAsync(carols, "mango of carol");

        var scoped = await alice.SearchAsync(new { keywords = "mango", conversation_id = one });
        Assert.Equal([(one, inOne)], scoped.Matches().Select(m => (m.GetProperty("conversation_id").GetGuid(), m.Long("message_nr"))));
        Assert.Equal([one], scoped.HeaderIds());

        var ignoring = await alice.SearchAsync(new { keywords = "mango", ignore_conversation_ids = new[] { one } });
        Assert.Equal([(two, inTwo)], ignoring.Matches().Select(m => (m.GetProperty("conversation_id").GetGuid(), m.Long("message_nr"))));
        Assert.Equal([two], ignoring.HeaderIds());

        Assert.Equal(2, (await alice.SearchAsync("mango")).Matches().Count);
        var both = await alice.SearchAsync(new { keywords = "mango", conversation_id = one, ignore_conversation_ids = new[] { one } });
        Assert.Empty(both.Matches());
        Assert.Empty(both.Headers());

        // Someone else's conversation and an unknown one answer as conversation sync does.
        (await alice.PostAsync("/api/search", new { keywords = "mango", conversation_id = carols })).AssertError(430, "not_found");
        (await alice.ConvAsync("sync", carols)).AssertError(430, "not_found");
        (await alice.PostAsync("/api/search", new { keywords = "mango", conversation_id = Guid.NewGuid() })).AssertError(430, "not_found");
        (await alice.PostAsync("/api/search/suggest", new { keywords = "mango", conversation_id = carols })).AssertError(430, "not_found");
    }

    [Fact]
    public async Task Topics_member_names_and_invited_addresses_find_conversations()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var zeb = await server.NewAccountAsync("Zebedee");
        var moon = await alice.CreateConversationAsync("Moonbase planning");
        var dialog = await alice.CreateConversationAsync("", zeb);
        var external = $"carolyn.{Guid.NewGuid():N}@outside-firm.test";
        // An address without an account gets a placeholder account (mk_account_status "new"), then joins by id.
        var placeholder = Assert.Single((await alice.PostAsync("/api/account/lookup", new { lookup_list = new[] { external } })).EnsureOk().Stream());
        Assert.Equal("new", placeholder.Str("mk_account_status"));
        var invited = (await alice.PostAsync("/api/conversation/create",
                new { topic = "", account_ids = new[] { placeholder.GetProperty("account_id").GetGuid() } })).EnsureOk()
            .Header().GetProperty("conversation_id").GetGuid();

        var byTopic = await alice.SearchAsync("moonb plann");
        Assert.Empty(byTopic.Matches());
        var header = Assert.Single(byTopic.Headers());
        Assert.Equal(moon, header.GetProperty("conversation_id").GetGuid());
        Assert.Equal("Moonbase planning", header.Str("topic"));
        Assert.Equal([alice.AccountId], header.Ids("members"));
        Assert.Equal(["conversation_id", "members", "mk_rec_type", "topic"], header.EnumerateObject().Select(p => p.Name).Order().ToList());

        var byName = await alice.SearchAsync("zebed");
        var named = Assert.Single(byName.Headers());
        Assert.Equal(dialog, named.GetProperty("conversation_id").GetGuid());
        Assert.Equal("", named.Str("topic"));
        Assert.Equal((await alice.HeaderAsync(dialog)).Ids("members"), named.Ids("members"));
        Assert.Equal(new[] { alice.AccountId, zeb.AccountId }.Order(), named.Ids("members").Order());
        Assert.Contains(byName.Json.GetProperty("stream").EnumerateArray(),
            r => r.Str("mk_rec_type") == "contact" && r.GetProperty("account_id").GetGuid() == zeb.AccountId);

        Assert.Equal([invited], (await alice.SearchAsync("carolyn")).HeaderIds());
        Assert.Equal([invited], (await alice.SearchAsync("outside-fir")).HeaderIds());
        Assert.Equal([invited], (await alice.SearchAsync(external)).HeaderIds());

        // The searcher's own name finds nothing; only the topic type looks at topics and people.
        Assert.Empty((await alice.SearchAsync("alice")).Headers());
        Assert.Empty((await alice.SearchAsync(new { keywords = "zebed", search_types = new[] { "chat" } })).Headers());
        // The members' names are searched by the members' readers only.
        using var outsider = await server.NewAccountAsync("outsider");
        Assert.Empty((await outsider.SearchAsync("zebed")).Headers());
        Assert.Empty((await outsider.SearchAsync("moonb")).Headers());
    }

    [Fact]
    public async Task Suggestions_complete_the_last_keyword_from_the_callers_messages()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var carol = await server.NewAccountAsync("carol");
        var conv = await alice.CreateConversationAsync("words");
        await alice.SentNrAsync(conv, "zanzibar zanzibar zanzibarian zanzi");
        await alice.SentNrAsync(conv, "zanzibar trip, zanzibarly");
        var other = await alice.CreateConversationAsync("other words");
        await alice.SentNrAsync(other, "zanzibarish");
        var carols = await carol.CreateConversationAsync("carol");
        await carol.SentNrAsync(carols, "zanzibarcarol");

        var found = await alice.SearchAsync(new { keywords = "zanzib", need_suggestions = true });
        Assert.Equal(3, found.Matches().Count);
        var suggested = found.Suggestions();
        Assert.Equal(4, suggested.Count);
        Assert.Equal("zanzibar", suggested[0]);
        Assert.Equal(["zanzibar", "zanzibarian", "zanzibarish", "zanzibarly"], suggested.Order().ToList());

        var suggest = (await alice.PostAsync("/api/search/suggest", new { keywords = "trip zanzib" })).EnsureOk();
        Assert.Equal(["zanzibar", "zanzibarly"], suggest.Json.Strings("suggestions").Order().ToList());
        var scoped = (await alice.PostAsync("/api/search/suggest", new { keywords = new[] { "zanzibari" }, conversation_id = other })).EnsureOk();
        Assert.Equal(["zanzibarish"], scoped.Json.Strings("suggestions"));
        Assert.Empty((await alice.PostAsync("/api/search/suggest", new { keywords = "qqq" })).EnsureOk().Json.Strings("suggestions"));
        Assert.Empty((await alice.SearchAsync(new { keywords = "qqq", need_suggestions = true })).Suggestions());
    }

    [Fact]
    public async Task Bad_input_is_refused_with_fleep_errors_and_no_keyword_breaks_the_query()
    {
        using var alice = await server.NewAccountAsync("alice");
        var conv = await alice.CreateConversationAsync("syntax");
        await alice.SentNrAsync(conv, "O'Brien said c:\\temp\\x.txt is a & b | c");

        foreach (var body in new object[]
                 {
                     new { }, new { keywords = "" }, new { keywords = "   " }, new { keywords = (string?)null }, new { keywords = 5 },
                     new { keywords = new { a = 1 } }, new { keywords = new object[] { "a", 1 } }, new { keywords = new string('x', 1025) },
                     new { keywords = "x", search_types = new[] { "chat", "bogus" } }, new { keywords = "x", search_types = 3 },
                     new { keywords = "x", conversation_id = "not-a-uuid" }, new { keywords = "x", ignore_conversation_ids = "nope" },
                     new { keywords = "x", need_suggestions = "perhaps" }, new { keywords = string.Join(' ', Enumerable.Range(0, 33).Select(i => $"w{i}")) },
                 })
        {
            (await alice.PostAsync("/api/search", body)).AssertError(400);
        }

        (await alice.PostAsync("/api/search/suggest", new { })).AssertError(400);
        (await alice.PostAsync("/api/search/suggest", new { keywords = new string('y', 1025) })).AssertError(400);

        // tsquery syntax in the keywords is only text.
        foreach (var keywords in new[]
                 {
                     "'", "\\", "''", "&", "|", "!", "(", ")", ":*", "a:*b", "a & b | !c", "<->", "a <2> b", "o'brien", "c:\\temp\\x.txt",
                     "\\'; DROP TABLE messages; --", "\u00e9\u00fc \u4e2d\u6587 \ud83d\ude00", "\u0000", "a\u0001b",
                 })
        {
            var response = await alice.PostAsync("/api/search", new { keywords, need_suggestions = true });
            Assert.True(response.StatusCode is 200 or 400, $"{keywords}: {response.StatusCode}");
        }

        Assert.Single((await alice.SearchAsync("o'brien")).Matches());
        Assert.Single((await alice.SearchAsync("c:\\temp\\x.t")).Matches());
        Assert.Single((await alice.SearchAsync("a & b")).Matches());
        // Just under the caps is fine.
        Assert.Empty((await alice.SearchAsync(new string('x', 1024))).Matches());
        Assert.Empty((await alice.SearchAsync(string.Join(' ', Enumerable.Range(0, 32).Select(i => $"w{i}")))).Matches());
    }

    [Fact]
    public async Task Prepare_and_reset_answer_an_empty_object()
    {
        using var alice = await server.NewAccountAsync("alice");
        Assert.Equal("{}", (await alice.PostAsync("/api/search/prepare")).EnsureOk().Json.GetRawText());
        Assert.Equal("{}", (await alice.PostAsync("/api/search/reset")).EnsureOk().Json.GetRawText());
        using var anonymous = server.NewClient();
        (await anonymous.PostAsync("/api/search", new { keywords = "x" }, withTicket: false)).AssertError(401);
    }
}
