using System.Text;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Search;

/// <summary>
/// A search finds, counts, suggests and names only what the viewer could sync (docs/search.md,
/// "Visibility"): over one seeded history, every account is asked for every word.
/// </summary>
public sealed class SearchIsolationTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Nobody_finds_or_is_suggested_what_they_could_not_sync()
    {
        using var owner = await server.NewAccountAsync("owner");
        using var member = await server.NewAccountAsync("member");
        using var leaver = await server.NewAccountAsync("leaver");
        using var removed = await server.NewAccountAsync("removed");
        using var late = await server.NewAccountAsync("late");
        using var disclosed = await server.NewAccountAsync("disclosed");
        using var outsider = await server.NewAccountAsync("outsider");
        var conv = await owner.CreateConversationAsync("Vault", member, leaver, removed);

        var alpha = await owner.SentNrAsync(conv, "alphaword before everything");
        var bravo = await owner.SentNrAsync(conv, "bravoword to be deleted");
        (await owner.MessageAsync("delete", conv, new { message_nr = bravo })).EnsureOk();
        var charlie = await owner.SentNrAsync(conv, "charlieword first version");
        (await owner.MessageAsync("edit", conv, new { message_nr = charlie, message = "deltaword second version" })).EnsureOk();
        var file = await owner.UploadUrlAsync("echoword.txt", Encoding.UTF8.GetBytes("file"));
        var withFile = await owner.SentNrAsync(conv, "see the file", new { attachments = new[] { file } });
        (await owner.MessageAsync("edit", conv, new { message_nr = withFile, message = "see the file", attachments = Array.Empty<string>() })).EnsureOk();
        (await owner.ConvAsync("remove_members", conv, new { account_ids = new[] { removed.AccountId } })).EnsureOk();
        (await leaver.ConvAsync("leave", conv)).EnsureOk();
        await owner.SentNrAsync(conv, "foxtrotword after the leave");
        (await owner.ConvAsync("add_members", conv, new { account_ids = new[] { late.AccountId, disclosed.AccountId } })).EnsureOk();
        (await owner.ConvAsync("disclose", conv, new { emails = disclosed.Email, message_nr = alpha })).EnsureOk();
        await owner.SentNrAsync(conv, "golfword the latest");
        // The outsider has a conversation of its own with the owner, so they share a contact.
        var own = await outsider.CreateConversationAsync("elsewhere", owner);
        await outsider.SentNrAsync(own, "hotelword elsewhere");

        var words = new[] { "alphaword", "bravoword", "charlieword", "deltaword", "echoword", "foxtrotword", "golfword", "hotelword" };
        var sees = new Dictionary<FleepTestClient, string[]>
        {
            [owner] = ["alphaword", "deltaword", "foxtrotword", "golfword", "hotelword"],
            [member] = ["alphaword", "deltaword", "foxtrotword", "golfword"],
            [leaver] = ["alphaword", "deltaword"],
            [removed] = [],
            [late] = ["golfword"],
            [disclosed] = ["alphaword", "deltaword", "foxtrotword", "golfword"],
            [outsider] = ["hotelword"],
        };
        Assert.Equal(7, sees.Count);
        var readers = new HashSet<FleepTestClient> { owner, member, leaver, late, disclosed };

        foreach (var (client, visible) in sees)
        {
            foreach (var word in words)
            {
                var who = $"{client.Email} / {word}";
                foreach (var keywords in new[] { word, word[..6], word.ToUpperInvariant() })
                {
                    var found = await client.SearchAsync(new { keywords, need_suggestions = true });
                    var expected = visible.Contains(word) ? 1 : 0;
                    Assert.True(expected == found.Matches().Count, $"{who} ({keywords}): {found.Json.GetRawText()}");
                    Assert.True(found.Headers().Count == expected, $"{who} ({keywords}) headers: {found.Json.GetRawText()}");
                    Assert.Equal(expected, found.Suggestions().Count(s => s == word));
                    Assert.DoesNotContain(found.Suggestions(), s => !visible.Contains(s));
                    if (expected == 1)
                    {
                        Assert.Contains("<mark>", Assert.Single(found.Matches()).Str("marked_text"));
                    }
                }

                var suggested = (await client.PostAsync("/api/search/suggest", new { keywords = word[..4] })).EnsureOk().Json.Strings("suggestions");
                Assert.True(suggested.All(visible.Contains), $"{who} suggested {string.Join(", ", suggested)}");
                Assert.Equal(visible.Contains(word), suggested.Contains(word));
            }

            // Only the conversations the account reads are named, by messages or by topic.
            foreach (var keywords in new[] { "the", "vault", "elsewh", "owner" })
            {
                var named = await client.SearchAsync(new { keywords, need_suggestions = true });
                Assert.All(named.HeaderIds(), id => Assert.True(id == conv ? readers.Contains(client) : id == own && (client == owner || client == outsider),
                    $"{client.Email} / {keywords}: {named.Json.GetRawText()}"));
            }

            var vault = await client.SearchAsync("vault");
            Assert.Equal(readers.Contains(client) ? [conv] : [], vault.HeaderIds());
        }

        // The removed member cannot even name the conversation; the leaver still can.
        (await removed.PostAsync("/api/search", new { keywords = "alphaword", conversation_id = conv })).AssertError(430, "not_found");
        (await outsider.PostAsync("/api/search", new { keywords = "alphaword", conversation_id = conv })).AssertError(430, "not_found");
        Assert.Single((await leaver.SearchAsync(new { keywords = "alphaword", conversation_id = conv })).Matches());
        Assert.Empty((await late.SearchAsync(new { keywords = "alphaword", conversation_id = conv })).Matches());
    }
}
