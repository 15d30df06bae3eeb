//! The generic runner: every conformance test is an `async fn(Harness)` written once, and
//! [`conformance!`] turns a list of them into `sqlite::*` and `dynamo::*` test functions.
//!
//! Each test gets its own fresh store: SQLite a new file (WAL, so several connections can
//! share it), DynamoDB a new table created from `template.yaml`'s `Table` resource.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use store::Store;
use store::crypto::{KeyProvider, StaticKeyProvider};
use store::{SqliteOptions, SqliteStore};

/// The key every test store seals tokens with (unless a test opens another on purpose).
pub const TEST_KEY: [u8; 32] = [0x5a; 32];

pub fn test_keys() -> Arc<dyn KeyProvider> {
    Arc::new(StaticKeyProvider::new(TEST_KEY))
}

/// One fresh store for one test, plus ways to open more handles on the same data.
pub struct Harness {
    pub store: Arc<dyn Store>,
    backend: Box<dyn Backend>,
}

impl Harness {
    /// `n` independent handles on the same data (SQLite: separate connections to the same
    /// file; DynamoDB: separate clients), so concurrency tests race through the backend's own
    /// locking, not through one handle's.
    pub async fn handles(&self, n: usize) -> Vec<Arc<dyn Store>> {
        let mut handles = Vec::with_capacity(n);
        for _ in 0..n {
            handles.push(self.backend.open(test_keys()).await);
        }
        handles
    }

    /// Overwrites a meeting's due time in storage with text that does not read back (what a
    /// store that accepted the year 10000 wrote: `+10000-...`, sorting before every real
    /// time), as a row damaged or left by an older version would be.
    pub async fn damage_due_time(&self, admin: domain::KakaoUserId, meeting: domain::MeetingId) {
        self.backend.damage_due_time(admin, meeting).await;
    }

    /// Another handle on the same data that seals and opens tokens with `keys`.
    pub async fn reopen_with_keys(&self, keys: Arc<dyn KeyProvider>) -> Arc<dyn Store> {
        self.backend.open(keys).await
    }
}

/// A backend under test: opens handles on one test's data, and cleans up after it.
#[async_trait]
trait Backend: Send + Sync {
    async fn open(&self, keys: Arc<dyn KeyProvider>) -> Arc<dyn Store>;
    async fn damage_due_time(&self, admin: domain::KakaoUserId, meeting: domain::MeetingId);
}

const DAMAGED_TIME: &str = "+10000-01-01T10:00:00Z";

// ---------------------------------------------------------------------------------------------
// SQLite

static NEXT_FILE: AtomicUsize = AtomicUsize::new(0);

struct SqliteBackend {
    path: PathBuf,
}

impl SqliteBackend {
    fn new() -> Self {
        let n = NEXT_FILE.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join("ttokttok-store-tests");
        std::fs::create_dir_all(&dir).expect("create the test database directory");
        let path = dir.join(format!("conformance-{}-{n}.db", std::process::id()));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        Self { path }
    }
}

impl Drop for SqliteBackend {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

#[async_trait]
impl Backend for SqliteBackend {
    async fn open(&self, keys: Arc<dyn KeyProvider>) -> Arc<dyn Store> {
        let options = SqliteOptions {
            busy_timeout: std::time::Duration::from_secs(30),
        };
        Arc::new(SqliteStore::open_with(&self.path, keys, options).expect("open the test database"))
    }

    async fn damage_due_time(&self, admin: domain::KakaoUserId, meeting: domain::MeetingId) {
        let conn = rusqlite::Connection::open(&self.path).expect("open the test database");
        let changed = conn
            .execute(
                "UPDATE meetings SET due_at = ?1 WHERE admin = ?2 AND id = ?3",
                rusqlite::params![DAMAGED_TIME, admin.get(), meeting.to_string()],
            )
            .expect("damage a due time");
        assert_eq!(changed, 1, "the meeting is stored");
    }
}

pub async fn run_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Harness) -> Fut,
    Fut: Future<Output = ()>,
{
    let backend = SqliteBackend::new();
    let store = backend.open(test_keys()).await;
    test(Harness {
        store,
        backend: Box::new(backend),
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// DynamoDB: a fresh table per test, created from template.yaml's `Table` resource, on the
// server `DYNAMODB_ENDPOINT` names (moto, started by infra/lib/moto.sh).

#[cfg(feature = "dynamo")]
struct DynamoBackend {
    table: String,
}

#[cfg(feature = "dynamo")]
#[async_trait]
impl Backend for DynamoBackend {
    async fn open(&self, keys: Arc<dyn KeyProvider>) -> Arc<dyn Store> {
        // A client per handle, so racing handles do not share a connection pool.
        let client = store::dynamo::client_from_env()
            .await
            .expect("a DynamoDB client from the environment");
        Arc::new(store::dynamo::DynamoStore::new(
            client,
            self.table.clone(),
            keys,
            store::dynamo::DynamoConfig::default(),
        ))
    }

    async fn damage_due_time(&self, admin: domain::KakaoUserId, meeting: domain::MeetingId) {
        use aws_sdk_dynamodb::types::AttributeValue;
        let client = store::dynamo::client_from_env().await.expect("a DynamoDB client");
        // The store's key layout (`dynamo/keys.rs`), written here by hand on purpose.
        client
            .update_item()
            .table_name(&self.table)
            .key("PK", AttributeValue::S(format!("ADMIN#{admin}")))
            .key("SK", AttributeValue::S(format!("MEETING#{meeting}")))
            .update_expression("SET next_due_at = :t, due_sk = :sk")
            .condition_expression("attribute_exists(due_sk)")
            .expression_attribute_values(":t", AttributeValue::S(DAMAGED_TIME.to_owned()))
            .expression_attribute_values(":sk", AttributeValue::S(format!("{DAMAGED_TIME}#{meeting}")))
            .send()
            .await
            .expect("damage a due time");
    }
}

#[cfg(feature = "dynamo")]
pub async fn run_dynamo<F, Fut>(test: F)
where
    F: FnOnce(Harness) -> Fut,
    Fut: Future<Output = ()>,
{
    if std::env::var(store::dynamo::ENDPOINT_ENV).is_err() {
        skip_or_fail_dynamo("DYNAMODB_ENDPOINT is unset (source infra/lib/moto.sh; moto_start)");
        return;
    }
    let client = store::dynamo::client_from_env()
        .await
        .expect("a DynamoDB client from the environment");
    let n = NEXT_FILE.fetch_add(1, Ordering::Relaxed);
    let table = format!(
        "ttokttok-conformance-{}-{n}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    );
    store::dynamo::TableSchema::from_workspace_template()
        .expect("template.yaml's Table resource")
        .create(&client, &table)
        .await
        .expect("create the test table");
    let backend = DynamoBackend { table: table.clone() };
    let store = backend.open(test_keys()).await;
    test(Harness {
        store,
        backend: Box::new(backend),
    })
    .await;
    // Best effort: a failed test leaves its table behind, which dies with the test server.
    let _ = client.delete_table().table_name(&table).send().await;
}

#[cfg(not(feature = "dynamo"))]
pub async fn run_dynamo<F, Fut>(test: F)
where
    F: FnOnce(Harness) -> Fut,
    Fut: Future<Output = ()>,
{
    let _ = test;
    skip_or_fail_dynamo("the store was built without its `dynamo` feature");
}

/// Locally a DynamoDB half that cannot run prints why and passes; under `CI=true` it fails.
fn skip_or_fail_dynamo(why: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("DynamoDB conformance cannot run under CI=true: {why}");
    }
    eprintln!("NOTICE: skipping the DynamoDB half of this test: {why}");
}

/// Writes `sqlite::<test>` and `dynamo::<test>` test functions for each listed test.
macro_rules! conformance {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    crate::harness::run_sqlite(super::$test).await
                }
            )*
        }

        mod dynamo {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    crate::harness::run_dynamo(super::$test).await
                }
            )*
        }
    };
}
pub(crate) use conformance;
