using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class SearchPeopleAndTopics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The words a person is found by in a search (docs/search.md): the display name and the
            // e-mail address whole, split at "@" and dots, and split at dashes, underscores and plus
            // signs too, in the deployment's text search configuration.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION fleep_search_person(display_name text, email text) RETURNS tsvector
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                  SELECT to_tsvector(fleep_search_config(),
                    concat_ws(' ', display_name, email, translate(email, '@.', '  '), translate(email, '@.-_+', '     ')))
                $$;
                """);
            // A search finds the people and the topics with a keyword from these indexes instead of
            // computing the words of every account and every conversation. Both are built again
            // when the text search configuration changes (SearchConfiguration).
            migrationBuilder.Sql("CREATE INDEX ix_accounts_search ON accounts USING gin (fleep_search_person(display_name, email));");
            migrationBuilder.Sql("CREATE INDEX ix_conversations_topic_search ON conversations USING gin (to_tsvector(fleep_search_config(), topic));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_conversations_topic_search;");
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_accounts_search;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS fleep_search_person(text, text);");
        }
    }
}
