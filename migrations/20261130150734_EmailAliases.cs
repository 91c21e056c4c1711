using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class EmailAliases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<Guid>>(
                name: "alias_account_ids",
                table: "accounts",
                type: "uuid[]",
                nullable: false,
                defaultValueSql: "'{}'::uuid[]");

            migrationBuilder.AddColumn<Guid>(
                name: "alias_of_account_id",
                table: "accounts",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_accounts_alias_of_account_id",
                table: "accounts",
                column: "alias_of_account_id");

            migrationBuilder.AddForeignKey(
                name: "fk_accounts_accounts_alias_of_account_id",
                table: "accounts",
                column: "alias_of_account_id",
                principalTable: "accounts",
                principalColumn: "account_id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_accounts_accounts_alias_of_account_id",
                table: "accounts");

            migrationBuilder.DropIndex(
                name: "ix_accounts_alias_of_account_id",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "alias_account_ids",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "alias_of_account_id",
                table: "accounts");
        }
    }
}
