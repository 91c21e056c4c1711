using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class SearchAndBoards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "message_id",
                table: "messages",
                type: "uuid",
                nullable: false,
                defaultValueSql: "gen_random_uuid()");

            migrationBuilder.AddUniqueConstraint(
                name: "ak_messages_message_id",
                table: "messages",
                column: "message_id");

            // Full-text search (docs/search.md). The words a message is found by are kept in a
            // stored generated column beside it, so every insert, edit and delete updates them in
            // its own transaction: the subject (weight A), the text without its markup (B) and the
            // names of the files still attached (C); system messages have none. The text search
            // configuration is fleep_search_config(), simple until a deployment chooses another.
            // The index is on (conversation_id, search_vector), so one index scan intersects "in
            // the viewer's conversations" with the words (btree_gin).
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS btree_gin;");
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION fleep_search_config() RETURNS regconfig
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 'simple'::regconfig $$;
                """);
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION fleep_search_text(xml text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                  SELECT replace(replace(replace(replace(replace(replace(
                    regexp_replace(coalesce(xml, ''), '<[^>]*>', ' ', 'g'),
                    '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&apos;', ''''), '&#39;', ''''), '&amp;', '&')
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION fleep_search_document(mk_message_type text, subject text, message text, files jsonb)
                RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                  SELECT CASE WHEN mk_message_type IN ('text', 'email') THEN
                      setweight(to_tsvector(fleep_search_config(), coalesce(subject, '')), 'A')
                      || setweight(to_tsvector(fleep_search_config(), fleep_search_text(message)), 'B')
                      || setweight(to_tsvector(fleep_search_config(), coalesce((
                           SELECT string_agg(f ->> 'FileName', ' ')
                           FROM jsonb_array_elements(CASE WHEN jsonb_typeof(files) = 'array' THEN files ELSE '[]'::jsonb END) f
                           WHERE NOT coalesce((f ->> 'IsDeleted')::boolean, false)), '')), 'C')
                    ELSE ''::tsvector END
                $$;
                """);
            migrationBuilder.Sql("""
                ALTER TABLE messages ADD COLUMN search_vector tsvector
                  GENERATED ALWAYS AS (fleep_search_document(mk_message_type, subject, message, files)) STORED;
                """);
            migrationBuilder.Sql("CREATE INDEX ix_messages_search ON messages USING gin (conversation_id, search_vector);");

            migrationBuilder.CreateTable(
                name: "my_messages",
                columns: table => new
                {
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    message = table.Column<string>(type: "text", nullable: false),
                    canned_name = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    files = table.Column<string>(type: "jsonb", nullable: true),
                    section_id = table.Column<Guid>(type: "uuid", nullable: true),
                    task_weight = table.Column<double>(type: "double precision", nullable: true),
                    mk_message_state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    is_archived = table.Column<bool>(type: "boolean", nullable: false),
                    is_deleted = table.Column<bool>(type: "boolean", nullable: false),
                    posted_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    store_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_my_messages", x => x.message_id);
                    table.ForeignKey(
                        name: "fk_my_messages_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "my_task_places",
                columns: table => new
                {
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    section_id = table.Column<Guid>(type: "uuid", nullable: true),
                    task_weight = table.Column<double>(type: "double precision", nullable: true),
                    is_archived = table.Column<bool>(type: "boolean", nullable: false),
                    store_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_my_task_places", x => new { x.account_id, x.message_id });
                    table.ForeignKey(
                        name: "fk_my_task_places_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_my_task_places_messages_message_id",
                        column: x => x.message_id,
                        principalTable: "messages",
                        principalColumn: "message_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sections",
                columns: table => new
                {
                    section_id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    account_id = table.Column<Guid>(type: "uuid", nullable: true),
                    name = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    mk_section_type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    mk_section_subtype = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    weight = table.Column<double>(type: "double precision", nullable: false),
                    is_deleted = table.Column<bool>(type: "boolean", nullable: false),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    store_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sections", x => x.section_id);
                    table.CheckConstraint("ck_sections_one_board", "(conversation_id IS NULL) <> (account_id IS NULL)");
                    table.ForeignKey(
                        name: "fk_sections_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_sections_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "conversation_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_my_messages_account_id_kind_store_time_message_id",
                table: "my_messages",
                columns: new[] { "account_id", "kind", "store_time", "message_id" });

            migrationBuilder.CreateIndex(
                name: "ix_my_task_places_message_id",
                table: "my_task_places",
                column: "message_id");

            migrationBuilder.CreateIndex(
                name: "ix_sections_account_id",
                table: "sections",
                column: "account_id",
                filter: "account_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_sections_conversation_id",
                table: "sections",
                column: "conversation_id",
                filter: "conversation_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "my_messages");

            migrationBuilder.DropTable(
                name: "my_task_places");

            migrationBuilder.DropTable(
                name: "sections");

            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_messages_search;");
            migrationBuilder.Sql("ALTER TABLE messages DROP COLUMN IF EXISTS search_vector;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS fleep_search_document(text, text, text, jsonb);");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS fleep_search_text(text);");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS fleep_search_config();");

            migrationBuilder.DropUniqueConstraint(
                name: "ak_messages_message_id",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "message_id",
                table: "messages");
        }
    }
}
