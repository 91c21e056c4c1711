using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Search;

/// <summary>
/// Fleep:Search:TextSearchConfig (docs/search.md, "Configuration"): a server started with another
/// configuration re-indexes every message once, whichever process gets there first; an unknown
/// configuration stops the start.
/// </summary>
public sealed class SearchConfigurationTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Starting_with_english_stems_the_stored_and_the_searched_words_once()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var dave = await server.NewAccountAsync("swimmers");
        var conv = await alice.CreateConversationAsync("config");
        var nr = await alice.SentNrAsync(conv, "the team was running");
        var happy = await alice.CreateConversationAsync("happy hour");
        var swim = await alice.CreateConversationAsync("lanes", dave);
        Assert.Empty((await alice.SearchAsync("runs")).Matches());
        Assert.Empty((await alice.SearchAsync(new { keywords = "happiness", search_types = "topic" })).HeaderIds());
        Assert.Empty((await alice.SearchAsync(new { keywords = "swims", search_types = "topic" })).HeaderIds());

        // Two processes start together with english: one re-indexes, the other finds it done.
        await Task.WhenAll(
            server.StartPeerAsync(new Dictionary<string, string?> { ["Fleep:Search:TextSearchConfig"] = "english" }),
            server.StartPeerAsync(new Dictionary<string, string?> { ["Fleep:Search:TextSearchConfig"] = "english" }));
        Assert.Single(server.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Text search configuration is now", StringComparison.Ordinal));

        // Every process searches with the new configuration, old messages included.
        var found = Assert.Single((await alice.SearchAsync("runs")).Matches());
        Assert.Equal(nr, found.Long("message_nr"));
        Assert.Equal("the team was <mark>running</mark>", found.Str("marked_text"));
        // Stop words are no words: a search made of them finds nothing, without an error.
        Assert.Empty((await alice.SearchAsync("the was")).Matches());
        Assert.Single((await alice.SearchAsync("teams")).Matches());
        // Topics and people are found by the new configuration's words too.
        Assert.Equal([happy], (await alice.SearchAsync(new { keywords = "happiness", search_types = "topic" })).HeaderIds());
        Assert.Equal([swim], (await alice.SearchAsync(new { keywords = "swims", search_types = "topic" })).HeaderIds());

        var unknown = await Assert.ThrowsAnyAsync<InvalidOperationException>(() =>
            server.StartPeerAsync(new Dictionary<string, string?> { ["Fleep:Search:TextSearchConfig"] = "klingon" }));
        Assert.Contains("klingon", unknown.Message);
        Assert.Single((await alice.SearchAsync("runs")).Matches());
    }
}
