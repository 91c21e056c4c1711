using FleepServer.Api.Wire;
using FleepServer.Auth;
using FleepServer.Domain.Search;

namespace FleepServer.Api;

/// <summary>
/// api/search*: full-text search over what the caller may read (docs/search.md). Searches only
/// read; nothing goes to any stream.
/// </summary>
public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/search");
        api.MapPost("", Search);
        api.MapPost("/prepare", Prepare);
        api.MapPost("/reset", Reset);
        api.MapPost("/suggest", Suggest);
        return app;
    }

    /// <summary>
    /// POST api/search {keywords (text, or a list joined with spaces), search_types? (subset of
    /// topic, chat, file, pin, task, subject; default all), conversation_id?, ignore_conversation_ids?,
    /// need_suggestions = false, is_extended_search = false (also topic)} → {headers: [reduced ConvInfo:
    /// conversation_id, topic, members], matches: [MessageInfo with marked_text], stream: [FileInfo of
    /// the matches, ContactInfo of authors and members], suggestions: null or [text]}. Every keyword is
    /// a word prefix and all must match; matches newest first, at most 50; at most 50 conversations
    /// found by topic or members. Errors: keywords missing, blank or over 1024 characters, a wrong
    /// type, or an unknown search type 400; a conversation_id the caller cannot read 430 not_found.
    /// </summary>
    internal static Task<SearchResponse> Search(SearchRequest request, CurrentSession me, SearchActions search, CancellationToken ct) =>
        search.SearchAsync(me.AccountId, request, ct);

    /// <summary>
    /// POST api/search/prepare → {}: the index lives in the database and is always current, so there
    /// is nothing to load.
    /// </summary>
    internal static EmptyResponse Prepare(CurrentSession me) => EmptyResponse.Instance;

    /// <summary>POST api/search/reset → {}: there is no per-account cache to drop.</summary>
    internal static EmptyResponse Reset(CurrentSession me) => EmptyResponse.Instance;

    /// <summary>
    /// POST api/search/suggest {keywords (text or list), conversation_id?} → {suggestions: [text]}:
    /// up to 10 words starting with the last keyword, from the newest 200 messages the caller may
    /// read that match all the keywords, most frequent first. Errors as api/search.
    /// </summary>
    internal static Task<SuggestResponse> Suggest(SuggestRequest request, CurrentSession me, SearchActions search, CancellationToken ct) =>
        search.SuggestAsync(me.AccountId, request, ct);
}
