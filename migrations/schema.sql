CREATE TABLE IF NOT EXISTS __ef_migrations_history (
    migration_id character varying(150) NOT NULL,
    product_version character varying(32) NOT NULL,
    CONSTRAINT pk___ef_migrations_history PRIMARY KEY (migration_id)
);

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122201302_Accounts') THEN
    CREATE TABLE accounts (
        account_id uuid NOT NULL,
        email character varying(1024) NOT NULL,
        email_key character varying(1024) NOT NULL,
        display_name character varying(128) NOT NULL,
        password_hash text,
        mk_account_status character varying(16) NOT NULL,
        phone_nr character varying(16),
        mk_email_interval character varying(16) NOT NULL,
        client_settings character varying(1024),
        client_flags text[] NOT NULL,
        is_full_privacy boolean NOT NULL,
        is_newsletter_disabled boolean NOT NULL,
        is_automute_enabled boolean NOT NULL,
        fleep_address character varying(128) NOT NULL,
        fleep_autogen character varying(128) NOT NULL,
        created_time timestamp with time zone NOT NULL,
        activated_time timestamp with time zone,
        failed_login_count integer NOT NULL,
        lockout_end timestamp with time zone,
        CONSTRAINT pk_accounts PRIMARY KEY (account_id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122201302_Accounts') THEN
    CREATE TABLE sessions (
        session_id uuid NOT NULL,
        account_id uuid NOT NULL,
        token_hash bytea NOT NULL,
        ticket_hash bytea NOT NULL,
        remember_me boolean NOT NULL,
        created_time timestamp with time zone NOT NULL,
        last_seen_time timestamp with time zone NOT NULL,
        revoked_time timestamp with time zone,
        CONSTRAINT pk_sessions PRIMARY KEY (session_id),
        CONSTRAINT fk_sessions_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122201302_Accounts') THEN
    CREATE UNIQUE INDEX ix_accounts_email_key ON accounts (email_key);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122201302_Accounts') THEN
    CREATE UNIQUE INDEX ix_accounts_fleep_address ON accounts (fleep_address);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122201302_Accounts') THEN
    CREATE INDEX ix_sessions_account_id ON sessions (account_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122201302_Accounts') THEN
    CREATE UNIQUE INDEX ix_sessions_token_hash ON sessions (token_hash);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122201302_Accounts') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261122201302_Accounts', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122205501_ConversationsAndStreams') THEN
    CREATE TABLE account_streams (
        account_id uuid NOT NULL,
        last_event_nr bigint NOT NULL,
        CONSTRAINT pk_account_streams PRIMARY KEY (account_id),
        CONSTRAINT fk_account_streams_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122205501_ConversationsAndStreams') THEN
    CREATE TABLE client_requests (
        account_id uuid NOT NULL,
        client_req_id uuid NOT NULL,
        conversation_id uuid NOT NULL,
        result_message_nr bigint NOT NULL,
        created_time timestamp with time zone NOT NULL,
        CONSTRAINT pk_client_requests PRIMARY KEY (account_id, client_req_id),
        CONSTRAINT fk_client_requests_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122205501_ConversationsAndStreams') THEN
    CREATE TABLE conversations (
        conversation_id uuid NOT NULL,
        creator_id uuid NOT NULL,
        topic character varying(1024) NOT NULL,
        topic_message_nr bigint NOT NULL,
        last_message_nr bigint NOT NULL,
        show_message_nr bigint NOT NULL,
        last_inbox_nr bigint NOT NULL,
        last_alert_message_nr bigint NOT NULL,
        created_time timestamp with time zone NOT NULL,
        last_message_time timestamp with time zone NOT NULL,
        mk_conv_type character varying(16) NOT NULL,
        is_list boolean NOT NULL,
        is_autojoin boolean NOT NULL,
        autojoin_key character varying(64) NOT NULL,
        is_disclose boolean NOT NULL,
        is_url_preview_disabled boolean NOT NULL,
        CONSTRAINT pk_conversations PRIMARY KEY (conversation_id),
        CONSTRAINT fk_conversations_accounts_creator_id FOREIGN KEY (creator_id) REFERENCES accounts (account_id) ON DELETE RESTRICT
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122205501_ConversationsAndStreams') THEN
    CREATE TABLE stream_events (
        account_id uuid NOT NULL,
        event_nr bigint NOT NULL,
        mk_rec_type character varying(32) NOT NULL,
        payload json NOT NULL,
        created_time timestamp with time zone NOT NULL,
        CONSTRAINT pk_stream_events PRIMARY KEY (account_id, event_nr),
        CONSTRAINT fk_stream_events_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122205501_ConversationsAndStreams') THEN
    CREATE TABLE conversation_members (
        conversation_id uuid NOT NULL,
        account_id uuid NOT NULL,
        join_message_nr bigint NOT NULL,
        begin_message_nr bigint NOT NULL,
        history_end_message_nr bigint NOT NULL,
        leave_message_nr bigint,
        is_removed boolean NOT NULL,
        read_message_nr bigint NOT NULL,
        read_inbox_nr bigint NOT NULL,
        is_mark_unread boolean NOT NULL,
        send_message_nr bigint NOT NULL,
        hide_message_nr bigint NOT NULL,
        delete_message_nr bigint NOT NULL,
        disclose_message_nr bigint NOT NULL,
        mk_alert_level character varying(16) NOT NULL,
        snooze_interval bigint NOT NULL,
        snooze_time bigint NOT NULL,
        joined_time timestamp with time zone NOT NULL,
        CONSTRAINT pk_conversation_members PRIMARY KEY (conversation_id, account_id),
        CONSTRAINT fk_conversation_members_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE,
        CONSTRAINT fk_conversation_members_conversations_conversation_id FOREIGN KEY (conversation_id) REFERENCES conversations (conversation_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122205501_ConversationsAndStreams') THEN
    CREATE TABLE messages (
        conversation_id uuid NOT NULL,
        message_nr bigint NOT NULL,
        account_id uuid NOT NULL,
        mk_message_type character varying(32) NOT NULL,
        mk_message_state character varying(16) NOT NULL,
        message text NOT NULL,
        subject character varying(1024),
        tags text[] NOT NULL,
        flow_message_nr bigint,
        inbox_nr bigint NOT NULL,
        prev_message_nr bigint NOT NULL,
        ref_message_nr bigint,
        posted_time timestamp with time zone NOT NULL,
        edited_time timestamp with time zone,
        edit_account_id uuid,
        pin_weight double precision,
        pinned_account_id uuid,
        tasked_account_id uuid,
        assignee_ids uuid[] NOT NULL,
        reactions jsonb,
        is_url_preview_disabled boolean NOT NULL,
        client_req_id uuid,
        CONSTRAINT pk_messages PRIMARY KEY (conversation_id, message_nr),
        CONSTRAINT fk_messages_conversations_conversation_id FOREIGN KEY (conversation_id) REFERENCES conversations (conversation_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122205501_ConversationsAndStreams') THEN
    CREATE INDEX ix_conversation_members_account_id ON conversation_members (account_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122205501_ConversationsAndStreams') THEN
    CREATE UNIQUE INDEX ix_conversations_autojoin_key ON conversations (autojoin_key);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122205501_ConversationsAndStreams') THEN
    CREATE INDEX ix_conversations_creator_id ON conversations (creator_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122205501_ConversationsAndStreams') THEN
    CREATE INDEX ix_messages_conversation_id_flow_message_nr ON messages (conversation_id, flow_message_nr);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122205501_ConversationsAndStreams') THEN
    CREATE INDEX ix_messages_conversation_id_inbox_nr ON messages (conversation_id, inbox_nr);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122205501_ConversationsAndStreams') THEN
    INSERT INTO account_streams (account_id, last_event_nr) SELECT account_id, 1 FROM accounts ON CONFLICT DO NOTHING
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122205501_ConversationsAndStreams') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261122205501_ConversationsAndStreams', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122214447_WritingPens') THEN
    ALTER TABLE conversation_members ADD writing_message_nr bigint;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122214447_WritingPens') THEN
    ALTER TABLE conversation_members ADD writing_until timestamp with time zone;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122214447_WritingPens') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261122214447_WritingPens', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE sessions ADD device_token text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE sessions ADD mk_device_type text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE messages ADD is_spam boolean NOT NULL DEFAULT FALSE;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE messages ADD lock_account_id uuid;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE messages ADD locked_until timestamp with time zone;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE messages ADD section_id uuid;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE messages ADD task_weight double precision;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE conversations ADD default_call_room text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE conversation_members ADD has_done_notifications boolean NOT NULL DEFAULT FALSE;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE client_requests ALTER COLUMN conversation_id DROP NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE client_requests ADD mk_event_type text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE client_requests ADD result_account_id uuid;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE accounts ADD activity_time timestamp with time zone;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE accounts ADD delete_requested_time timestamp with time zone;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE accounts ADD mk_push_new_message text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE accounts ADD sleep_interval bigint NOT NULL DEFAULT 1;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE accounts ADD status_emoji text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    ALTER TABLE accounts ADD status_message text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    CREATE TABLE contacts (
        owner_id uuid NOT NULL,
        contact_id uuid NOT NULL,
        contact_name character varying(1024),
        phone_nr character varying(1024),
        is_hidden boolean NOT NULL,
        is_unlisted boolean NOT NULL,
        is_imported boolean NOT NULL,
        dialog_id uuid,
        created_time timestamp with time zone NOT NULL,
        CONSTRAINT pk_contacts PRIMARY KEY (owner_id, contact_id),
        CONSTRAINT fk_contacts_accounts_contact_id FOREIGN KEY (contact_id) REFERENCES accounts (account_id) ON DELETE CASCADE,
        CONSTRAINT fk_contacts_accounts_owner_id FOREIGN KEY (owner_id) REFERENCES accounts (account_id) ON DELETE CASCADE,
        CONSTRAINT fk_contacts_conversations_dialog_id FOREIGN KEY (dialog_id) REFERENCES conversations (conversation_id) ON DELETE SET NULL
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    CREATE INDEX ix_conversation_members_writing_until ON conversation_members (writing_until) WHERE writing_until IS NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    CREATE INDEX ix_contacts_contact_id ON contacts (contact_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    CREATE INDEX ix_contacts_dialog_id ON contacts (dialog_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122233748_ContactsAndEvents') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261122233748_ContactsAndEvents', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130013936_StreamEventsBelongToStreamHeads') THEN
    ALTER TABLE stream_events DROP CONSTRAINT fk_stream_events_accounts_account_id;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130013936_StreamEventsBelongToStreamHeads') THEN
    ALTER TABLE stream_events ADD CONSTRAINT fk_stream_events_account_streams_account_id FOREIGN KEY (account_id) REFERENCES account_streams (account_id) ON DELETE CASCADE;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130013936_StreamEventsBelongToStreamHeads') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261130013936_StreamEventsBelongToStreamHeads', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130035403_Hooks') THEN
    ALTER TABLE messages ADD hook_key character varying(32);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130035403_Hooks') THEN
    ALTER TABLE messages ADD message_key character varying(1024);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130035403_Hooks') THEN
    ALTER TABLE messages ADD sender_name character varying(1024);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130035403_Hooks') THEN
    ALTER TABLE conversations ADD has_outgoing_hooks boolean NOT NULL DEFAULT FALSE;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130035403_Hooks') THEN
    CREATE TABLE hooks (
        hook_id uuid NOT NULL,
        conversation_id uuid NOT NULL,
        account_id uuid NOT NULL,
        hook_key character varying(32) NOT NULL,
        token_hash bytea NOT NULL,
        hook_name character varying(1024) NOT NULL,
        mk_hook_type character varying(32) NOT NULL,
        is_active boolean NOT NULL,
        outgoing_url character varying(2048) NOT NULL,
        outgoing_disabled boolean NOT NULL,
        outgoing_disable_reason character varying(1024),
        outgoing_failures integer NOT NULL,
        external_account_id uuid,
        external_object_id character varying(1024),
        created_time timestamp with time zone NOT NULL,
        base_url character varying(2048) NOT NULL,
        CONSTRAINT pk_hooks PRIMARY KEY (hook_id),
        CONSTRAINT fk_hooks_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE,
        CONSTRAINT fk_hooks_conversations_conversation_id FOREIGN KEY (conversation_id) REFERENCES conversations (conversation_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130035403_Hooks') THEN
    CREATE TABLE hook_deliveries (
        delivery_id bigint GENERATED BY DEFAULT AS IDENTITY,
        hook_id uuid NOT NULL,
        conversation_id uuid NOT NULL,
        message_nr bigint NOT NULL,
        attempts integer NOT NULL,
        next_attempt_time timestamp with time zone NOT NULL,
        created_time timestamp with time zone NOT NULL,
        last_error character varying(1024),
        CONSTRAINT pk_hook_deliveries PRIMARY KEY (delivery_id),
        CONSTRAINT fk_hook_deliveries_hooks_hook_id FOREIGN KEY (hook_id) REFERENCES hooks (hook_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130035403_Hooks') THEN
    CREATE UNIQUE INDEX ix_messages_conversation_id_hook_key_message_key ON messages (conversation_id, hook_key, message_key) WHERE message_key IS NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130035403_Hooks') THEN
    CREATE INDEX ix_hook_deliveries_hook_id_delivery_id ON hook_deliveries (hook_id, delivery_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130035403_Hooks') THEN
    CREATE INDEX ix_hook_deliveries_next_attempt_time ON hook_deliveries (next_attempt_time);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130035403_Hooks') THEN
    CREATE INDEX ix_hooks_account_id ON hooks (account_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130035403_Hooks') THEN
    CREATE UNIQUE INDEX ix_hooks_conversation_id_hook_key ON hooks (conversation_id, hook_key);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130035403_Hooks') THEN
    CREATE UNIQUE INDEX ix_hooks_token_hash ON hooks (token_hash);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130035403_Hooks') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261130035403_Hooks', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130040415_ReminderClicks') THEN
    CREATE TABLE reminder_clicks (
        account_id uuid NOT NULL,
        reminder_id uuid NOT NULL,
        clicked_time timestamp with time zone NOT NULL,
        CONSTRAINT pk_reminder_clicks PRIMARY KEY (account_id, reminder_id),
        CONSTRAINT fk_reminder_clicks_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130040415_ReminderClicks') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261130040415_ReminderClicks', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130090803_Files') THEN
    ALTER TABLE messages ADD files jsonb;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130090803_Files') THEN
    ALTER TABLE accounts ADD avatar jsonb;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130090803_Files') THEN
    CREATE TABLE uploads (
        upload_id uuid NOT NULL,
        account_id uuid NOT NULL,
        file_name character varying(1024) NOT NULL,
        facts jsonb NOT NULL,
        created_time timestamp with time zone NOT NULL,
        CONSTRAINT pk_uploads PRIMARY KEY (upload_id),
        CONSTRAINT fk_uploads_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130090803_Files') THEN
    CREATE INDEX ix_messages_with_files ON messages (conversation_id, message_nr) WHERE files IS NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130090803_Files') THEN
    CREATE INDEX ix_uploads_account_id ON uploads (account_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130090803_Files') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261130090803_Files', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130091621_ExternalUploads') THEN
    CREATE TABLE external_uploads (
        request_id uuid NOT NULL,
        account_id uuid NOT NULL,
        conversation_id uuid,
        file_url character varying(2048) NOT NULL,
        file_name character varying(2048) NOT NULL,
        file_size bigint NOT NULL,
        file_origin character varying(1024),
        upload_id character varying(1024),
        attempts integer NOT NULL,
        next_attempt_time timestamp with time zone NOT NULL,
        created_time timestamp with time zone NOT NULL,
        last_error character varying(1024),
        CONSTRAINT pk_external_uploads PRIMARY KEY (request_id),
        CONSTRAINT fk_external_uploads_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130091621_ExternalUploads') THEN
    CREATE INDEX ix_external_uploads_account_id ON external_uploads (account_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130091621_ExternalUploads') THEN
    CREATE INDEX ix_external_uploads_next_attempt_time ON external_uploads (next_attempt_time);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130091621_ExternalUploads') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261130091621_ExternalUploads', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130101329_TeamsAndLabels') THEN
    ALTER TABLE conversations ADD team_ids uuid[] NOT NULL DEFAULT ('{}');
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130101329_TeamsAndLabels') THEN
    ALTER TABLE conversation_members ADD in_own_right boolean NOT NULL DEFAULT TRUE;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130101329_TeamsAndLabels') THEN
    ALTER TABLE conversation_members ADD label_ids uuid[] NOT NULL DEFAULT ('{}');
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130101329_TeamsAndLabels') THEN
    ALTER TABLE conversation_members ADD via_team_ids uuid[] NOT NULL DEFAULT ('{}');
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130101329_TeamsAndLabels') THEN
    CREATE TABLE labels (
        label_id uuid NOT NULL,
        account_id uuid NOT NULL,
        label character varying(1024) NOT NULL,
        index bigint NOT NULL,
        mk_label_type character varying(16) NOT NULL,
        mk_label_subtype character varying(32) NOT NULL,
        mk_label_status character varying(16) NOT NULL,
        is_on_left_pane boolean NOT NULL,
        is_in_recent boolean NOT NULL,
        is_in_muted boolean NOT NULL,
        created_time timestamp with time zone NOT NULL,
        CONSTRAINT pk_labels PRIMARY KEY (label_id),
        CONSTRAINT fk_labels_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130101329_TeamsAndLabels') THEN
    CREATE TABLE teams (
        team_id uuid NOT NULL,
        team_name character varying(1024) NOT NULL,
        creator_id uuid NOT NULL,
        members uuid[] NOT NULL,
        admins uuid[] NOT NULL,
        is_autojoin boolean NOT NULL,
        autojoin_key character varying(64) NOT NULL,
        is_deleted boolean NOT NULL,
        team_version_nr bigint NOT NULL,
        created_time timestamp with time zone NOT NULL,
        CONSTRAINT pk_teams PRIMARY KEY (team_id),
        CONSTRAINT fk_teams_accounts_creator_id FOREIGN KEY (creator_id) REFERENCES accounts (account_id) ON DELETE RESTRICT
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130101329_TeamsAndLabels') THEN
    CREATE INDEX ix_conversations_team_ids ON conversations USING gin (team_ids);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130101329_TeamsAndLabels') THEN
    CREATE INDEX ix_labels_account_id ON labels (account_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130101329_TeamsAndLabels') THEN
    CREATE UNIQUE INDEX ix_teams_autojoin_key ON teams (autojoin_key);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130101329_TeamsAndLabels') THEN
    CREATE INDEX ix_teams_creator_id ON teams (creator_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130101329_TeamsAndLabels') THEN
    CREATE INDEX ix_teams_members ON teams USING gin (members);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130101329_TeamsAndLabels') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261130101329_TeamsAndLabels', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    ALTER TABLE messages ADD message_id uuid NOT NULL DEFAULT (gen_random_uuid());
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    ALTER TABLE messages ADD CONSTRAINT ak_messages_message_id UNIQUE (message_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    CREATE EXTENSION IF NOT EXISTS btree_gin;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    CREATE OR REPLACE FUNCTION fleep_search_config() RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 'simple'::regconfig $$;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    CREATE OR REPLACE FUNCTION fleep_search_text(xml text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT replace(replace(replace(replace(replace(replace(
        regexp_replace(coalesce(xml, ''), '<[^>]*>', ' ', 'g'),
        '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&apos;', ''''), '&#39;', ''''), '&amp;', '&')
    $$;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    CREATE OR REPLACE FUNCTION fleep_search_document(mk_message_type text, subject text, message text, files jsonb)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN mk_message_type IN ('text', 'email') THEN
          setweight(to_tsvector(fleep_search_config(), coalesce(subject, '')), 'A')
          || setweight(to_tsvector(fleep_search_config(), fleep_search_text(message)), 'B')
          || setweight(to_tsvector(fleep_search_config(), coalesce((
               SELECT string_agg(f ->> 'FileName', ' ')
               FROM jsonb_array_elements(CASE WHEN jsonb_typeof(files) = 'array' THEN files ELSE '[]'::jsonb END) f
               WHERE NOT coalesce((f ->> 'IsDeleted')::boolean, false)), '')), 'C')
        ELSE ''::tsvector END
    $$;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    ALTER TABLE messages ADD COLUMN search_vector tsvector
      GENERATED ALWAYS AS (fleep_search_document(mk_message_type, subject, message, files)) STORED;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    CREATE INDEX ix_messages_search ON messages USING gin (conversation_id, search_vector);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    CREATE TABLE my_messages (
        message_id uuid NOT NULL,
        account_id uuid NOT NULL,
        kind character varying(16) NOT NULL,
        message text NOT NULL,
        canned_name character varying(1024),
        files jsonb,
        section_id uuid,
        task_weight double precision,
        mk_message_state character varying(16) NOT NULL,
        is_archived boolean NOT NULL,
        is_deleted boolean NOT NULL,
        posted_time timestamp with time zone NOT NULL,
        store_time timestamp with time zone NOT NULL,
        CONSTRAINT pk_my_messages PRIMARY KEY (message_id),
        CONSTRAINT fk_my_messages_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    CREATE TABLE my_task_places (
        account_id uuid NOT NULL,
        message_id uuid NOT NULL,
        section_id uuid,
        task_weight double precision,
        is_archived boolean NOT NULL,
        store_time timestamp with time zone NOT NULL,
        CONSTRAINT pk_my_task_places PRIMARY KEY (account_id, message_id),
        CONSTRAINT fk_my_task_places_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE,
        CONSTRAINT fk_my_task_places_messages_message_id FOREIGN KEY (message_id) REFERENCES messages (message_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    CREATE TABLE sections (
        section_id uuid NOT NULL,
        conversation_id uuid,
        account_id uuid,
        name character varying(1024) NOT NULL,
        mk_section_type character varying(16) NOT NULL,
        mk_section_subtype character varying(16) NOT NULL,
        weight double precision NOT NULL,
        is_deleted boolean NOT NULL,
        created_time timestamp with time zone NOT NULL,
        store_time timestamp with time zone NOT NULL,
        CONSTRAINT pk_sections PRIMARY KEY (section_id),
        CONSTRAINT ck_sections_one_board CHECK ((conversation_id IS NULL) <> (account_id IS NULL)),
        CONSTRAINT fk_sections_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE,
        CONSTRAINT fk_sections_conversations_conversation_id FOREIGN KEY (conversation_id) REFERENCES conversations (conversation_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    CREATE INDEX ix_my_messages_account_id_kind_store_time_message_id ON my_messages (account_id, kind, store_time, message_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    CREATE INDEX ix_my_task_places_message_id ON my_task_places (message_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    CREATE INDEX ix_sections_account_id ON sections (account_id) WHERE account_id IS NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    CREATE INDEX ix_sections_conversation_id ON sections (conversation_id) WHERE conversation_id IS NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120318_SearchAndBoards') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261130120318_SearchAndBoards', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120648_BoardFlags') THEN
    ALTER TABLE conversations ADD has_pinboard boolean NOT NULL DEFAULT FALSE;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120648_BoardFlags') THEN
    ALTER TABLE conversations ADD has_task_archive boolean NOT NULL DEFAULT FALSE;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120648_BoardFlags') THEN
    ALTER TABLE conversations ADD has_taskboard boolean NOT NULL DEFAULT FALSE;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120648_BoardFlags') THEN
    UPDATE conversations c SET
      has_pinboard = EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.conversation_id
        AND 'pin' = ANY (m.tags) AND m.mk_message_state <> 'deleted'),
      has_taskboard = EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.conversation_id
        AND 'is_task' = ANY (m.tags) AND NOT 'is_archived' = ANY (m.tags) AND m.mk_message_state <> 'deleted'),
      has_task_archive = EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.conversation_id
        AND 'is_task' = ANY (m.tags) AND 'is_archived' = ANY (m.tags) AND m.mk_message_state <> 'deleted');
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130120648_BoardFlags') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261130120648_BoardFlags', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130121824_Mail') THEN
    CREATE TABLE mail_outbox (
        mail_id bigint GENERATED BY DEFAULT AS IDENTITY,
        kind character varying(32) NOT NULL,
        to_address character varying(1024) NOT NULL,
        to_name character varying(1024),
        subject character varying(1024) NOT NULL,
        text_body text NOT NULL,
        html_body text NOT NULL,
        attempts integer NOT NULL,
        next_attempt_time timestamp with time zone NOT NULL DEFAULT (now()),
        created_time timestamp with time zone NOT NULL,
        last_error character varying(1024),
        CONSTRAINT pk_mail_outbox PRIMARY KEY (mail_id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130121824_Mail') THEN
    CREATE TABLE notifications (
        id_hash character varying(64) NOT NULL,
        purpose character varying(32) NOT NULL,
        account_id uuid,
        email character varying(1024) NOT NULL,
        email_key character varying(1024) NOT NULL,
        code_hash character varying(64),
        created_time timestamp with time zone NOT NULL,
        expires_time timestamp with time zone NOT NULL,
        used_time timestamp with time zone,
        CONSTRAINT pk_notifications PRIMARY KEY (id_hash),
        CONSTRAINT fk_notifications_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130121824_Mail') THEN
    CREATE INDEX ix_mail_outbox_next_attempt_time_mail_id ON mail_outbox (next_attempt_time, mail_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130121824_Mail') THEN
    CREATE INDEX ix_notifications_account_id ON notifications (account_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130121824_Mail') THEN
    CREATE INDEX ix_notifications_email_key_purpose_created_time ON notifications (email_key, purpose, created_time);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130121824_Mail') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261130121824_Mail', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130135800_MessagesByPostedTime') THEN
    CREATE INDEX ix_messages_posted_time ON messages (posted_time);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130135800_MessagesByPostedTime') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261130135800_MessagesByPostedTime', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130150734_EmailAliases') THEN
    ALTER TABLE accounts ADD alias_account_ids uuid[] NOT NULL DEFAULT ('{}'::uuid[]);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130150734_EmailAliases') THEN
    ALTER TABLE accounts ADD alias_of_account_id uuid;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130150734_EmailAliases') THEN
    CREATE INDEX ix_accounts_alias_of_account_id ON accounts (alias_of_account_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130150734_EmailAliases') THEN
    ALTER TABLE accounts ADD CONSTRAINT fk_accounts_accounts_alias_of_account_id FOREIGN KEY (alias_of_account_id) REFERENCES accounts (account_id) ON DELETE SET NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130150734_EmailAliases') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261130150734_EmailAliases', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130150925_SearchPeopleAndTopics') THEN
    CREATE OR REPLACE FUNCTION fleep_search_person(display_name text, email text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT to_tsvector(fleep_search_config(),
        concat_ws(' ', display_name, email, translate(email, '@.', '  '), translate(email, '@.-_+', '     ')))
    $$;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130150925_SearchPeopleAndTopics') THEN
    CREATE INDEX ix_accounts_search ON accounts USING gin (fleep_search_person(display_name, email));
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130150925_SearchPeopleAndTopics') THEN
    CREATE INDEX ix_conversations_topic_search ON conversations USING gin (to_tsvector(fleep_search_config(), topic));
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130150925_SearchPeopleAndTopics') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261130150925_SearchPeopleAndTopics', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130151027_DigestWindows') THEN
    CREATE TABLE digest_windows (
        account_id uuid NOT NULL,
        window_start timestamp with time zone NOT NULL,
        covered_until timestamp with time zone,
        sent_time timestamp with time zone,
        CONSTRAINT pk_digest_windows PRIMARY KEY (account_id),
        CONSTRAINT fk_digest_windows_accounts_account_id FOREIGN KEY (account_id) REFERENCES accounts (account_id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130151027_DigestWindows') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261130151027_DigestWindows', '10.0.5');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130171327_MessagesTasks') THEN
    CREATE INDEX ix_messages_tasks ON messages (conversation_id, message_nr) WHERE mk_message_state IN ('todo', 'done');
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261130171327_MessagesTasks') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261130171327_MessagesTasks', '10.0.5');
    END IF;
END $EF$;
COMMIT;

