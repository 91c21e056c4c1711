namespace FleepServer.Domain.Search;

/// <summary>
/// The SQL of full-text search (docs/search.md), in one place so that the benchmark replays the
/// statements the server runs. Every statement uses named parameters (Npgsql's <c>@name</c>);
/// each constant lists the ones it takes. A search is two steps:
/// <list type="number">
/// <item><see cref="Scope"/> reads the conversations the viewer may read and turns the keywords
/// into tsqueries with the deployment's text search configuration;</item>
/// <item><see cref="Messages"/> (and <see cref="Topics"/>, <see cref="Suggestions"/>) take those
/// as parameters, so PostgreSQL plans them knowing the actual conversations and words: a
/// selective word is read from the GIN index <c>ix_messages_search</c> (intersected with the
/// conversations' rows), a word in most messages by reading the viewer's conversations.</item>
/// </list>
/// Visibility is decided inside the SQL by the rule of <c>ViewerState.Sees</c> (docs/compatibility.md,
/// "Who sees what"), over the viewer's own member row.
/// </summary>
public static class SearchSql
{
    /// <summary>
    /// The viewer's readable conversations (a member row not removed by someone else), narrowed to
    /// one conversation and without the ignored ones, and the keywords as tsqueries. Every keyword
    /// is normalised by <c>fleep_search_config()</c> exactly as the documents are, and each resulting
    /// lexeme is quoted as a tsquery literal and made a prefix (<c>'word':*</c>), all joined with
    /// <c>&amp;</c>: nothing the caller types is read as tsquery syntax.
    /// Parameters: <c>@viewer</c> uuid, <c>@keywords</c> text, <c>@conversation_id</c> uuid or null,
    /// <c>@ignore_conversation_ids</c> uuid[], <c>@weights</c> text or null (the weights letters of
    /// the typed query, e.g. <c>AB</c>; <c>''</c> = any).
    /// Columns: <c>conversation_ids</c> uuid[], <c>query</c> text (null when the keywords hold no
    /// word), <c>typed</c> text (null when <c>@weights</c> is null), <c>last_word</c> text (the
    /// lexeme of the last keyword).
    /// </summary>
    public const string Scope = """
        SELECT ARRAY(
                 SELECT r.conversation_id FROM conversation_members r
                 WHERE r.account_id = @viewer AND NOT r.is_removed
                   AND (@conversation_id::uuid IS NULL OR r.conversation_id = @conversation_id::uuid)
                   AND r.conversation_id <> ALL (@ignore_conversation_ids::uuid[])) AS conversation_ids,
               q.query, q.typed, q.last_word
        FROM (
          SELECT string_agg(w.literal || ':*', ' & ')::tsquery::text AS query,
                 string_agg(w.literal || ':*' || @weights::text, ' & ')::tsquery::text AS typed,
                 (array_agg(w.lexeme ORDER BY w.positions[cardinality(w.positions)] DESC))[1] AS last_word
          FROM (SELECT t.lexeme, t.positions,
                       '''' || replace(replace(t.lexeme, '\', '\\'), '''', '''''') || '''' AS literal
                FROM unnest(to_tsvector(fleep_search_config(), @keywords::text)) t) w
        ) q
        """;

    /// <summary>
    /// The conditions a matching message meets, over message <c>m</c> and the viewer's member row
    /// <c>v</c>: in the given conversations, containing every keyword (<c>@query</c>), in one of the
    /// asked places (any weight when <c>@all_weights</c>; else the weights of <c>@typed</c>, or pinned
    /// when <c>@pin</c>, or a task when <c>@task</c>), not deleted, and visible to the viewer.
    /// </summary>
    private const string MatchConditions = """
        m.conversation_id = ANY (@conversation_ids::uuid[])
          AND m.search_vector @@ @query::tsquery
          AND (@all_weights::boolean
               OR m.search_vector @@ @typed::tsquery
               OR (@pin::boolean AND m.mk_message_state = 'pinned')
               OR (@task::boolean AND m.mk_message_state IN ('todo', 'done')))
          AND m.mk_message_state <> 'deleted'
          AND m.message_nr > v.delete_message_nr
          AND (v.leave_message_nr IS NULL OR m.message_nr <= v.leave_message_nr)
          AND (m.message_nr >= v.begin_message_nr
               OR (m.message_nr >= v.join_message_nr AND m.message_nr <= v.history_end_message_nr)
               OR (v.disclose_message_nr > 0 AND m.message_nr >= v.disclose_message_nr))
        """;

    /// <summary>
    /// The matching messages the viewer may see, newest first, at most <c>@limit</c>.
    /// Parameters: <c>@viewer</c> uuid, <c>@conversation_ids</c> uuid[] and <c>@query</c> text (from
    /// <see cref="Scope"/>), <c>@typed</c> text or null, <c>@all_weights</c>, <c>@pin</c>,
    /// <c>@task</c> boolean, <c>@limit</c> integer.
    /// </summary>
    public const string Messages = """
        SELECT m.* FROM messages m
        JOIN conversation_members v ON v.conversation_id = m.conversation_id AND v.account_id = @viewer
        WHERE
        """ + "\n  " + MatchConditions + """

        ORDER BY m.posted_time DESC, m.conversation_id, m.message_nr
        LIMIT @limit
        """;

    /// <summary>
    /// Conversations found by their topic or their members: the topic, or the display names,
    /// e-mail addresses (whole and split at <c>@</c>, dots and dashes) and the viewer's own names for
    /// the other current members, together contain every keyword. Only conversations in the
    /// viewer's list (not deleted from it). Newest first, at most <c>@limit</c>.
    /// Parameters: <c>@viewer</c> uuid, <c>@conversation_ids</c> uuid[], <c>@query</c> text, <c>@limit</c> integer.
    /// </summary>
    public const string Topics = """
        SELECT c.conversation_id AS value FROM conversations c
        JOIN conversation_members r ON r.conversation_id = c.conversation_id AND r.account_id = @viewer
        WHERE c.conversation_id = ANY (@conversation_ids::uuid[])
          AND NOT (r.delete_message_nr > 0 AND coalesce(r.leave_message_nr, c.last_message_nr) <= r.delete_message_nr)
          AND (to_tsvector(fleep_search_config(), c.topic) @@ @query::tsquery
               OR (SELECT to_tsvector(fleep_search_config(), coalesce(string_agg(concat_ws(' ', a.display_name, a.email,
                              translate(a.email, '@.-_+', '     '), e.contact_name), ' '), ''))
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
    /// <c>@limit</c>. Parameters: those of <see cref="Messages"/> (with <c>@all_weights</c> true)
    /// and <c>@prefix</c> text, <c>@sample</c> integer.
    /// </summary>
    public const string Suggestions = """
        SELECT s.word AS value FROM (
          SELECT w.lexeme AS word, count(*) AS n
          FROM (SELECT m.search_vector FROM messages m
                JOIN conversation_members v ON v.conversation_id = m.conversation_id AND v.account_id = @viewer
                WHERE
        """ + "\n  " + MatchConditions + """

                ORDER BY m.posted_time DESC, m.conversation_id, m.message_nr
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
    /// rest and turns the two into <c>&lt;mark&gt;</c> and <c>&lt;/mark&gt;</c>.
    /// Parameters: <c>@conversation_ids</c> uuid[] and <c>@message_nrs</c> bigint[] (pairs), <c>@query</c> text.
    /// </summary>
    public const string MarkedTexts = """
        SELECT m.conversation_id, m.message_nr,
               ts_headline(fleep_search_config(), translate(fleep_search_text(m.message), E'\uE000\uE001', ''), @query::tsquery,
                           E'StartSel=\uE000, StopSel=\uE001, HighlightAll=true') AS marked
        FROM unnest(@conversation_ids::uuid[], @message_nrs::bigint[]) AS h(conversation_id, message_nr)
        JOIN messages m ON m.conversation_id = h.conversation_id AND m.message_nr = h.message_nr
        """;
}
