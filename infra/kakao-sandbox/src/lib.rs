//! A faithful Kakao emulator: kauth (`/oauth/*`) and kapi (`/v1/...`, `/v2/...`) on one port,
//! with Kakao's paths, form-encoded parameters, status codes, body shapes and error codes as
//! Kakao's developer documentation describes them (`docs/kakao.md`), plus the login and
//! consent pages, KakaoTalk
//! inboxes, daily quotas on Kakao days, injectable faults and a `/_sandbox` control API.
//!
//! It shares no code with ttokttok's own crates on purpose: a misreading of Kakao made in both
//! places could not be caught by testing one against the other.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = kakao_sandbox::spawn(kakao_sandbox::World::with_friends(3)).await?;
//! let kauth_and_kapi = sandbox.url(); // "http://127.0.0.1:PORT"
//! sandbox.update_app(|app| app.quotas.pair_daily = 2);
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Map of the crate:
//! - [`world`]: the app, users and friendships a sandbox starts from (JSON or TOML), validated.
//! - `accounts`, `tokens`, `quota`, `login`, `friends`, `send`, `template`, `faults`: Kakao's
//!   rules as plain decisions over in-memory state (the functional core).
//! - `state`: that state behind one lock; `clock` and `kst`: sandbox time and Kakao days.
//! - `errors`: Kakao's two error shapes with their statuses; `inbox`: every accepted message, in
//!   its receiver's KakaoTalk inbox.
//! - `routes`, `pages`, `server`: the HTTP shell (axum handlers, maud pages, the accept loop that
//!   can drop a connection without answering).

pub mod world;

mod accounts;
mod clock;
mod errors;
mod faults;
mod friends;
mod inbox;
mod kst;
mod login;
mod pages;
mod quota;
mod routes;
mod send;
mod server;
mod state;
mod template;
mod tokens;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use world::{
    AppConfig, AppStanding, ClockSpec, ConsentItem, Friendship, QuotaLimits, RateLimit, ScopeType,
    TokenPolicy, UserSpec, World, WorldError, WorldProblem,
};

/// A running sandbox. Dropping the handle stops the server too; [`SandboxHandle::shutdown`]
/// also waits for it.
#[derive(Debug)]
pub struct SandboxHandle {
    addr: SocketAddr,
    shared: state::Shared,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// Starts a sandbox for `world` on `127.0.0.1` and a free port.
pub async fn spawn(world: World) -> io::Result<SandboxHandle> {
    spawn_on(world, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
}

/// Starts a sandbox for `world` on `addr`. A world that fails [`World::validate`] is refused
/// with [`io::ErrorKind::InvalidInput`].
pub async fn spawn_on(world: World, addr: SocketAddr) -> io::Result<SandboxHandle> {
    world
        .validate()
        .map_err(|problem| io::Error::new(io::ErrorKind::InvalidInput, problem))?;
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let shared = state::Shared::new(state::Sandbox::new(&world));
    // Kakao follows no redirects when calling the unlink webhook.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(io::Error::other)?;
    let router = routes::router(routes::AppState {
        shared: shared.clone(),
        http,
        addr,
    });
    let (shutdown, shutdown_requested) = watch::channel(false);
    let task = tokio::spawn(server::serve(listener, router, shutdown_requested));
    tracing::info!(%addr, app_id = world.app.app_id, users = world.users.len(), "Kakao sandbox listening");
    Ok(SandboxHandle {
        addr,
        shared,
        shutdown,
        task,
    })
}

impl SandboxHandle {
    /// `http://127.0.0.1:PORT`: the base URL for kauth and kapi alike.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Changes the app's settings while the sandbox runs, e.g. to register a redirect URI or
    /// the unlink webhook once the service's port is known, or to lower a quota.
    pub fn update_app(&self, f: impl FnOnce(&mut AppConfig)) {
        f(&mut self.shared.lock().app);
    }

    /// Stops accepting, lets open requests finish (briefly), and waits for the server to end.
    pub async fn shutdown(self) {
        let _receivers_gone_is_fine = self.shutdown.send(true);
        if let Err(error) = self.task.await {
            tracing::warn!(%error, "the sandbox server task ended abnormally");
        }
    }
}
