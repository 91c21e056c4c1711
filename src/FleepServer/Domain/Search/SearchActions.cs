using System.Data.Common;
using System.Security;
using FleepServer.Data;
using FleepServer.Domain.Contacts;
using FleepServer.Errors;
using FleepServer.Records;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace FleepServer.Domain.Search;

/// <summary>
/// <c>api/search</c> and <c>search/suggest</c> for one viewer (docs/search.md). Every read goes
/// through <see cref="SearchSql"/>, which decides visibility inside the SQL; nothing is cached
/// between calls.
/// </summary>
public sealed class SearchActions(FleepDbContext db, ContactBook contacts)
{
    /// <summary>The <c>search_types</c> values.</summary>
    public static class Types
    {
        public const string Topic = "topic";
        public const string Chat = "chat";
        public const string File = "file";
        public const string Pin = "pin";
        public const string Task = "task";
        public const string Subject = "subject";

        public static readonly string[] All = [Topic, Chat, File, Pin, Task, Subject];
    }

    /// <summary>Opening and closing marks of <c>marked_text</c>, as the SQL writes them before escaping.</summary>
    private const char MarkStart = '\uE000';
    private const char MarkEnd = '\uE001';

    /// <summary>What <see cref="SearchSql.Scope"/> answered, with the conversation narrowing every later statement repeats.</summary>
    private sealed record ScopeRow(Guid? ConversationId, Guid[] Ignored, string? Query, string? Typed, string? LastWord, long ViewerMessages,
        double WordMessages, double TotalMessages)
    {
        public SearchPath Path => SearchSql.Choose(WordMessages, ViewerMessages, TotalMessages, SearchLimits.MaxMatches);
    }

    public async Task<SearchResponse> SearchAsync(Guid viewerId, SearchRequest r, CancellationToken ct)
    {
        var types = ParseTypes(r.SearchTypes);
        if (r.IsExtendedSearch == true)
        {
            types.Add(Types.Topic);
        }

        var ignored = r.IgnoreConversationIds ?? [];
        if (ignored.Count > SearchLimits.MaxIgnored)
        {
            throw FleepErrors.InvalidField("ignore_conversation_ids", $"at most {SearchLimits.MaxIgnored} ids");
        }

        // Weights of the typed query: subject A, text B, file names C; all three = any weight.
        var weights = string.Concat(types.Contains(Types.Subject) ? "A" : "", types.Contains(Types.Chat) ? "B" : "", types.Contains(Types.File) ? "C" : "");
        var allWeights = weights.Length == 3;
        var pin = types.Contains(Types.Pin);
        var task = types.Contains(Types.Task);

        return await ReadAsync(async () =>
        {
            var scope = await ScopeAsync(viewerId, r.Keywords!, r.ConversationId, ignored, weights.Length == 0 ? null : allWeights ? "" : weights, ct);
            if (scope.Query is null)
            {
                return new SearchResponse([], [], [], r.NeedSuggestions == true ? [] : null);
            }

            var messages = weights.Length > 0 || pin || task
                ? await MatchesAsync(viewerId, scope, scope.Typed, allWeights, pin, task, SearchLimits.MaxMatches, ct)
                : [];
            var topicIds = types.Contains(Types.Topic) ? await TopicMatchesAsync(viewerId, scope, ct) : [];
            var marked = await MarkedTextsAsync(messages, scope.Query, ct);
            var suggestions = r.NeedSuggestions == true ? await SuggestionsAsync(viewerId, scope, ct) : null;

            var headerIds = messages.Select(m => m.ConversationId).Concat(topicIds).Distinct().ToList();
            var headers = await HeadersAsync(headerIds, ct);
            var matches = messages.Select(m => MessageRecords.For(m, viewerId) with { MarkedText = marked.GetValueOrDefault((m.ConversationId, m.MessageNr), "") })
                .ToList();
            var stream = new List<object>();
            stream.AddRange(messages.Where(m => m.Files is { Count: > 0 }).SelectMany(FileRecords.For));
            var people = messages.Select(m => m.AccountId).Concat(headers.SelectMany(h => h.Members)).Where(id => id != viewerId).Distinct().ToList();
            if (people.Count > 0)
            {
                var found = await contacts.FindAsync(viewerId, people, ct);
                stream.AddRange(found.OrderBy(c => c.Account.Id).Select(c => ContactRecords.For(viewerId, c.Account, c.Entry)));
            }

            return new SearchResponse(headers, matches, stream, suggestions);
        }, ct);
    }

    public async Task<SuggestResponse> SuggestAsync(Guid viewerId, SuggestRequest r, CancellationToken ct)
    {
        return await ReadAsync(async () =>
        {
            var scope = await ScopeAsync(viewerId, r.Keywords!, r.ConversationId, [], null, ct);
            return new SuggestResponse(scope.Query is null ? [] : await SuggestionsAsync(viewerId, scope, ct));
        }, ct);
    }

    /// <summary>
    /// Runs a search's statements in one read-only snapshot, each planned for its own parameters:
    /// the statements are prepared (auto-preparation), and a generic plan cannot know how many
    /// conversations or matches a search has. Without JIT compilation: a newest-first reading that
    /// stops after a page is estimated as if it read the whole table, and compiling it would cost
    /// a hundred times what running it does (docs/search.md, "Speed").
    /// </summary>
    private async Task<T> ReadAsync<T>(Func<Task<T>> read, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await db.Database.ExecuteSqlRawAsync("SET TRANSACTION READ ONLY; SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL jit = off", ct);
        var result = await read();
        await transaction.CommitAsync(ct);
        return result;
    }

    /// <summary>The asked search types; absent or empty: all of them. An unknown type is a 400.</summary>
    private static HashSet<string> ParseTypes(string? text)
    {
        var given = (text ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (given.Length == 0)
        {
            return [.. Types.All];
        }

        var unknown = given.FirstOrDefault(t => !Types.All.Contains(t));
        if (unknown is not null)
        {
            throw FleepErrors.InvalidField("search_types", $"a list of {string.Join(", ", Types.All)}");
        }

        return [.. given];
    }

    private async Task<ScopeRow> ScopeAsync(Guid viewerId, string keywords, Guid? conversationId, IReadOnlyCollection<Guid> ignored, string? weights,
        CancellationToken ct)
    {
        if (keywords.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length > SearchLimits.MaxKeywords)
        {
            throw FleepErrors.InvalidField("keywords", $"at most {SearchLimits.MaxKeywords} words");
        }

        var ignoredIds = ignored.ToArray();
        await using var command = Command(SearchSql.Scope,
            [Uuid("viewer", viewerId),
                // PostgreSQL text cannot hold NUL; it separates words like a space.
                new NpgsqlParameter("keywords", NpgsqlDbType.Text) { Value = keywords.Replace('\0', ' ') },
                .. Narrowing(conversationId, ignoredIds),
                new NpgsqlParameter("weights", NpgsqlDbType.Text) { Value = (object?)weights ?? DBNull.Value }]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var conversations = reader.GetInt64(0);
        var row = new ScopeRow(conversationId, ignoredIds, Text(reader, 1), Text(reader, 2), Text(reader, 3), reader.GetInt64(4), reader.GetDouble(5),
            reader.GetDouble(6));
        if (conversationId is { } id && conversations == 0 && !ignored.Contains(id))
        {
            // The answer conversation sync gives for a conversation the caller cannot read (one it
            // also ignores is simply not searched).
            throw FleepErrors.ConversationNotFound();
        }

        return row;
    }

    private Task<List<Message>> MatchesAsync(Guid viewerId, ScopeRow scope, string? typed, bool allWeights, bool pin, bool task, int limit,
        CancellationToken ct) =>
        db.Messages.FromSqlRaw(SearchSql.Messages(scope.Path), [.. MatchParameters(viewerId, scope, typed, allWeights, pin, task), Int("limit", limit)])
            .AsNoTracking().ToListAsync(ct);

    /// <summary><c>@conversation_id</c> and <c>@ignore_conversation_ids</c>: the conversations a search reads (<c>SearchSql.InScope</c>).</summary>
    private static NpgsqlParameter[] Narrowing(Guid? conversationId, Guid[] ignored) =>
    [
        new NpgsqlParameter("conversation_id", NpgsqlDbType.Uuid) { Value = (object?)conversationId ?? DBNull.Value },
        new NpgsqlParameter("ignore_conversation_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ignored },
    ];

    private static NpgsqlParameter[] MatchParameters(Guid viewerId, ScopeRow scope, string? typed, bool allWeights, bool pin, bool task) =>
    [
        Uuid("viewer", viewerId),
        .. Narrowing(scope.ConversationId, scope.Ignored),
        new NpgsqlParameter("query", NpgsqlDbType.Text) { Value = scope.Query! },
        new NpgsqlParameter("typed", NpgsqlDbType.Text) { Value = (object?)typed ?? DBNull.Value },
        new NpgsqlParameter("all_weights", NpgsqlDbType.Boolean) { Value = allWeights },
        new NpgsqlParameter("pin", NpgsqlDbType.Boolean) { Value = pin },
        new NpgsqlParameter("task", NpgsqlDbType.Boolean) { Value = task },
    ];

    private async Task<List<Guid>> TopicMatchesAsync(Guid viewerId, ScopeRow scope, CancellationToken ct)
    {
        await using var command = Command(SearchSql.Topics,
            [Uuid("viewer", viewerId),
                .. Narrowing(scope.ConversationId, scope.Ignored),
                new NpgsqlParameter("query", NpgsqlDbType.Text) { Value = scope.Query! },
                Int("limit", SearchLimits.MaxTopicMatches)]);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private async Task<List<string>> SuggestionsAsync(Guid viewerId, ScopeRow scope, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(scope.LastWord))
        {
            return [];
        }

        await using var command = Command(SearchSql.Suggestions(scope.Path),
            [.. MatchParameters(viewerId, scope, null, allWeights: true, pin: false, task: false),
                new NpgsqlParameter("prefix", NpgsqlDbType.Text) { Value = scope.LastWord },
                Int("sample", SearchLimits.SuggestionSample),
                Int("limit", SearchLimits.MaxSuggestions)]);
        var words = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            words.Add(reader.GetString(0));
        }

        return words;
    }

    /// <summary>
    /// <c>marked_text</c> of each found message: the plain text, XML-escaped, with every matched
    /// word in <c>&lt;mark&gt;…&lt;/mark&gt;</c>.
    /// </summary>
    private async Task<Dictionary<(Guid, long), string>> MarkedTextsAsync(List<Message> messages, string query, CancellationToken ct)
    {
        var marked = new Dictionary<(Guid, long), string>();
        if (messages.Count == 0)
        {
            return marked;
        }

        await using var command = Command(SearchSql.MarkedTexts,
            new NpgsqlParameter("conversation_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = messages.Select(m => m.ConversationId).ToArray() },
            new NpgsqlParameter("message_nrs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = messages.Select(m => m.MessageNr).ToArray() },
            new NpgsqlParameter("query", NpgsqlDbType.Text) { Value = query },
            Int("max_length", SearchLimits.MaxMarkedLength));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            marked[(reader.GetGuid(0), reader.GetInt64(1))] = Mark(reader.IsDBNull(2) ? "" : reader.GetString(2));
        }

        return marked;
    }

    /// <summary>Escapes the text for XML and turns the SQL's marks into <c>&lt;mark&gt;</c> elements.</summary>
    public static string Mark(string headline) =>
        (SecurityElement.Escape(headline.Trim()) ?? "").Replace(MarkStart.ToString(), "<mark>").Replace(MarkEnd.ToString(), "</mark>");

    /// <summary>The reduced ConvInfo of each conversation, in the given order: its topic and current members by join.</summary>
    private async Task<List<SearchConvRecord>> HeadersAsync(List<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var topics = await db.Conversations.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Topic, ct);
        var members = (await db.ConversationMembers.AsNoTracking()
                .Where(m => ids.Contains(m.ConversationId) && m.LeaveMessageNr == null)
                .Select(m => new { m.ConversationId, m.AccountId, m.JoinedTime })
                .ToListAsync(ct))
            .ToLookup(m => m.ConversationId);
        return ids.Where(topics.ContainsKey).Select(id => new SearchConvRecord
        {
            ConversationId = id,
            Topic = topics[id],
            Members = members[id].OrderBy(m => m.JoinedTime.UtcTicks / 10).ThenBy(m => m.AccountId).Select(m => m.AccountId).ToList(),
        }).ToList();
    }

    private NpgsqlCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = (NpgsqlCommand)db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddRange(parameters);
        if (db.Database.GetCommandTimeout() is { } timeout)
        {
            command.CommandTimeout = timeout;
        }

        return command;
    }

    private static NpgsqlParameter Uuid(string name, Guid value) => new(name, NpgsqlDbType.Uuid) { Value = value };

    private static NpgsqlParameter Int(string name, int value) => new(name, NpgsqlDbType.Integer) { Value = value };

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
