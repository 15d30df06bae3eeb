//! ttokttok on one machine: both HTTP functions' routers (login and admin) in one server, the
//! Kakao sandbox beside them (or real Kakao), SQLite for the store, and the daily friend-sync
//! loop. The same routers and handlers as in Lambda; only the host differs.
//!
//! [`start`] is what `cargo run -p local` and the browser test both use.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use app::config::{
    AttendanceConfig, KakaoAppId, KakaoSettings, PublicUrl, Settings, StoreSettings, SweepConfig, TokenKeys,
};
use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::{Clock, QuotaLimits};
use kakao_sandbox::{SandboxHandle, World};
use secrecy::SecretString;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use url::Url;
use web::{SiteSettings, WebSecret, WebState};

/// Where Kakao is.
#[derive(Debug, Clone)]
pub enum KakaoTarget {
    /// Start the sandbox with this world on this port (0: any free port).
    Sandbox { world: Box<World>, port: u16 },
    /// Real Kakao (or any Kakao already running), with these settings.
    Real(Box<KakaoSettings>),
}

/// How to run.
#[derive(Debug, Clone)]
pub struct LocalConfig {
    /// The web server's port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// The SQLite file; the token key (`{db}.key`) and the web secret (`{db}.web.key`) sit
    /// beside it.
    pub db: PathBuf,
    pub kakao: KakaoTarget,
    pub clock: Arc<dyn Clock>,
    /// Run the daily friend sync loop.
    pub daily_loop: bool,
    /// Daily message limits ttokttok keeps (never above Kakao's).
    pub quotas: QuotaLimits,
    /// The sweep loop's links and pacing.
    pub sweep: SweepConfig,
    /// The Zoom secret token (unset: the local Zoom webhook answers 503) and the links' timing.
    pub attendance: AttendanceConfig,
}

/// What a local run reads from the environment, in one read that names every bad variable: real
/// Kakao when `KAKAO_REST_API_KEY` is set, the sweep's and attendance's variables.
pub fn read_env() -> Result<(Option<KakaoSettings>, (SweepConfig, AttendanceConfig)), app::ConfigError> {
    app::config::read_parts(|name| std::env::var(name).ok())
}

/// A running ttokttok.
pub struct Running {
    pub url: Url,
    pub services: app::Services,
    sandbox: Option<SandboxHandle>,
    stop: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    daily: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

impl Running {
    /// The sandbox's base URL, when it runs here.
    pub fn sandbox(&self) -> Option<&SandboxHandle> {
        self.sandbox.as_ref()
    }

    /// Stops the web server (letting open requests finish), the daily loop and the sandbox.
    pub async fn shutdown(self) {
        if let Some(daily) = &self.daily {
            daily.abort();
        }
        let _no_receivers_is_fine = self.stop.send(true);
        match self.server.await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "the web server stopped with an error"),
            Err(error) => tracing::warn!(%error, "the web server task ended abnormally"),
        }
        if let Some(sync) = self.services.local_sync() {
            sync.wait_idle().await;
        }
        if let Some(sandbox) = self.sandbox {
            sandbox.shutdown().await;
        }
    }
}

/// Starts everything and returns once it is serving.
pub async fn start(config: LocalConfig) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, config.port)))
        .await
        .with_context(|| {
            format!(
                "binding 127.0.0.1:{} (is the port taken? try --port)",
                config.port
            )
        })?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let public_url = Url::parse(&format!("http://{addr}/"))
        .ok()
        .and_then(|url| PublicUrl::new(url).ok())
        .context("building the public URL")?;
    let site_secret_path = sibling(&config.db, "web.key");
    let secret = WebSecret::load_or_create(&site_secret_path)
        .with_context(|| format!("loading the web secret {}", site_secret_path.display()))?;
    let site = SiteSettings::new(public_url.clone(), secret);

    let (kakao, sandbox) = match config.kakao {
        KakaoTarget::Real(settings) => (*settings, None),
        KakaoTarget::Sandbox { world, port } => {
            let sandbox_addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
            let sandbox = kakao_sandbox::spawn_on(*world.clone(), sandbox_addr)
                .await
                .with_context(|| {
                    format!(
                        "starting the Kakao sandbox on {sandbox_addr} (is the port taken? try --sandbox-port)"
                    )
                })?;
            register_with_sandbox(&sandbox, &site);
            let base = Url::parse(&sandbox.url()).context("the sandbox URL")?;
            let app = &world.app;
            let app_id = KakaoAppId::new(app.app_id)
                .map_err(|problem| anyhow::anyhow!("the world's app id: {problem}"))?;
            let settings = KakaoSettings::new(
                app.rest_api_key.clone(),
                SecretString::from(app.admin_key.clone()),
                app_id,
            )
            .with_single_base(base)
            .with_client_secret(app.client_secret.clone().map(SecretString::from));
            (settings, Some(sandbox))
        }
    };
    let store = StoreSettings::Sqlite {
        path: config.db.clone(),
        keys: TokenKeys::File(sibling(&config.db, "key")),
    };
    let mut settings = Settings::new(kakao, store);
    settings.quotas = config.quotas;
    settings.sweep = config.sweep.clone();
    let services = app::Services::from_settings(settings, config.clock.clone())
        .await
        .context("building the services (store, Kakao client)")?;

    let state = WebState::new(services.clone(), site);
    let router = Router::new()
        .merge(login::router(state.clone()))
        .merge(admin::router(state))
        .merge(attendance::router(attendance::AttendanceState::from_services(
            &services,
            attendance::AttendanceSettings::from_config(public_url.clone(), &config.attendance),
        )));
    let router = web::with_not_found(router)
        .layer(axum::middleware::from_fn(
            web::flood::client_from_forwarded_header,
        ))
        .layer(axum::middleware::from_fn_with_state(addr, one_host));

    let (stop, mut stopped) = watch::channel(false);
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            })
            .await
    });
    let daily = config
        .daily_loop
        .then(|| tokio::spawn(app::sync::run_daily_loop(services.clone())));
    // The reminder sweep once a minute (app::sweep), stopped with the server: the same variables
    // as the sweep function and the admin's approvals (REMINDER_LINKS, SWEEP_*, ...), with this
    // server's own URL.
    let sweep = app::sweep::SweepSettings::new(public_url.clone(), &config.sweep);
    if config.daily_loop {
        tokio::spawn(app::unlink::run_deletions_loop(services.clone()));
        tokio::spawn(app::sweep::run_sweep_loop(
            services.clone(),
            sweep,
            stop.subscribe(),
        ));
    }
    tracing::info!(url = %*public_url, "ttokttok serving");
    Ok(Running {
        url: public_url.into(),
        services,
        sandbox,
        stop,
        server,
        daily,
    })
}

/// Tells the sandbox's app where we are: the redirect URI, the web domain and the unlink webhook
/// on our actual port (the default world registers port 3000).
fn register_with_sandbox(sandbox: &SandboxHandle, site: &SiteSettings) {
    let redirect = site.redirect_uri().to_string();
    let domain = site.public_url.as_str().trim_end_matches('/').to_owned();
    let webhook = site.url("/kakao/unlink").to_string();
    sandbox.update_app(|app| {
        if !app.redirect_uris.contains(&redirect) {
            app.redirect_uris.push(redirect);
        }
        if !app.web_domains.contains(&domain) {
            app.web_domains.push(domain);
        }
        app.unlink_webhook_url = Some(webhook);
    });
}

/// `{db}.{suffix}`: files that belong with the database.
fn sibling(db: &std::path::Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Cookies are per host: a browser on `localhost` would lose its login on the way back from Kakao
/// to `127.0.0.1`. So every other host name is sent to the one the redirect URI uses.
async fn one_host(
    axum::extract::State(addr): axum::extract::State<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok());
    match host {
        Some(host) if host.starts_with("localhost") => {
            let path = request
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str())
                .unwrap_or("/");
            let location = format!("http://{addr}{path}");
            (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, location)]).into_response()
        }
        _ => next.run(request).await,
    }
}

/// `ttokttok/ttokttok.db` in the user's local data directory, created owner-only.
pub fn default_db() -> anyhow::Result<PathBuf> {
    let dir = dirs::data_local_dir()
        .context("this system names no local data directory")?
        .join("ttokttok");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("making {} private", dir.display()))?;
    }
    Ok(dir.join("ttokttok.db"))
}
