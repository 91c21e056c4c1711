using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FleepServer.Migrations
{
    /// <inheritdoc />
    public partial class ConversationsAndStreams : Migration
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
                name: "client_requests",
                columns: table => new
                {
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_req_id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    result_message_nr = table.Column<long>(type: "bigint", nullable: false),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_client_requests", x => new { x.account_id, x.client_req_id });
                    table.ForeignKey(
                        name: "fk_client_requests_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "conversations",
                columns: table => new
                {
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    creator_id = table.Column<Guid>(type: "uuid", nullable: false),
                    topic = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    topic_message_nr = table.Column<long>(type: "bigint", nullable: false),
                    last_message_nr = table.Column<long>(type: "bigint", nullable: false),
                    show_message_nr = table.Column<long>(type: "bigint", nullable: false),
                    last_inbox_nr = table.Column<long>(type: "bigint", nullable: false),
                    last_alert_message_nr = table.Column<long>(type: "bigint", nullable: false),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_message_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    mk_conv_type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    is_list = table.Column<bool>(type: "boolean", nullable: false),
                    is_autojoin = table.Column<bool>(type: "boolean", nullable: false),
                    autojoin_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    is_disclose = table.Column<bool>(type: "boolean", nullable: false),
                    is_url_preview_disabled = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conversations", x => x.conversation_id);
                    table.ForeignKey(
                        name: "fk_conversations_accounts_creator_id",
                        column: x => x.creator_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Restrict);
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

            migrationBuilder.CreateTable(
                name: "conversation_members",
                columns: table => new
                {
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    join_message_nr = table.Column<long>(type: "bigint", nullable: false),
                    begin_message_nr = table.Column<long>(type: "bigint", nullable: false),
                    history_end_message_nr = table.Column<long>(type: "bigint", nullable: false),
                    leave_message_nr = table.Column<long>(type: "bigint", nullable: true),
                    is_removed = table.Column<bool>(type: "boolean", nullable: false),
                    read_message_nr = table.Column<long>(type: "bigint", nullable: false),
                    read_inbox_nr = table.Column<long>(type: "bigint", nullable: false),
                    is_mark_unread = table.Column<bool>(type: "boolean", nullable: false),
                    send_message_nr = table.Column<long>(type: "bigint", nullable: false),
                    hide_message_nr = table.Column<long>(type: "bigint", nullable: false),
                    delete_message_nr = table.Column<long>(type: "bigint", nullable: false),
                    disclose_message_nr = table.Column<long>(type: "bigint", nullable: false),
                    mk_alert_level = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    snooze_interval = table.Column<long>(type: "bigint", nullable: false),
                    snooze_time = table.Column<long>(type: "bigint", nullable: false),
                    joined_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conversation_members", x => new { x.conversation_id, x.account_id });
                    table.ForeignKey(
                        name: "fk_conversation_members_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_conversation_members_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "conversation_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "messages",
                columns: table => new
                {
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_nr = table.Column<long>(type: "bigint", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    mk_message_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    mk_message_state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    message = table.Column<string>(type: "text", nullable: false),
                    subject = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    flow_message_nr = table.Column<long>(type: "bigint", nullable: true),
                    inbox_nr = table.Column<long>(type: "bigint", nullable: false),
                    prev_message_nr = table.Column<long>(type: "bigint", nullable: false),
                    ref_message_nr = table.Column<long>(type: "bigint", nullable: true),
                    posted_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    edited_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    edit_account_id = table.Column<Guid>(type: "uuid", nullable: true),
                    pin_weight = table.Column<double>(type: "double precision", nullable: true),
                    pinned_account_id = table.Column<Guid>(type: "uuid", nullable: true),
                    tasked_account_id = table.Column<Guid>(type: "uuid", nullable: true),
                    assignee_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    reactions = table.Column<string>(type: "jsonb", nullable: true),
                    is_url_preview_disabled = table.Column<bool>(type: "boolean", nullable: false),
                    client_req_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_messages", x => new { x.conversation_id, x.message_nr });
                    table.ForeignKey(
                        name: "fk_messages_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "conversation_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_conversation_members_account_id",
                table: "conversation_members",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_autojoin_key",
                table: "conversations",
                column: "autojoin_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_conversations_creator_id",
                table: "conversations",
                column: "creator_id");

            migrationBuilder.CreateIndex(
                name: "ix_messages_conversation_id_flow_message_nr",
                table: "messages",
                columns: new[] { "conversation_id", "flow_message_nr" });

            migrationBuilder.CreateIndex(
                name: "ix_messages_conversation_id_inbox_nr",
                table: "messages",
                columns: new[] { "conversation_id", "inbox_nr" });

            // Accounts created before streams existed get theirs, starting at the first horizon.
            migrationBuilder.Sql("INSERT INTO account_streams (account_id, last_event_nr) SELECT account_id, 1 FROM accounts ON CONFLICT DO NOTHING");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "account_streams");

            migrationBuilder.DropTable(
                name: "client_requests");

            migrationBuilder.DropTable(
                name: "conversation_members");

            migrationBuilder.DropTable(
                name: "messages");

            migrationBuilder.DropTable(
                name: "stream_events");

            migrationBuilder.DropTable(
                name: "conversations");
        }
    }
}
