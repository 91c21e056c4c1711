using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class Files : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "files",
                table: "messages",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "avatar",
                table: "accounts",
                type: "jsonb",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "uploads",
                columns: table => new
                {
                    upload_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    file_name = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    facts = table.Column<string>(type: "jsonb", nullable: false),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_uploads", x => x.upload_id);
                    table.ForeignKey(
                        name: "fk_uploads_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_messages_with_files",
                table: "messages",
                columns: new[] { "conversation_id", "message_nr" },
                filter: "files IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_uploads_account_id",
                table: "uploads",
                column: "account_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "uploads");

            migrationBuilder.DropIndex(
                name: "ix_messages_with_files",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "files",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "avatar",
                table: "accounts");
        }
    }
}
