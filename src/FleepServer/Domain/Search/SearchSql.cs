namespace FleepServer.Domain.Search;

/// <summary>How a search reads its matching messages (<see cref="SearchSql.Choose"/>).</summary>
public enum SearchPath
{
    /// <summary>From the GIN index, by the words: few messages have them.</summary>
    Words,

    /// <summary>Every message of the viewer's conversations: they are few.</summary>
    Conversations,

    /// <summary>Newest first until the page is full: the words are common among many messages.</summary>
    Recency,
}

/// <summary>
/// The SQL of full-text search (docs/search.md), in one place so that the benchmark replays the
/// statements the server runs. Every statement uses named parameters (Npgsql's <c>@name</c>);
/// each constant lists the ones it takes. A search is two steps:
/// <list type="number">
/// <item><see cref="Scope"/> counts the conversations the viewer may read and the messages in
/// them, and turns the keywords into tsqueries with the deployment's text search configuration;</item>
/// <item><see cref="MessagesByWords"/>, <see cref="MessagesByConversations"/> or <see cref="MessagesByRecency"/> (and <see cref="Topics"/>,
/// <see cref="Suggestions"/>) take those as parameters: words that few messages have are read from
/// the GIN index <c>ix_messages_search</c>, common words by reading the viewer's conversations
/// or all messages newest first (<see cref="Choose"/> decides from PostgreSQL's own column
/// statistics).</item>
/// </list>
/// Visibility is decided inside the SQL by the rule of <c>ViewerState.Sees</c> (docs/compatibility.md,
/// "Who sees what"), over the viewer's own member row. The viewer's conversations are never handed
/// from one statement to the next as a list of ids: every statement reads them from the viewer's
/// member rows (<see cref="InScope"/>), so a viewer in thousands of conversations sends and plans
/// no array of thousands of ids.
/// </summary>
public static class SearchSql
{
    /// <summary>
    /// The viewer's member row <c>v</c> puts its conversation in the search: not removed by someone
    /// else, the asked conversation when one is asked, not an ignored one.
    /// Parameters: <c>@conversation_id</c> uuid or null, <c>@ignore_conversation_ids</c> uuid[].
    /// </summary>
    private const string InScope = """

          AND NOT v.is_removed
          AND (@conversation_id::uuid IS NULL OR v.conversation_id = @conversation_id::uuid)
          AND v.conversation_id <> ALL (@ignore_conversation_ids::uuid[])
        """;

    /// <summary>
    /// How many conversations the viewer searches (<see cref="InScope"/>), the keywords as
    /// tsqueries, and what decides how the messages are read. Every keyword is normalised by <c>fleep_search_config()</c> exactly
    /// as the documents are, and each resulting lexeme is quoted as a tsquery literal and made a
    /// prefix (<c>'word':*</c>), all joined with <c>&amp;</c>: nothing the caller types is read as
    /// tsquery syntax.
    /// Parameters: <c>@viewer</c> uuid, <c>@keywords</c> text, <c>@conversation_id</c> uuid or null,
    /// <c>@ignore_conversation_ids</c> uuid[], <c>@weights</c> text or null (the weight letters of
    /// the typed query, e.g. <c>AB</c>; <c>''</c> = any).
    /// Columns: <c>conversations</c> bigint (how many conversations are searched); <c>query</c> text (null when the keywords hold no
    /// word); <c>typed</c> text (null when <c>@weights</c> is null); <c>last_word</c> text (the lexeme
    /// of the last keyword); <c>viewer_messages</c> bigint (the flow numbers handed out in those
    /// conversations, an upper bound of their messages); <c>word_messages</c> double (an estimate,
    /// from the column statistics <c>ANALYZE</c> keeps for the planner, of how many messages of all
    /// conversations contain every keyword); <c>total_messages</c> double (the planner's count of all messages).
    /// </summary>
    public const string Scope = """
        WITH r AS (
          SELECT count(*) AS conversations, coalesce(sum(c.last_message_nr), 0)::bigint AS messages
          FROM conversation_members v JOIN conversations c ON c.conversation_id = v.conversation_id
          WHERE v.account_id = @viewer
        """ + InScope + """
        ), w AS (
          SELECT t.lexeme, t.positions, '''' || replace(replace(t.lexeme, '\', '\\'), '''', '''''') || '''' AS literal
          FROM unnest(to_tsvector(fleep_search_config(), @keywords::text)) t
        ), st AS (
          SELECT s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs FROM pg_stats s
          WHERE s.schemaname = current_schema() AND s.tablename = 'messages' AND s.attname = 'search_vector'
        )
        SELECT r.conversations,
               (SELECT string_agg(w.literal || ':*', ' & ')::tsquery::text FROM w) AS query,
               (SELECT string_agg(w.literal || ':*' || @weights::text, ' & ')::tsquery::text FROM w) AS typed,
               (SELECT w.lexeme FROM w ORDER BY w.positions[cardinality(w.positions)] DESC LIMIT 1) AS last_word,
               r.messages AS viewer_messages,
               (SELECT greatest(p.reltuples, 0)::float8 FROM pg_class p WHERE p.oid = 'messages'::regclass)
                 * coalesce((SELECT min((SELECT coalesce(sum(e.freq), 0) FROM st, unnest(st.elems, st.freqs[1:cardinality(st.elems)]) e(lexeme, freq)
                                         WHERE starts_with(e.lexeme, w.lexeme))) FROM w), 0)::float8 AS word_messages,
               (SELECT greatest(p.reltuples, 0)::float8 FROM pg_class p WHERE p.oid = 'messages'::regclass) AS total_messages
        FROM r
        """;

    /// <summary>
    /// The conditions of a matching message <c>c</c> besides the words (<c>@query</c>): in one of
    /// the asked places (any weight when <c>@all_weights</c>; else the weights of <c>@typed</c>, or
    /// pinned when <c>@pin</c>, or a task when <c>@task</c>), not deleted.
    /// </summary>
    private const string Found = """
          AND (@all_weights::boolean
               OR c.search_vector @@ @typed::tsquery
               OR (@pin::boolean AND c.mk_message_state = 'pinned')
               OR (@task::boolean AND c.mk_message_state IN ('todo', 'done')))
          AND c.mk_message_state <> 'deleted'
        """;

    /// <summary>The viewer sees message <c>c</c> by its member row <c>v</c> (<c>ViewerState.Sees</c>).</summary>
    private const string Sees = """

          AND c.message_nr > v.delete_message_nr
          AND (v.leave_message_nr IS NULL OR c.message_nr <= v.leave_message_nr)
          AND (c.message_nr >= v.begin_message_nr
               OR (c.message_nr >= v.join_message_nr AND c.message_nr <= v.history_end_message_nr)
               OR (v.disclose_message_nr > 0 AND c.message_nr >= v.disclose_message_nr))
        """;

    /// <summary>
    /// Matches read by their words: the GIN index <c>ix_messages_search</c> gives every message with
    /// the words (a subquery of its own, <c>OFFSET 0</c>, so that only the words go to the index),
    /// then the viewer's conversations and member rows filter them. The conversations are never
    /// given to the index with the words: a prefix is looked up once per conversation there, each
    /// time over the prefix's whole posting list.
    /// </summary>
    private const string ByWords = """

        FROM (SELECT * FROM messages c WHERE c.search_vector @@ @query::tsquery

        """ + Found + """
          OFFSET 0) c
        JOIN conversation_members v ON v.conversation_id = c.conversation_id AND v.account_id = @viewer
        WHERE TRUE
        """ + InScope + Sees;

    /// <summary>
    /// Matches read by their conversations: the viewer's member rows, then their conversations'
    /// messages (primary key), each checked for the words. For common words: most of the viewer's messages match anyway, and the
    /// index would cost as much as every message with the words. The word test is written
    /// <c>IS TRUE</c> so that it stays a check of each row.
    /// </summary>
    private const string ByConversations = """

        FROM conversation_members v
        JOIN messages c ON c.conversation_id = v.conversation_id
        WHERE v.account_id = @viewer
          AND (c.search_vector @@ @query::tsquery) IS TRUE
        """ + InScope + Found + Sees;

    /// <summary>
    /// Matches read newest first: every message in posting order (the index <c>ix_messages_posted_time</c>,
    /// read backwards), each checked for the words and then for the viewer's member row, until
    /// the page is full. For a common word in a large share of all messages the
    /// page fills after a few thousand rows, whatever the size of the table. The tests are written
    /// so that nothing but the posting time can lead to an index: <c>IS TRUE</c>, and the member
    /// row looked up per message in a subquery fenced with <c>OFFSET 0</c> (as a join, the planner
    /// would read every conversation of the viewer by its key instead).
    /// </summary>
    private const string ByRecency = """

        FROM messages c
        WHERE (c.search_vector @@ @query::tsquery) IS TRUE
          AND (TRUE
        """ + Found + """
          ) IS TRUE
          AND EXISTS (SELECT 1 FROM conversation_members v WHERE v.conversation_id = c.conversation_id AND v.account_id = @viewer
        """ + InScope + Sees + """
            OFFSET 0)
        """;

    private const string Newest = """

        ORDER BY c.posted_time DESC, c.message_nr DESC, c.conversation_id
        """;

    /// <summary>
    /// The matching messages the viewer may see, newest first, at most <c>@limit</c>, read by their
    /// words (<see cref="ByWords"/>).
    /// Parameters: <c>@viewer</c> uuid, <c>@conversation_id</c> uuid or null and
    /// <c>@ignore_conversation_ids</c> uuid[] (as for <see cref="Scope"/>), <c>@query</c> text (from
    /// <see cref="Scope"/>), <c>@typed</c> text or null, <c>@all_weights</c>, <c>@pin</c>,
    /// <c>@task</c> boolean, <c>@limit</c> integer.
    /// </summary>
    public const string MessagesByWords = "SELECT c.*" + ByWords + Newest + "\nLIMIT @limit";

    /// <summary>The same as <see cref="MessagesByWords"/>, read by the viewer's conversations (<see cref="ByConversations"/>).</summary>
    public const string MessagesByConversations = "SELECT c.*" + ByConversations + Newest + "\nLIMIT @limit";

    /// <summary>The same as <see cref="MessagesByWords"/>, read newest first (<see cref="ByRecency"/>).</summary>
    public const string MessagesByRecency = "SELECT c.*" + ByRecency + Newest + "\nLIMIT @limit";

    /// <summary>
    /// How a search reads its messages: the way that reads the fewest rows by PostgreSQL's own
    /// estimates. By words reads every message with the words; by conversations every message of
    /// the viewer's conversations; newest first about <paramref name="limit"/> divided by the share
    /// of all messages that are matches the viewer may see (the words' share times the viewer's).
    /// </summary>
    public static SearchPath Choose(double wordMessages, long viewerMessages, double totalMessages, int limit)
    {
        var share = totalMessages <= 0 ? 0 : wordMessages / totalMessages * Math.Min(1, viewerMessages / totalMessages);
        var byRecency = share > 0 ? limit / share : double.MaxValue;
        if (wordMessages <= viewerMessages && wordMessages <= byRecency)
        {
            return SearchPath.Words;
        }

        return byRecency < viewerMessages ? SearchPath.Recency : SearchPath.Conversations;
    }

    /// <summary>The message statement of a way of reading.</summary>
    public static string Messages(SearchPath path) => path switch
    {
        SearchPath.Words => MessagesByWords,
        SearchPath.Recency => MessagesByRecency,
        _ => MessagesByConversations,
    };

    /// <summary>
    /// Conversations found by their topic or their members: the topic, or the display names,
    /// e-mail addresses (<c>fleep_search_person</c>: whole, split at <c>@</c> and dots, and split at
    /// dashes, underscores and plus signs too) and the viewer's own names for the other current
    /// members, together contain every keyword; the whole test is made only for candidates:
    /// conversations whose topic has the words, or that have a member with at least one keyword in
    /// their own text (no other conversation can pass it). Both kinds of candidates come from GIN
    /// indexes (<c>ix_conversations_topic_search</c>, <c>ix_accounts_search</c>). Only conversations the
    /// viewer searches (<see cref="InScope"/>) and has in its list (not deleted from it). Newest first,
    /// at most <c>@limit</c>. Parameters: <c>@viewer</c> uuid, <c>@conversation_id</c> uuid or null,
    /// <c>@ignore_conversation_ids</c> uuid[], <c>@query</c> text, <c>@limit</c> integer.
    /// </summary>
    public const string Topics = """
        WITH people AS (
          -- Anyone whose own text has at least one keyword: only their conversations can match by members.
          SELECT a.account_id FROM accounts a
          WHERE fleep_search_person(a.display_name, a.email) @@ replace(@query::text, ' & ', ' | ')::tsquery
          UNION
          SELECT e.contact_id FROM contacts e
          WHERE e.owner_id = @viewer AND to_tsvector(fleep_search_config(), coalesce(e.contact_name, '')) @@ replace(@query::text, ' & ', ' | ')::tsquery
        ), candidates AS (
          SELECT c.conversation_id FROM conversations c
          WHERE to_tsvector(fleep_search_config(), c.topic) @@ @query::tsquery
          UNION
          SELECT x.conversation_id FROM conversation_members x JOIN people p ON p.account_id = x.account_id
          WHERE x.leave_message_nr IS NULL AND x.account_id <> @viewer
        )
        SELECT c.conversation_id FROM candidates k
        JOIN conversation_members v ON v.conversation_id = k.conversation_id AND v.account_id = @viewer
        JOIN conversations c ON c.conversation_id = k.conversation_id
        WHERE NOT (v.delete_message_nr > 0 AND coalesce(v.leave_message_nr, c.last_message_nr) <= v.delete_message_nr)
        """ + InScope + """
          AND (to_tsvector(fleep_search_config(), c.topic) @@ @query::tsquery
               OR (SELECT to_tsvector(fleep_search_config(), coalesce(string_agg(concat_ws(' ', a.display_name, a.email,
                              translate(a.email, '@.', '  '), translate(a.email, '@.-_+', '     '), e.contact_name), ' '), ''))
                   FROM conversation_members x
                   JOIN accounts a ON a.account_id = x.account_id
                   LEFT JOIN contacts e ON e.owner_id = @viewer AND e.contact_id = x.account_id
                   WHERE x.conversation_id = c.conversation_id AND x.leave_message_nr IS NULL AND x.account_id <> @viewer)
                  @@ @query::tsquery)
        ORDER BY c.last_message_time DESC, c.conversation_id
        LIMIT @limit
        """;

    /// <summary>
    /// Word suggestions: the words that start with <c>@prefix</c> in the newest <c>@sample</c>
    /// messages matching all the keywords that the viewer may see, most frequent first, at most
    /// <c>@limit</c>. Parameters: those of <see cref="MessagesByWords"/> (with <c>@all_weights</c>
    /// true) and <c>@prefix</c> text, <c>@sample</c> integer.
    /// </summary>
    public static string Suggestions(SearchPath path) => """
        SELECT s.word FROM (
          SELECT w.lexeme AS word, count(*) AS n
          FROM (SELECT c.search_vector
        """ + (path switch { SearchPath.Words => ByWords, SearchPath.Recency => ByRecency, _ => ByConversations }) + Newest + """

                LIMIT @sample) h
          CROSS JOIN LATERAL unnest(h.search_vector) w
          WHERE starts_with(w.lexeme, @prefix::text)
          GROUP BY w.lexeme) s
        ORDER BY s.n DESC, s.word
        LIMIT @limit
        """;

    /// <summary>
    /// The marked text of found messages: the message text as it is indexed (markup stripped,
    /// entities decoded) with every word matching <c>@query</c> between U+E000 and U+E001 (code
    /// points removed from the text first, so only the marks carry them); the caller escapes the
    /// rest and turns the two into <c>&lt;mark&gt;</c> and <c>&lt;/mark&gt;</c>. Only the first
    /// <c>@max_length</c> characters of the text are marked and answered.
    /// Parameters: <c>@conversation_ids</c> uuid[] and <c>@message_nrs</c> bigint[] (pairs), <c>@query</c> text,
    /// <c>@max_length</c> integer.
    /// </summary>
    public const string MarkedTexts = """
        SELECT m.conversation_id, m.message_nr,
               ts_headline(fleep_search_config(), translate(left(fleep_search_text(m.message), @max_length), E'\uE000\uE001', ''), @query::tsquery,
                           E'StartSel=\uE000, StopSel=\uE001, HighlightAll=true') AS marked
        FROM unnest(@conversation_ids::uuid[], @message_nrs::bigint[]) AS h(conversation_id, message_nr)
        JOIN messages m ON m.conversation_id = h.conversation_id AND m.message_nr = h.message_nr
        """;
}
