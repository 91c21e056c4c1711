using FleepServer.Domain.Search;
using FleepServer.Tests.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace FleepServer.Tests.Search;

/// <summary>
/// The message search reads the GIN index <c>ix_messages_search</c> for a selective word (docs/search.md,
/// "Speed"): tens of thousands of messages are seeded by copying a row the API wrote, the tables
/// analysed, and PostgreSQL's own plan for <see cref="SearchSql.MessagesByWords"/> inspected.
/// </summary>
public sealed class SearchPlanTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    private const int ViewerConversations = 40;
    private const int OtherConversations = 600;
    private const int MessagesPerConversation = 60;

    [Fact]
    public async Task A_selective_word_is_read_from_the_search_index()
    {
        using var alice = await server.NewAccountAsync("alice");
        using var bob = await server.NewAccountAsync("bob");
        var mine = new List<Guid>();
        for (var i = 0; i < ViewerConversations; i++)
        {
            mine.Add(await alice.CreateConversationAsync($"topic {i}", bob));
        }

        var template = await alice.SentNrAsync(mine[0], "template words");
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await SeedAsync(connection, mine[0], template);
        // Three messages in the viewer's conversations carry a rare word.
        foreach (var conv in mine.Take(3))
        {
            await alice.SentNrAsync(conv, "the zyxwvrare word");
        }

        // As autovacuum leaves them: statistics gathered, the index's pending entries merged.
        await ExecuteAsync(connection, "VACUUM ANALYZE messages");
        await ExecuteAsync(connection, "ANALYZE conversation_members");
        await ExecuteAsync(connection, "ANALYZE conversations");
        var total = await ScalarAsync<long>(connection, "SELECT count(*) FROM messages");
        Assert.True(total >= (ViewerConversations + OtherConversations) * MessagesPerConversation, $"{total} messages");

        // A rare word is read from the search index.
        var (rarePath, rare) = await ExplainAsync(connection, alice.AccountId, "zyxwvrar");
        Assert.Equal(SearchPath.Words, rarePath);
        Assert.Contains("ix_messages_search", rare);

        // A word of every message is read from the viewer's conversations, or newest first, instead.
        var (commonPath, common) = await ExplainAsync(connection, alice.AccountId, "filler");
        Assert.NotEqual(SearchPath.Words, commonPath);
        Assert.DoesNotContain("ix_messages_search", common);

        // The same searches through the API.
        Assert.Equal(3, (await alice.SearchAsync("zyxwvrar")).Matches().Count);
        Assert.Equal(50, (await alice.SearchAsync(new { keywords = "filler", need_suggestions = true })).Matches().Count);
        Assert.Equal(["zyxwvrare"], (await alice.SearchAsync(new { keywords = "the zyxwvrar", need_suggestions = true })).Suggestions());
    }

    /// <summary>
    /// Copies the API's message row into every conversation (the viewer's and as many others, which
    /// are copies of the viewer's first conversation), each copy with words of its own:
    /// <c>filler</c> everywhere and a five-digit word that few messages share.
    /// </summary>
    private static async Task SeedAsync(NpgsqlConnection connection, Guid conversationId, long messageNr)
    {
        var columns = await ColumnsAsync(connection, "messages");
        var conversationColumns = await ColumnsAsync(connection, "conversations");
        await ExecuteAsync(connection, $"""
            CREATE TEMP TABLE seed_conversations AS
              SELECT {conversationColumns} FROM conversations c, generate_series(1, {OtherConversations}) WHERE c.conversation_id = '{conversationId}';
            UPDATE seed_conversations SET conversation_id = gen_random_uuid(), autojoin_key = md5(random()::text);
            INSERT INTO conversations ({conversationColumns}) SELECT {conversationColumns} FROM seed_conversations;

            CREATE TEMP TABLE seed_messages AS
              SELECT m.*, t.conversation_id AS target, g AS n
              FROM messages m
              CROSS JOIN (SELECT conversation_id FROM conversations) t
              CROSS JOIN generate_series(1, {MessagesPerConversation}) g
              WHERE m.conversation_id = '{conversationId}' AND m.message_nr = {messageNr};
            UPDATE seed_messages SET conversation_id = target, message_nr = 100000 + n, message_id = gen_random_uuid(),
              message = '<msg><p>filler ' || lpad((random() * 99999)::int::text, 5, '0') || ' words</p></msg>',
              posted_time = posted_time - n * interval '1 minute';
            INSERT INTO messages ({columns}) SELECT {columns} FROM seed_messages;
            """);
    }

    /// <summary>The table's written columns (not the generated ones), quoted, in order.</summary>
    private static async Task<string> ColumnsAsync(NpgsqlConnection connection, string table)
    {
        await using var command = new NpgsqlCommand("""
            SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = @table AND is_generated = 'NEVER'
            """, connection);
        command.Parameters.AddWithValue("table", table);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs <see cref="SearchSql.Scope"/>, then EXPLAINs the message statement it chooses with its results, as a search of every type does.</summary>
    private static async Task<(SearchPath Path, string Plan)> ExplainAsync(NpgsqlConnection connection, Guid viewer, string keywords)
    {
        long conversations;
        string query;
        SearchPath path;
        await using (var scope = new NpgsqlCommand(SearchSql.Scope, connection))
        {
            scope.Parameters.Add(new NpgsqlParameter("viewer", NpgsqlDbType.Uuid) { Value = viewer });
            scope.Parameters.Add(new NpgsqlParameter("keywords", NpgsqlDbType.Text) { Value = keywords });
            scope.Parameters.Add(new NpgsqlParameter("conversation_id", NpgsqlDbType.Uuid) { Value = DBNull.Value });
            scope.Parameters.Add(new NpgsqlParameter("ignore_conversation_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = Array.Empty<Guid>() });
            scope.Parameters.Add(new NpgsqlParameter("weights", NpgsqlDbType.Text) { Value = "" });
            await using var reader = await scope.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            conversations = reader.GetInt64(0);
            query = reader.GetString(1);
            path = SearchSql.Choose(reader.GetDouble(5), reader.GetInt64(4), reader.GetDouble(6), 50);
        }

        Assert.Equal(ViewerConversations, conversations);
        await using var explain = new NpgsqlCommand("EXPLAIN ANALYZE " + SearchSql.Messages(path), connection);
        explain.Parameters.Add(new NpgsqlParameter("viewer", NpgsqlDbType.Uuid) { Value = viewer });
        explain.Parameters.Add(new NpgsqlParameter("conversation_id", NpgsqlDbType.Uuid) { Value = DBNull.Value });
        explain.Parameters.Add(new NpgsqlParameter("ignore_conversation_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = Array.Empty<Guid>() });
        explain.Parameters.Add(new NpgsqlParameter("query", NpgsqlDbType.Text) { Value = query });
        explain.Parameters.Add(new NpgsqlParameter("typed", NpgsqlDbType.Text) { Value = query });
        explain.Parameters.Add(new NpgsqlParameter("all_weights", NpgsqlDbType.Boolean) { Value = true });
        explain.Parameters.Add(new NpgsqlParameter("pin", NpgsqlDbType.Boolean) { Value = true });
        explain.Parameters.Add(new NpgsqlParameter("task", NpgsqlDbType.Boolean) { Value = true });
        explain.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = 50 });
        var lines = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        return (path, string.Join('\n', lines));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
