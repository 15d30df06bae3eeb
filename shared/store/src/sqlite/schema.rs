//! The SQLite schema and its migrations, applied in order on open (`PRAGMA user_version`).
//!
//! Tables mirror the DynamoDB items (docs/data-model.md): every admin-owned row has the admin
//! in its primary key, and the DynamoDB GSIs become ordinary (partial) indexes.

use rusqlite::Connection;

use crate::StoreError;

/// Each entry moves the schema one version up. Never edit a shipped entry; append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
    CREATE TABLE admins (
        id          INTEGER PRIMARY KEY,
        nickname    TEXT NOT NULL,
        scopes      TEXT NOT NULL,          -- JSON array of scope ids
        status      TEXT NOT NULL,          -- active | needs_consent | needs_login
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    ) STRICT;
    -- The active_admins GSI: only active admins, walked in id order.
    CREATE INDEX admins_active ON admins (id) WHERE status = 'active';

    CREATE TABLE tokens (
        admin               INTEGER PRIMARY KEY REFERENCES admins (id),
        sealed              BLOB NOT NULL,  -- access + refresh token, sealed for this admin
        access_expires_at   TEXT NOT NULL,
        refresh_expires_at  TEXT NOT NULL,
        scopes              TEXT NOT NULL,
        version             INTEGER NOT NULL,
        updated_at          TEXT NOT NULL
    ) STRICT;

    CREATE TABLE oauth_states (
        nonce       TEXT PRIMARY KEY,
        body        TEXT NOT NULL,          -- JSON OAuthState
        expires_at  TEXT NOT NULL
    ) STRICT;

    CREATE TABLE friends (
        admin          INTEGER NOT NULL,
        uuid           TEXT NOT NULL,
        kakao_id       INTEGER,
        nickname       TEXT NOT NULL,
        thumbnail_url  TEXT,
        favorite       INTEGER NOT NULL,
        first_seen     TEXT NOT NULL,
        synced_at      TEXT NOT NULL,
        gone_at        TEXT,
        PRIMARY KEY (admin, uuid)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE friend_syncs (
        admin  INTEGER PRIMARY KEY,
        body   TEXT NOT NULL                -- JSON SyncReport
    ) STRICT;

    CREATE TABLE meetings (
        admin       INTEGER NOT NULL,
        id          TEXT NOT NULL,
        draft       TEXT NOT NULL,          -- JSON MeetingDraft (extensible without migration)
        version     INTEGER NOT NULL,
        zoom_id     TEXT,
        due_shard   INTEGER,                -- set only while a round is due (the sparse index)
        due_at      TEXT,
        due_round   INTEGER,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (admin, id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX meetings_due ON meetings (due_shard, due_at) WHERE due_at IS NOT NULL;
    CREATE INDEX meetings_zoom ON meetings (zoom_id) WHERE zoom_id IS NOT NULL;

    CREATE TABLE invitees (
        admin    INTEGER NOT NULL,
        meeting  TEXT NOT NULL,
        friend   TEXT NOT NULL,
        body     TEXT NOT NULL,             -- JSON Invitee
        PRIMARY KEY (admin, meeting, friend)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE attendance (
        admin            INTEGER NOT NULL,
        meeting          TEXT NOT NULL,
        friend           TEXT NOT NULL,
        first_joined_at  TEXT NOT NULL,
        source           TEXT NOT NULL,
        PRIMARY KEY (admin, meeting, friend)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE deliveries (
        admin        INTEGER NOT NULL,
        meeting      TEXT NOT NULL,
        recipient    TEXT NOT NULL,
        round        INTEGER NOT NULL,
        state        TEXT NOT NULL,
        code         INTEGER,               -- Kakao's code when failed
        day          TEXT NOT NULL,         -- the Kakao day its slots came from
        holds_quota  INTEGER NOT NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        PRIMARY KEY (admin, meeting, recipient, round)
    ) STRICT, WITHOUT ROWID;
    -- The friend_sends GSI.
    CREATE INDEX deliveries_by_friend ON deliveries (admin, recipient, meeting, round);

    CREATE TABLE quota (
        kind        TEXT NOT NULL,          -- app | sender | recipient | pair
        subject     TEXT NOT NULL,          -- '' | admin | uuid | admin#uuid
        day         TEXT NOT NULL,
        used        INTEGER NOT NULL,
        expires_at  TEXT NOT NULL,          -- the TTL: two days after the day ends
        PRIMARY KEY (kind, subject, day)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 2: tracked-link tokens, opt-outs, unmatched participants (meetings and attendance).
    r#"
    CREATE TABLE link_tokens (
        token       TEXT PRIMARY KEY,
        admin       INTEGER NOT NULL,
        meeting     TEXT NOT NULL,
        friend      TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL           -- refused after, purged after (the TTL)
    ) STRICT;
    -- One token per invitee and meeting (the pointer item in DynamoDB).
    CREATE UNIQUE INDEX link_tokens_by_invitee ON link_tokens (admin, meeting, friend);

    CREATE TABLE opt_outs (
        admin   INTEGER NOT NULL,
        friend  TEXT NOT NULL,
        at      TEXT NOT NULL,
        source  TEXT NOT NULL,              -- reminder_link | onboarding
        PRIMARY KEY (admin, friend)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE unmatched_participants (
        admin         INTEGER NOT NULL,
        meeting       TEXT NOT NULL,
        display_name  TEXT NOT NULL,
        body          TEXT NOT NULL,        -- JSON UnmatchedParticipant
        PRIMARY KEY (admin, meeting, display_name)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 3: clients who joined through an invite link, and unlink marks.
    r#"
    CREATE TABLE clients (
        id          INTEGER PRIMARY KEY,
        status      TEXT NOT NULL,          -- joined | unlinked
        scopes      TEXT NOT NULL,          -- JSON array of scope ids (empty once unlinked)
        invited_by  TEXT NOT NULL,          -- JSON array of admin ids (empty once unlinked)
        updated_at  TEXT NOT NULL
    ) STRICT;
    "#,
    // 4: admin preferences (the round summary memo).
    r#"
    CREATE TABLE admin_preferences (
        admin       INTEGER PRIMARY KEY,
        body        TEXT NOT NULL,          -- JSON AdminPreferences
        updated_at  TEXT NOT NULL
    ) STRICT;
    "#,
    // 5: sessions that began before a logout are over.
    r#"
    ALTER TABLE admins ADD COLUMN sessions_since TEXT;
    "#,
    // 6: which admin a Zoom account's webhook events belong to (one account, one admin).
    r#"
    CREATE TABLE zoom_accounts (
        account     TEXT PRIMARY KEY,
        admin       INTEGER NOT NULL,
        claimed_at  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX zoom_accounts_admin ON zoom_accounts (admin);
    "#,
    // 7: Kakao stopping the whole app (-12/-13), and deletions of admins' data not yet finished.
    r#"
    CREATE TABLE kakao_app_stop (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        stop        TEXT NOT NULL,          -- blocked | suspended
        since       TEXT NOT NULL,
        checked_at  TEXT NOT NULL
    ) STRICT;
    CREATE TABLE pending_deletions (
        admin       INTEGER PRIMARY KEY,
        since       TEXT NOT NULL
    ) STRICT;
    "#,
    // 8: flood-control counters (one per action, subject and window).
    r#"
    CREATE TABLE flood_counters (
        counter       TEXT NOT NULL,        -- {action}#{subject}
        window        TEXT NOT NULL,
        n             INTEGER NOT NULL,
        forget_after  TEXT NOT NULL,
        PRIMARY KEY (counter, window)
    ) STRICT;
    CREATE INDEX flood_counters_forget ON flood_counters (forget_after);
    "#,
    // 9: a tracked link's join and stop buttons get a secret each (older rows have none).
    r#"
    ALTER TABLE link_tokens ADD COLUMN join_secret TEXT;
    ALTER TABLE link_tokens ADD COLUMN stop_secret TEXT;
    "#,
    // 10: the due index is one ordered index; shards are DynamoDB's concern, not this file's.
    r#"
    DROP INDEX meetings_due;
    ALTER TABLE meetings DROP COLUMN due_shard;
    CREATE INDEX meetings_due ON meetings (due_at) WHERE due_at IS NOT NULL;
    "#,
    // 11: classes and series, documents an admin edits whole.
    r#"
    CREATE TABLE admin_plans (
        admin INTEGER NOT NULL,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        body TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (admin, kind, id)
    ) WITHOUT ROWID;
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// Brings the database up to [`SCHEMA_VERSION`], one transaction per step. Refuses a database
/// written by a newer build rather than guessing.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let sql = |e| StoreError::backend("migrate schema", e);
    let current: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(sql)?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > SCHEMA_VERSION {
        return Err(StoreError::corrupt(
            "schema",
            format!("database is at version {current}; this build knows up to {SCHEMA_VERSION}"),
        ));
    }
    for (done, step) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        tx.execute_batch(step).map_err(sql)?;
        tx.pragma_update(None, "user_version", done + 1).map_err(sql)?;
        tx.commit().map_err(sql)?;
        tracing::info!(version = done + 1, "sqlite schema migrated");
    }
    Ok(())
}
