using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class BoardFlags : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "has_pinboard",
                table: "conversations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "has_task_archive",
                table: "conversations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "has_taskboard",
                table: "conversations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // Conversations that already have pins or tasks.
            migrationBuilder.Sql("""
                UPDATE conversations c SET
                  has_pinboard = EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.conversation_id
                    AND 'pin' = ANY (m.tags) AND m.mk_message_state <> 'deleted'),
                  has_taskboard = EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.conversation_id
                    AND 'is_task' = ANY (m.tags) AND NOT 'is_archived' = ANY (m.tags) AND m.mk_message_state <> 'deleted'),
                  has_task_archive = EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.conversation_id
                    AND 'is_task' = ANY (m.tags) AND 'is_archived' = ANY (m.tags) AND m.mk_message_state <> 'deleted');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "has_pinboard",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "has_task_archive",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "has_taskboard",
                table: "conversations");
        }
    }
}
