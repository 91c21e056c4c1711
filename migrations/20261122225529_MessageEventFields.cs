using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class MessageEventFields : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
        }
    }
}
