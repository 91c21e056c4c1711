using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class Hooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "hook_key",
                table: "messages",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "message_key",
                table: "messages",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "sender_name",
                table: "messages",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "has_outgoing_hooks",
                table: "conversations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "hooks",
                columns: table => new
                {
                    hook_id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    hook_key = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    hook_name = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    mk_hook_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    is_active = table.Column<bool>(type: "boolean", nullable: false),
                    outgoing_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    outgoing_disabled = table.Column<bool>(type: "boolean", nullable: false),
                    outgoing_disable_reason = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    outgoing_failures = table.Column<int>(type: "integer", nullable: false),
                    external_account_id = table.Column<Guid>(type: "uuid", nullable: true),
                    external_object_id = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    base_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hooks", x => x.hook_id);
                    table.ForeignKey(
                        name: "fk_hooks_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_hooks_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "conversation_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "hook_deliveries",
                columns: table => new
                {
                    delivery_id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    hook_id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_nr = table.Column<long>(type: "bigint", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_error = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hook_deliveries", x => x.delivery_id);
                    table.ForeignKey(
                        name: "fk_hook_deliveries_hooks_hook_id",
                        column: x => x.hook_id,
                        principalTable: "hooks",
                        principalColumn: "hook_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_messages_conversation_id_hook_key_message_key",
                table: "messages",
                columns: new[] { "conversation_id", "hook_key", "message_key" },
                unique: true,
                filter: "message_key IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_hook_deliveries_hook_id_delivery_id",
                table: "hook_deliveries",
                columns: new[] { "hook_id", "delivery_id" });

            migrationBuilder.CreateIndex(
                name: "ix_hook_deliveries_next_attempt_time",
                table: "hook_deliveries",
                column: "next_attempt_time");

            migrationBuilder.CreateIndex(
                name: "ix_hooks_account_id",
                table: "hooks",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_hooks_conversation_id_hook_key",
                table: "hooks",
                columns: new[] { "conversation_id", "hook_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hooks_token_hash",
                table: "hooks",
                column: "token_hash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "hook_deliveries");

            migrationBuilder.DropTable(
                name: "hooks");

            migrationBuilder.DropIndex(
                name: "ix_messages_conversation_id_hook_key_message_key",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "hook_key",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "message_key",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "sender_name",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "has_outgoing_hooks",
                table: "conversations");
        }
    }
}
