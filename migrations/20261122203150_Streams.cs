using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class Streams : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "account_streams",
                columns: table => new
                {
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    last_event_nr = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_account_streams", x => x.account_id);
                    table.ForeignKey(
                        name: "fk_account_streams_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "stream_events",
                columns: table => new
                {
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_nr = table.Column<long>(type: "bigint", nullable: false),
                    mk_rec_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    payload = table.Column<string>(type: "json", nullable: false),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stream_events", x => new { x.account_id, x.event_nr });
                    table.ForeignKey(
                        name: "fk_stream_events_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Accounts created before streams existed get theirs, starting at the first horizon.
            migrationBuilder.Sql("INSERT INTO account_streams (account_id, last_event_nr) SELECT account_id, 1 FROM accounts ON CONFLICT DO NOTHING");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "account_streams");

            migrationBuilder.DropTable(
                name: "stream_events");
        }
    }
}
