//! `spawn_app()`: ttokttok as `infra/local` runs it, on ephemeral ports, with fresh state.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Duration, Utc};
use domain::{ManualClock, QuotaLimits};
use kakao_sandbox::World;
use local::{KakaoTarget, LocalConfig, Running};
use serde_json::Value;

use crate::browser::Browser;

/// A directory under the system temp dir, removed when dropped.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(format!("ttokttok-{label}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
        Self(path)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _best_effort = std::fs::remove_dir_all(&self.0);
    }
}

/// A running ttokttok and its sandbox.
pub struct TestApp {
    pub running: Running,
    /// ttokttok's clock (the sandbox keeps its own, real time unless its world freezes it).
    pub clock: ManualClock,
    pub world: World,
    http: reqwest::Client,
    _dir: TempDir,
}

/// Starts ttokttok for `world` (see [`TestApp::spawn`]).
pub async fn spawn_app(world: World) -> TestApp {
    TestApp::spawn(world).await
}

impl TestApp {
    /// The real routers, served by `infra/local` on 127.0.0.1:0, against an in-process sandbox
    /// (port 0) for `world` and SQLite in a fresh temp dir.
    pub async fn spawn(world: World) -> TestApp {
        Self::spawn_with(world, QuotaLimits::KAKAO).await
    }

    /// As [`TestApp::spawn`], keeping lower daily limits than Kakao's.
    pub async fn spawn_with(world: World, quotas: QuotaLimits) -> TestApp {
        init_logs();
        let dir = TempDir::new("app");
        // Start where the sandbox's clock starts, if its world says, so both agree on "now".
        let clock = ManualClock::new(world.clock.start.unwrap_or_else(Utc::now));
        let running = local::start(LocalConfig {
            port: 0,
            db: dir.path().join("ttokttok.db"),
            kakao: KakaoTarget::Sandbox {
                world: Box::new(world.clone()),
                port: 0,
            },
            clock: Arc::new(clock.clone()),
            daily_loop: false,
            quotas,
            sweep: Default::default(),
            attendance: Default::default(),
        })
        .await
        .unwrap_or_else(|e| panic!("ttokttok starts: {e:#}"));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("client builds: {e}"));
        TestApp {
            running,
            clock,
            world,
            http,
            _dir: dir,
        }
    }

    /// An absolute URL on ttokttok.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.running.url.as_str().trim_end_matches('/'), path)
    }

    /// An absolute URL on the sandbox.
    pub fn sandbox_url(&self, path: &str) -> String {
        let sandbox = self.running.sandbox().unwrap_or_else(|| panic!("no sandbox"));
        format!("{}{}", sandbox.url(), path)
    }

    /// A fresh browser (no cookies).
    pub fn browser(&self) -> Browser {
        Browser::new(self.running.url.as_str().trim_end_matches('/'))
    }

    pub fn services(&self) -> &app::Services {
        &self.running.services
    }

    pub fn store(&self) -> &Arc<dyn store::Store> {
        &self.running.services.store
    }

    /// One reminder sweep now, as the schedule would run it (direct links to the join URL).
    pub async fn sweep(&self) -> app::sweep::SweepReport {
        let public_url = app::config::PublicUrl::parse(self.running.url.as_str().trim_end_matches('/'))
            .unwrap_or_else(|e| panic!("the app's URL is an origin: {e}"));
        let config = app::config::SweepConfig {
            links: app::config::ReminderLinks::Direct,
            ..Default::default()
        };
        let settings = app::sweep::SweepSettings::new(public_url, &config);
        app::sweep::Sweeper::new(self.running.services.clone(), settings)
            .run_once()
            .await
            .unwrap_or_else(|e| panic!("a sweep: {e}"))
    }

    /// Moves ttokttok's clock.
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// A browser logged in as `user` (every consent given), after the friend sync its login
    /// started, with the session's CSRF token.
    pub async fn logged_in(&self, user: i64) -> (Browser, String) {
        let browser = self.browser();
        let landed = browser.log_in(user, crate::browser::Consent::AgreeAll).await;
        assert_eq!(landed.status, 303, "{}", landed.body);
        self.syncs_done().await;
        let csrf = browser
            .get("/meetings/new")
            .await
            .csrf()
            .expect("a page carries the CSRF token");
        (browser, csrf)
    }

    /// Waits until every requested friend sync has finished.
    pub async fn syncs_done(&self) {
        if let Some(sync) = self.running.services.local_sync() {
            sync.wait_idle().await;
        }
    }

    /// `GET` on the sandbox's control API.
    pub async fn sandbox_get(&self, path: &str) -> Value {
        let response = self
            .http
            .get(self.sandbox_url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        response
            .json()
            .await
            .unwrap_or_else(|e| panic!("GET {path} answers JSON: {e}"))
    }

    /// `POST` JSON to the sandbox's control API; returns the status and body.
    pub async fn sandbox_post(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(self.sandbox_url(path))
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// What a sandbox user received, oldest first.
    pub async fn inbox(&self, user: i64) -> Vec<Value> {
        match self.sandbox_get(&format!("/_sandbox/inbox/{user}")).await {
            Value::Array(messages) => messages,
            other => panic!("inbox of {user}: {other}"),
        }
    }

    /// The uuid a user has in this app.
    pub fn uuid_of(&self, user: i64) -> String {
        self.world
            .user(user)
            .map(|u| u.uuid.clone())
            .unwrap_or_else(|| panic!("no user {user}"))
    }

    pub async fn shutdown(self) {
        self.running.shutdown().await;
    }
}

fn init_logs() {
    let _only_once = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_test_writer()
        .try_init();
}
