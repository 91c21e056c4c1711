using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class Accounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "accounts",
                columns: table => new
                {
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    email_key = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    display_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    password_hash = table.Column<string>(type: "text", nullable: true),
                    mk_account_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    phone_nr = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    mk_email_interval = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    client_settings = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    client_flags = table.Column<List<string>>(type: "text[]", nullable: false),
                    is_full_privacy = table.Column<bool>(type: "boolean", nullable: false),
                    is_newsletter_disabled = table.Column<bool>(type: "boolean", nullable: false),
                    is_automute_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    fleep_address = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    fleep_autogen = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    activated_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    failed_login_count = table.Column<int>(type: "integer", nullable: false),
                    lockout_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_accounts", x => x.account_id);
                });

            migrationBuilder.CreateTable(
                name: "sessions",
                columns: table => new
                {
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    ticket_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    remember_me = table.Column<bool>(type: "boolean", nullable: false),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sessions", x => x.session_id);
                    table.ForeignKey(
                        name: "fk_sessions_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_accounts_email_key",
                table: "accounts",
                column: "email_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_accounts_fleep_address",
                table: "accounts",
                column: "fleep_address",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sessions_account_id",
                table: "sessions",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_token_hash",
                table: "sessions",
                column: "token_hash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sessions");

            migrationBuilder.DropTable(
                name: "accounts");
        }
    }
}
