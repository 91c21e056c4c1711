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
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122203150_Streams') THEN
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
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122203150_Streams') THEN
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
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122203150_Streams') THEN
    INSERT INTO account_streams (account_id, last_event_nr) SELECT account_id, 1 FROM accounts ON CONFLICT DO NOTHING
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations_history WHERE "migration_id" = '20261122203150_Streams') THEN
    INSERT INTO __ef_migrations_history (migration_id, product_version)
    VALUES ('20261122203150_Streams', '10.0.5');
    END IF;
END $EF$;
COMMIT;

