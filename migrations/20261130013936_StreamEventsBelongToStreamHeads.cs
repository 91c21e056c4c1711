using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class StreamEventsBelongToStreamHeads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_stream_events_accounts_account_id",
                table: "stream_events");

            migrationBuilder.AddForeignKey(
                name: "fk_stream_events_account_streams_account_id",
                table: "stream_events",
                column: "account_id",
                principalTable: "account_streams",
                principalColumn: "account_id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_stream_events_account_streams_account_id",
                table: "stream_events");

            migrationBuilder.AddForeignKey(
                name: "fk_stream_events_accounts_account_id",
                table: "stream_events",
                column: "account_id",
                principalTable: "accounts",
                principalColumn: "account_id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
