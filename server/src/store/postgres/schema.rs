//! The PostgreSQL schema: numbered steps recorded in `schema_version`, applied at start under an
//! advisory lock so that instances starting together do not race each other.

use tokio_postgres::Client;

use super::db_error;
use crate::store::StoreError;

/// Schema steps; `schema_version` holds one row per applied step. Never edit a step that has
/// shipped: databases in the field have run it; add a new one.
///
/// Step 1 is the SQLite schema at its version 4 in PostgreSQL types: times are integer
/// microseconds and ids the same as SQLite's, so rows copy across unchanged.
pub(super) const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE readers (
    id         BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE TABLE threads (
    id         BIGSERIAL PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    title      TEXT,
    url        TEXT,
    created_at BIGINT NOT NULL,
    last_event BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE comments (
    id             TEXT PRIMARY KEY,
    thread_id      BIGINT NOT NULL REFERENCES threads(id),
    parent_id      TEXT REFERENCES comments(id),
    reader_id      BIGINT NOT NULL REFERENCES readers(id),
    author         TEXT,
    body_md        TEXT NOT NULL,
    body_html      TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    deleted        BOOLEAN NOT NULL DEFAULT FALSE,
    upvotes        BIGINT NOT NULL DEFAULT 0,
    downvotes      BIGINT NOT NULL DEFAULT 0,
    edited_at      BIGINT,
    email          TEXT,
    client_token   TEXT,
    source         TEXT,
    pending_parent TEXT
);
CREATE INDEX comments_by_thread ON comments(thread_id, created_at, id);
CREATE INDEX comments_by_parent ON comments(parent_id, created_at, id);
CREATE UNIQUE INDEX comments_by_client_token ON comments(reader_id, client_token)
    WHERE client_token IS NOT NULL;
CREATE UNIQUE INDEX comments_by_source ON comments(source) WHERE source IS NOT NULL;
CREATE INDEX comments_waiting_for_parent ON comments(pending_parent)
    WHERE pending_parent IS NOT NULL;
CREATE TABLE votes (
    comment_id TEXT NOT NULL REFERENCES comments(id),
    reader_id  BIGINT NOT NULL REFERENCES readers(id),
    value      SMALLINT NOT NULL CHECK (value IN (-1, 1)),
    PRIMARY KEY (comment_id, reader_id)
);
CREATE TABLE events (
    thread_id  BIGINT NOT NULL REFERENCES threads(id),
    seq        BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    comment_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (thread_id, seq)
);
"#,
    // Moderation (store/moderation.rs): comment status and pins, the address a comment came
    // from, locked threads, moderators and their sessions, failed sign-ins, reports, bans and
    // the audit log.
    r#"
ALTER TABLE comments ADD COLUMN status TEXT NOT NULL DEFAULT 'visible';
ALTER TABLE comments ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE comments ADD COLUMN ip TEXT;
CREATE INDEX comments_by_status ON comments(status, created_at) WHERE status <> 'visible';
ALTER TABLE threads ADD COLUMN locked BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE moderators (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE TABLE mod_sessions (
    token_hash   TEXT PRIMARY KEY,
    moderator_id BIGINT NOT NULL REFERENCES moderators(id),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE TABLE sign_in_failures (
    name TEXT NOT NULL,
    at   BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_by_name ON sign_in_failures(name, at);
CREATE TABLE reports (
    comment_id TEXT NOT NULL REFERENCES comments(id),
    reader_id  BIGINT NOT NULL REFERENCES readers(id),
    reason     TEXT NOT NULL,
    note       TEXT,
    created_at BIGINT NOT NULL,
    dismissed  BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (comment_id, reader_id)
);
CREATE TABLE bans (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL,
    reader_id   BIGINT REFERENCES readers(id),
    comment_id  TEXT,
    ip_range    TEXT,
    range_shown BOOLEAN NOT NULL DEFAULT FALSE,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT,
    reason      TEXT,
    lifted_at   BIGINT
);
CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    moderator   TEXT NOT NULL,
    action      TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target      TEXT NOT NULL,
    detail      TEXT,
    reason      TEXT,
    created_at  BIGINT NOT NULL
);
"#,
    // Abuse limits (store/limits.rs): fixed-window counters and short-lived marks of recent
    // posts, shared by every instance.
    r#"
CREATE TABLE limit_counters (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX limit_counters_expiry ON limit_counters(expires_at);
CREATE TABLE limit_marks (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX limit_marks_expiry ON limit_marks(expires_at);
"#,
    // Sign-in through the site (one reader per site account) and reply notifications
    // (confirmed addresses, the outbox); see store/identity.rs and store/notify.rs.
    r#"
ALTER TABLE readers ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX readers_by_external_id ON readers(external_id) WHERE external_id IS NOT NULL;
CREATE TABLE notify_addresses (
    email             TEXT PRIMARY KEY,
    confirm_token     TEXT NOT NULL UNIQUE,
    unsubscribe_token TEXT NOT NULL UNIQUE,
    created_at        BIGINT NOT NULL,
    confirm_sent_at   BIGINT NOT NULL,
    confirmed_at      BIGINT,
    unsubscribed_at   BIGINT
);
CREATE TABLE notify_outbox (
    id              BIGSERIAL PRIMARY KEY,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    unsubscribe_url TEXT,
    created_at      BIGINT NOT NULL,
    next_try_at     BIGINT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    sent_at         BIGINT,
    failed_at       BIGINT,
    last_error      TEXT
);
CREATE INDEX notify_outbox_due ON notify_outbox(next_try_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
"#,
];

/// Key of the advisory lock held while migrating ("talkback" in ASCII).
const MIGRATION_LOCK: i64 = 0x7461_6c6b_6261_636b;

/// Applies the missing steps and stores an instance secret if there is none, in one
/// transaction: a second instance waits on the lock and then finds nothing left to do.
pub(super) async fn migrate(client: &mut Client, secret: &str) -> Result<(), StoreError> {
    let tx = client
        .transaction()
        .await
        .map_err(|e| db_error("cannot start the migration", &e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(|e| db_error("cannot take the migration lock", &e))?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
             version    INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )
    .await
    .map_err(|e| db_error("cannot create schema_version", &e))?;
    let version: i32 = tx
        .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
        .await
        .map_err(|e| db_error("cannot read schema_version", &e))?
        .get(0);
    let known = MIGRATIONS.len();
    let applied = usize::try_from(version).unwrap_or(0);
    if applied > known {
        return Err(StoreError::Database(format!(
            "the database has schema version {version}, newer than this server knows ({known}); upgrade talkback-server"
        )));
    }
    for (step, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let number = i32::try_from(step + 1).unwrap_or(i32::MAX);
        tx.batch_execute(sql)
            .await
            .map_err(|e| db_error(&format!("schema step {number} failed"), &e))?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&number],
        )
        .await
        .map_err(|e| db_error("cannot record the schema version", &e))?;
    }
    tx.execute(
        "INSERT INTO settings (name, value) VALUES ('instance_secret', $1)
         ON CONFLICT (name) DO NOTHING",
        &[&secret],
    )
    .await
    .map_err(|e| db_error("cannot store the instance secret", &e))?;
    tx.commit()
        .await
        .map_err(|e| db_error("cannot commit the migration", &e))
}
