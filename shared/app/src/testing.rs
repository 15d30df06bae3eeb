//! Test support (feature `testing`, never in a Lambda build): a Kakao sandbox, a fresh store on
//! either backend, a manual clock and [`Services`] wired to all three, plus the sandbox control
//! calls tests need (grant tokens, change consent, unlink, inject faults, count requests).
//!
//! ```no_run
//! # async fn demo() {
//! use app::testing::{Backend, Scenario};
//! let Some(scenario) = Scenario::start(kakao_sandbox::World::with_friends(3), Backend::Sqlite).await
//! else { return }; // DynamoDB without DYNAMODB_ENDPOINT, outside CI
//! scenario.login_admin(Scenario::ADMIN).await;
//! let report = scenario.services.friend_sync().sync_admin(Scenario::admin()).await.unwrap();
//! assert_eq!(report.listed, 3);
//! # }
//! ```
//!
//! Start-up code for tests: failures here panic with a message, as test set-up should.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{Duration, Utc};
use domain::{Clock, KakaoUserId, ManualClock};
use kakao_sandbox::{SandboxHandle, World};
use secrecy::SecretString;
use serde_json::{Value, json};
use store::Store;
use store::crypto::{KeyProvider, StaticKeyProvider};
use store::dynamo::{DynamoConfig, DynamoStore, MetricsSnapshot, TableSchema, client_from_env};
use store::model::{AdminLogin, AdminStatus, KakaoTokens};
use store::{SqliteOptions, SqliteStore};
use url::Url;

use crate::config::{KakaoAppId, KakaoSettings, Settings, StoreSettings, TokenKeys};
use crate::services::Services;
use crate::tokens::convert::scope_ids;

/// Which store backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Dynamo,
}

/// The key every test store seals tokens with.
pub const TEST_KEY: [u8; 32] = [0x7e; 32];

fn test_keys() -> Arc<dyn KeyProvider> {
    Arc::new(StaticKeyProvider::new(TEST_KEY))
}

static NEXT_FILE: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty store for one test.
pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub backend: Backend,
    sqlite_path: Option<PathBuf>,
    dynamo: Option<DynamoStore>,
}

impl TestStore {
    /// A fresh store, or `None` for DynamoDB when `DYNAMODB_ENDPOINT` is unset (with a notice).
    /// Under `CI=true` a missing DynamoDB endpoint fails instead.
    pub async fn open(backend: Backend) -> Option<TestStore> {
        match backend {
            Backend::Sqlite => {
                let n = NEXT_FILE.fetch_add(1, Ordering::Relaxed);
                let dir = std::env::temp_dir().join("ttokttok-app-tests");
                std::fs::create_dir_all(&dir).expect("create the test database directory");
                let path = dir.join(format!("app-{}-{n}.db", std::process::id()));
                remove_sqlite_files(&path);
                let store = open_sqlite(&path);
                Some(TestStore {
                    store: Arc::new(store),
                    backend,
                    sqlite_path: Some(path),
                    dynamo: None,
                })
            }
            Backend::Dynamo => {
                if std::env::var(store::dynamo::ENDPOINT_ENV).is_err() {
                    assert_ne!(
                        std::env::var("CI").as_deref(),
                        Ok("true"),
                        "CI=true but DYNAMODB_ENDPOINT is unset: start moto (infra/lib/moto.sh)"
                    );
                    eprintln!(
                        "NOTICE: skipping the DynamoDB half: DYNAMODB_ENDPOINT is unset \
                         (source infra/lib/moto.sh; moto_start)"
                    );
                    return None;
                }
                let client = client_from_env()
                    .await
                    .expect("a DynamoDB client from the environment");
                let table = format!("ttokttok-app-{:016x}", rand::random::<u64>());
                TableSchema::from_workspace_template()
                    .expect("template.yaml has the table")
                    .create(&client, &table)
                    .await
                    .expect("create the test table");
                let store = DynamoStore::new(client, table, test_keys(), DynamoConfig::default());
                Some(TestStore {
                    store: Arc::new(store.clone()),
                    backend,
                    sqlite_path: None,
                    dynamo: Some(store),
                })
            }
        }
    }

    /// Another handle on the same data (another process, another Lambda).
    pub fn another_handle(&self) -> Arc<dyn Store> {
        match (&self.sqlite_path, &self.dynamo) {
            (Some(path), _) => Arc::new(open_sqlite(path)),
            (None, Some(dynamo)) => Arc::new(DynamoStore::new(
                dynamo.client().clone(),
                dynamo.table_name(),
                test_keys(),
                DynamoConfig::default(),
            )),
            (None, None) => unreachable!("a test store is SQLite or DynamoDB"),
        }
    }

    /// The DynamoDB test server's fault switches for this store's table (DynamoDB only).
    pub fn fault_control(&self) -> Option<store::dynamo::test_server::FaultControl> {
        self.dynamo
            .as_ref()
            .map(store::dynamo::test_server::FaultControl::for_store)
    }

    /// DynamoDB requests made so far through this handle (DynamoDB only).
    pub fn dynamo_metrics(&self) -> Option<MetricsSnapshot> {
        self.dynamo.as_ref().map(DynamoStore::metrics)
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some(path) = &self.sqlite_path {
            remove_sqlite_files(path);
        }
    }
}

fn open_sqlite(path: &PathBuf) -> SqliteStore {
    let options = SqliteOptions {
        busy_timeout: std::time::Duration::from_secs(30),
    };
    SqliteStore::open_with(path, test_keys(), options).expect("open the test database")
}

fn remove_sqlite_files(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// A sandbox, a store, a manual clock, and services wired to them.
pub struct Scenario {
    pub sandbox: SandboxHandle,
    pub world: World,
    pub store: TestStore,
    /// Our clock (the sandbox keeps its own). Moving it makes stored tokens look old.
    pub clock: ManualClock,
    pub services: Services,
    http: reqwest::Client,
}

/// Requests a fault never reaches: its `skip` counter counts every Kakao request the sandbox
/// serves (control calls excluded), read back through `GET /_sandbox/faults`.
const COUNTER_SKIP: u64 = 4_000_000_000;

impl Scenario {
    /// The admin of `World::with_friends`.
    pub const ADMIN: i64 = 1000;

    pub fn admin() -> KakaoUserId {
        KakaoUserId::new(Self::ADMIN).expect("a positive id")
    }

    pub fn user(id: i64) -> KakaoUserId {
        KakaoUserId::new(id).expect("a positive id")
    }

    /// Starts a sandbox for `world` and opens a fresh store; `None` when the backend is not
    /// available here (DynamoDB without an endpoint, outside CI).
    pub async fn start(world: World, backend: Backend) -> Option<Scenario> {
        let store = TestStore::open(backend).await?;
        let sandbox = kakao_sandbox::spawn(world.clone())
            .await
            .expect("start the Kakao sandbox");
        let clock = ManualClock::new(Utc::now());
        let services = Self::build_services(&world, &sandbox, store.store.clone(), &clock).await;
        let scenario = Scenario {
            sandbox,
            world,
            store,
            clock,
            services,
            http: reqwest::Client::new(),
        };
        scenario.install_request_counter().await;
        Some(scenario)
    }

    /// Settings pointing at `sandbox` for `world`'s app.
    pub fn settings(world: &World, sandbox: &SandboxHandle) -> Settings {
        let app = &world.app;
        let kakao = KakaoSettings::new(
            app.rest_api_key.clone(),
            SecretString::from(app.admin_key.clone()),
            KakaoAppId::new(app.app_id).expect("a positive app id"),
        )
        .with_single_base(Url::parse(&sandbox.url()).expect("the sandbox URL"))
        .with_client_secret(app.client_secret.clone().map(SecretString::from));
        let store = StoreSettings::Sqlite {
            path: "unused-in-tests.db".into(),
            keys: TokenKeys::File("unused-in-tests.key".into()),
        };
        Settings::new(kakao, store)
    }

    async fn build_services(
        world: &World,
        sandbox: &SandboxHandle,
        store: Arc<dyn Store>,
        clock: &ManualClock,
    ) -> Services {
        Services::with_store(
            Self::settings(world, sandbox),
            store,
            Arc::new(clock.clone()) as Arc<dyn Clock>,
        )
        .await
        .expect("build the services")
    }

    /// A second, independent set of services on the same sandbox, data and clock: what another
    /// Lambda instance would hold (its own token keeper, its own store handle).
    pub async fn another_process(&self) -> Services {
        Self::build_services(
            &self.world,
            &self.sandbox,
            self.store.another_handle(),
            &self.clock,
        )
        .await
    }

    /// Replaces Kakao's world (a friend renamed, a favourite added): a new sandbox with `world`,
    /// services pointed at it, and the admin logged in there. The store is kept.
    pub async fn switch_world(&mut self, world: World) {
        let sandbox = kakao_sandbox::spawn(world.clone())
            .await
            .expect("start the Kakao sandbox");
        let old = std::mem::replace(&mut self.sandbox, sandbox);
        old.shutdown().await;
        self.services =
            Self::build_services(&world, &self.sandbox, self.store.store.clone(), &self.clock).await;
        self.world = world;
        self.install_request_counter().await;
        self.login_admin(Self::ADMIN).await;
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.url())
    }

    async fn control(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("reach the sandbox control API");
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path} answered {status}: {body}");
        body
    }

    /// Links `user` with exactly `scopes` and returns the token body `/oauth/token` would.
    pub async fn grant(&self, user: i64, scopes: &[&str]) -> Value {
        self.control("/_sandbox/tokens", json!({"user_id": user, "scopes": scopes}))
            .await
    }

    /// Changes what `user` has agreed to (e.g. a friend withdrawing `friends`). Tokens already
    /// issued stay valid; Kakao checks consent on each call.
    pub async fn set_consent(&self, user: i64, scopes: &[&str]) {
        self.grant(user, scopes).await;
    }

    /// The admin logs in: consent to everything, a profile marked active, tokens stored.
    pub async fn login_admin(&self, user: i64) -> KakaoTokens {
        let body = self
            .grant(user, &["profile_nickname", "friends", "talk_message"])
            .await;
        let now = self.clock.now();
        let tokens = tokens_from_body(&body, now);
        let id = Self::user(user);
        let nickname = self
            .world
            .user(user)
            .map(|u| u.nickname.clone())
            .unwrap_or_default();
        let login = AdminLogin {
            id,
            nickname,
            scopes: tokens.scopes.clone(),
            status: AdminStatus::Active,
        };
        self.store
            .store
            .upsert_admin(&login, now)
            .await
            .expect("store the admin");
        self.store
            .store
            .save_tokens(id, &tokens, now)
            .await
            .expect("store the tokens");
        tokens
    }

    /// The user disconnects the app at Kakao (all their tokens die). No webhook is called.
    pub async fn unlink_at_kakao(&self, user: i64) {
        self.sandbox.update_app(|app| app.unlink_webhook_url = None);
        self.control("/_sandbox/unlink", json!({"user_id": user})).await;
    }

    /// Kakao blocks, suspends or restores the whole app (`-12`/`-13` on every kapi call).
    pub async fn set_app_standing(&self, standing: kakao_sandbox::AppStanding) {
        self.control("/_sandbox/app", json!({ "standing": standing }))
            .await;
    }

    /// Adds a fault (the body of `POST /_sandbox/faults`).
    pub async fn fault(&self, fault: Value) {
        self.control("/_sandbox/faults", fault).await;
    }

    /// Removes the faults on `path` (the request counter stays).
    pub async fn clear_faults(&self, path: &str) {
        self.control("/_sandbox/faults", json!({"clear": true, "path": path}))
            .await;
    }

    /// Adds latency to every Kakao request.
    pub async fn add_latency(&self, ms: u64) {
        self.fault(json!({"path": "*", "latency_ms": ms})).await;
    }

    async fn install_request_counter(&self) {
        self.fault(json!({"path": "*", "status": 503, "skip": COUNTER_SKIP}))
            .await;
    }

    /// Kakao requests (kauth and kapi) the sandbox has served since it started.
    pub async fn kakao_requests(&self) -> u64 {
        let faults: Value = self
            .http
            .get(self.url("/_sandbox/faults"))
            .send()
            .await
            .expect("reach the sandbox control API")
            .json()
            .await
            .expect("the fault list");
        let remaining = faults
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["path"] == "*" && f["status"] == 503)
            .filter_map(|f| f["skip_remaining"].as_u64())
            .next()
            .expect("the request counter is installed");
        COUNTER_SKIP - remaining
    }

    /// Moves Kakao's clock (never ours): tokens Kakao issued expire by it.
    pub async fn advance_kakao_clock(&self, by: Duration) {
        self.control("/_sandbox/clock", json!({"advance_seconds": by.num_seconds()}))
            .await;
    }

    /// Moves our clock (never the sandbox's).
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }
}

/// A `/oauth/token`-shaped body as the store keeps it, expiries counted from `now`.
pub fn tokens_from_body(body: &Value, now: chrono::DateTime<Utc>) -> KakaoTokens {
    let text = |key: &str| body[key].as_str().expect("a token body field").to_owned();
    let seconds = |key: &str| Duration::seconds(body[key].as_i64().expect("a token lifetime"));
    let scopes: Vec<&str> = body["scope"]
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    KakaoTokens {
        access_token: SecretString::from(text("access_token")),
        access_expires_at: now + seconds("expires_in"),
        refresh_token: SecretString::from(text("refresh_token")),
        refresh_expires_at: now + seconds("refresh_token_expires_in"),
        scopes: scope_ids(&scopes),
    }
}

/// Writes `sqlite::<test>` and `dynamo::<test>` test functions for each `async fn(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test($crate::testing::Backend::Sqlite).await
                }
            )*
        }

        mod dynamo {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test($crate::testing::Backend::Dynamo).await
                }
            )*
        }
    };
}
