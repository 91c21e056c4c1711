using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class TeamsAndLabels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<Guid>>(
                name: "team_ids",
                table: "conversations",
                type: "uuid[]",
                nullable: false,
                // Rows from before teams and labels: no teams, no labels.
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<bool>(
                name: "in_own_right",
                table: "conversation_members",
                type: "boolean",
                nullable: false,
                // Every membership before teams existed is a membership in its own right.
                defaultValue: true);

            migrationBuilder.AddColumn<List<Guid>>(
                name: "label_ids",
                table: "conversation_members",
                type: "uuid[]",
                nullable: false,
                // Rows from before teams and labels: no teams, no labels.
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<List<Guid>>(
                name: "via_team_ids",
                table: "conversation_members",
                type: "uuid[]",
                nullable: false,
                // Rows from before teams and labels: no teams, no labels.
                defaultValueSql: "'{}'");

            migrationBuilder.CreateTable(
                name: "labels",
                columns: table => new
                {
                    label_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    label = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    index = table.Column<long>(type: "bigint", nullable: false),
                    mk_label_type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    mk_label_subtype = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    mk_label_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    is_on_left_pane = table.Column<bool>(type: "boolean", nullable: false),
                    is_in_recent = table.Column<bool>(type: "boolean", nullable: false),
                    is_in_muted = table.Column<bool>(type: "boolean", nullable: false),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_labels", x => x.label_id);
                    table.ForeignKey(
                        name: "fk_labels_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "teams",
                columns: table => new
                {
                    team_id = table.Column<Guid>(type: "uuid", nullable: false),
                    team_name = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    creator_id = table.Column<Guid>(type: "uuid", nullable: false),
                    members = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    admins = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    is_autojoin = table.Column<bool>(type: "boolean", nullable: false),
                    autojoin_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    is_deleted = table.Column<bool>(type: "boolean", nullable: false),
                    team_version_nr = table.Column<long>(type: "bigint", nullable: false),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_teams", x => x.team_id);
                    table.ForeignKey(
                        name: "fk_teams_accounts_creator_id",
                        column: x => x.creator_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_conversations_team_ids",
                table: "conversations",
                column: "team_ids")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_labels_account_id",
                table: "labels",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_teams_autojoin_key",
                table: "teams",
                column: "autojoin_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_teams_creator_id",
                table: "teams",
                column: "creator_id");

            migrationBuilder.CreateIndex(
                name: "ix_teams_members",
                table: "teams",
                column: "members")
                .Annotation("Npgsql:IndexMethod", "gin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "labels");

            migrationBuilder.DropTable(
                name: "teams");

            migrationBuilder.DropIndex(
                name: "ix_conversations_team_ids",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "team_ids",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "in_own_right",
                table: "conversation_members");

            migrationBuilder.DropColumn(
                name: "label_ids",
                table: "conversation_members");

            migrationBuilder.DropColumn(
                name: "via_team_ids",
                table: "conversation_members");
        }
    }
}
