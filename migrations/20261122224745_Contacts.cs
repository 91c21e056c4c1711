using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class Contacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "activity_time",
                table: "accounts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "contacts",
                columns: table => new
                {
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_name = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    phone_nr = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    is_hidden = table.Column<bool>(type: "boolean", nullable: false),
                    is_unlisted = table.Column<bool>(type: "boolean", nullable: false),
                    is_imported = table.Column<bool>(type: "boolean", nullable: false),
                    dialog_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contacts", x => new { x.owner_id, x.contact_id });
                    table.ForeignKey(
                        name: "fk_contacts_accounts_contact_id",
                        column: x => x.contact_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_contacts_accounts_owner_id",
                        column: x => x.owner_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_contacts_conversations_dialog_id",
                        column: x => x.dialog_id,
                        principalTable: "conversations",
                        principalColumn: "conversation_id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_conversation_members_writing_until",
                table: "conversation_members",
                column: "writing_until",
                filter: "writing_until IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_contact_id",
                table: "contacts",
                column: "contact_id");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_dialog_id",
                table: "contacts",
                column: "dialog_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_conversation_members_writing_until",
                table: "conversation_members");

            migrationBuilder.DropColumn(
                name: "activity_time",
                table: "accounts");
        }
    }
}
