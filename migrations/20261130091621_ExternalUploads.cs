using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class ExternalUploads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "external_uploads",
                columns: table => new
                {
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    file_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    file_name = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    file_size = table.Column<long>(type: "bigint", nullable: false),
                    file_origin = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    upload_id = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_error = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_external_uploads", x => x.request_id);
                    table.ForeignKey(
                        name: "fk_external_uploads_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_external_uploads_account_id",
                table: "external_uploads",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_external_uploads_next_attempt_time",
                table: "external_uploads",
                column: "next_attempt_time");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "external_uploads");
        }
    }
}
