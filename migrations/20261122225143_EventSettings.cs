using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class EventSettings : Migration
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "device_token",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "mk_device_type",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "default_call_room",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "has_done_notifications",
                table: "conversation_members");

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
        }
    }
}
