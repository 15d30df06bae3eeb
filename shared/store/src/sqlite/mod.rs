//! [`SqliteStore`]: the embedded twin of the DynamoDB backend, for the one-process local run
//! and for tests. One SQLite file in WAL mode.
//!
//! Every operation runs on tokio's blocking pool (`spawn_blocking`), so SQLite never blocks the
//! async runtime. Every write that keeps an invariant is one `BEGIN IMMEDIATE` transaction:
//! the write lock is taken before the first read, so a decision made on what was read still
//! holds when it is written, across threads and across processes sharing the file.
//! Tokens are sealed with the [`KeyProvider`] before they reach the file.
//!
//! One file per trait of [`crate::api`], named alike (`admins`, `attendance`, `clients`,
//! `deliveries`, `flood`, `friends`, `kakao_app`, `links`, `meeting_state`, `meetings`, `oauth`,
//! `opt_outs`, `plans` (classes and series), `preferences`, `quota`, `tokens`);
//! besides them, `schema` holds the tables and their migrations (`PRAGMA user_version`) and
//! `codec` the column encodings (times, JSON) every file shares.

mod admins;
mod attendance;
mod clients;
mod codec;
mod deliveries;
mod flood;
mod friends;
mod kakao_app;
mod links;
mod meeting_state;
mod meetings;
mod oauth;
mod opt_outs;
mod plans;
mod preferences;
mod quota;
mod schema;
mod tokens;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::StoreError;
use crate::crypto::KeyProvider;
use codec::{sql, ts};

pub use schema::SCHEMA_VERSION;

/// How the store is opened. `Default` suits the local run.
#[derive(Debug, Clone, Copy)]
pub struct SqliteOptions {
    /// How long a writer waits for another process's lock before failing with `Backend`.
    pub busy_timeout: Duration,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// The SQLite backend. Cheap to clone; clones share the connection.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    /// One connection: SQLite serialises writers anyway, and one connection keeps an
    /// in-memory database a single database.
    conn: Mutex<Connection>,
    keys: Arc<dyn KeyProvider>,
    options: SqliteOptions,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.inner.path)
            .field("options", &self.inner.options)
            .field("keys", &self.inner.keys)
            .finish()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` with default options, in WAL
    /// mode, and brings its schema up to date. Blocking: call it at start-up.
    ///
    /// Errors: `Backend` if the file cannot be opened; `Corrupt` if it was written by a newer
    /// build.
    pub fn open(path: impl AsRef<Path>, keys: Arc<dyn KeyProvider>) -> Result<Self, StoreError> {
        Self::open_with(path, keys, SqliteOptions::default())
    }

    /// [`open`](Self::open) with options.
    pub fn open_with(
        path: impl AsRef<Path>,
        keys: Arc<dyn KeyProvider>,
        options: SqliteOptions,
    ) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let conn = Connection::open(&path).map_err(sql("open database"))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(sql("enable WAL"))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::backend(
                "enable WAL",
                format!("journal mode stayed {mode}"),
            ));
        }
        Self::prepare(conn, keys, options, Some(path))
    }

    /// A private in-memory database (tests, throwaway runs).
    pub fn in_memory(keys: Arc<dyn KeyProvider>) -> Result<Self, StoreError> {
        Self::in_memory_with(keys, SqliteOptions::default())
    }

    pub fn in_memory_with(keys: Arc<dyn KeyProvider>, options: SqliteOptions) -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory().map_err(sql("open database"))?;
        Self::prepare(conn, keys, options, None)
    }

    fn prepare(
        mut conn: Connection,
        keys: Arc<dyn KeyProvider>,
        options: SqliteOptions,
        path: Option<PathBuf>,
    ) -> Result<Self, StoreError> {
        conn.busy_timeout(options.busy_timeout)
            .map_err(sql("set busy timeout"))?;
        // NORMAL is durable in WAL mode except for the last transactions on power loss.
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            .map_err(sql("set pragmas"))?;
        schema::migrate(&mut conn)?;
        tracing::debug!(path = ?path, "sqlite store opened");
        Ok(Self {
            inner: Arc::new(Inner {
                conn: Mutex::new(conn),
                keys,
                options,
                path,
            }),
        })
    }

    /// Deletes rows past their TTL (OAuth states, quota counters of past days, link tokens), as DynamoDB's
    /// TTL would. Correctness never depends on it: expiry is checked on read. Returns rows
    /// deleted.
    pub async fn purge_expired(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let now = ts(now);
        self.write("purge expired", move |tx| {
            let states = tx.execute("DELETE FROM oauth_states WHERE expires_at <= ?1", [&now])?;
            let counters = tx.execute("DELETE FROM quota WHERE expires_at <= ?1", [&now])?;
            let links = tx.execute("DELETE FROM link_tokens WHERE expires_at <= ?1", [&now])?;
            Ok(states + counters + links)
        })
        .await
    }

    fn keys(&self) -> &dyn KeyProvider {
        &*self.inner.keys
    }

    /// Runs `f` on the blocking pool with the connection, outside any explicit transaction
    /// (single-statement reads).
    async fn read<T, F>(&self, operation: &'static str, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, TxError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        let joined = tokio::task::spawn_blocking(move || {
            let conn = inner.conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&conn).map_err(|e| e.into_store(operation))
        })
        .await;
        joined.map_err(|e| StoreError::backend(operation, e))?
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction on the blocking pool; commits if it
    /// returns `Ok`, rolls back (writing nothing) if it returns `Err`.
    async fn write<T, F>(&self, operation: &'static str, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, TxError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        let joined = tokio::task::spawn_blocking(move || {
            let mut conn = inner.conn.lock().unwrap_or_else(PoisonError::into_inner);
            let run = || -> Result<T, TxError> {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let out = f(&tx)?;
                tx.commit()?;
                Ok(out)
            };
            run().map_err(|e| e.into_store(operation))
        })
        .await;
        joined.map_err(|e| StoreError::backend(operation, e))?
    }
}

/// What a closure inside [`SqliteStore::read`]/[`write`](SqliteStore::write) fails with: a
/// store answer (`NotFound`, `Conflict`, ...) or a SQLite fault, named by the caller's
/// operation when it leaves the closure. Lets closures use `?` on both.
enum TxError {
    Store(StoreError),
    Sql(rusqlite::Error),
}

impl TxError {
    fn into_store(self, operation: &'static str) -> StoreError {
        match self {
            Self::Store(e) => e,
            Self::Sql(e) => StoreError::backend(operation, e),
        }
    }
}

impl From<StoreError> for TxError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<rusqlite::Error> for TxError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sql(e)
    }
}

impl From<domain::InvalidValue> for TxError {
    fn from(e: domain::InvalidValue) -> Self {
        Self::Store(e.into())
    }
}

/// The `aad` tokens are sealed with: binds them to their admin (and to their purpose).
fn token_aad(admin: domain::KakaoUserId) -> Vec<u8> {
    format!("ttokttok:tokens:{admin}").into_bytes()
}
