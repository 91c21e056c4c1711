using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class ContactsAndEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "device_token",
                table: "sessions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "mk_device_type",
                table: "sessions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "is_spam",
                table: "messages",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "lock_account_id",
                table: "messages",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "locked_until",
                table: "messages",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "section_id",
                table: "messages",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "task_weight",
                table: "messages",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "default_call_room",
                table: "conversations",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "has_done_notifications",
                table: "conversation_members",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AlterColumn<Guid>(
                name: "conversation_id",
                table: "client_requests",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<string>(
                name: "mk_event_type",
                table: "client_requests",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "result_account_id",
                table: "client_requests",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "activity_time",
                table: "accounts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "delete_requested_time",
                table: "accounts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "mk_push_new_message",
                table: "accounts",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "sleep_interval",
                table: "accounts",
                type: "bigint",
                nullable: false,
                // Existing accounts get Fleep's default, as new ones do.
                defaultValue: 1L);

            migrationBuilder.AddColumn<string>(
                name: "status_emoji",
                table: "accounts",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "status_message",
                table: "accounts",
                type: "text",
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
                name: "device_token",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "mk_device_type",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "is_spam",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "lock_account_id",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "locked_until",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "section_id",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "task_weight",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "default_call_room",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "has_done_notifications",
                table: "conversation_members");

            migrationBuilder.DropColumn(
                name: "mk_event_type",
                table: "client_requests");

            migrationBuilder.DropColumn(
                name: "result_account_id",
                table: "client_requests");

            migrationBuilder.DropColumn(
                name: "activity_time",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "delete_requested_time",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "mk_push_new_message",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "sleep_interval",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "status_emoji",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "status_message",
                table: "accounts");

            migrationBuilder.AlterColumn<Guid>(
                name: "conversation_id",
                table: "client_requests",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}
