//! `cargo run --release -p local`: ttokttok on one machine.
//!
//! Serves the login and admin routers on 127.0.0.1:3000 (`--port`), with the Kakao sandbox on
//! 3001 (`--sandbox-port`, default world or `--world FILE`) and SQLite in the user's local data
//! directory (`--db`, key files beside it). With `KAKAO_REST_API_KEY` (and `KAKAO_ADMIN_KEY`,
//! `KAKAO_APP_ID`, optionally `KAKAO_CLIENT_SECRET`) in the environment it talks to real Kakao
//! instead of the sandbox. Ctrl-C stops everything cleanly.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use kakao_sandbox::World;
use local::{KakaoTarget, LocalConfig};

/// Run ttokttok locally: web app, login, Kakao sandbox, SQLite, daily friend sync.
#[derive(Debug, Parser)]
#[command(name = "local", version)]
struct Args {
    /// Port for the web app (login and admin pages, the API, the unlink webhook).
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Port for the Kakao sandbox (both of Kakao's hosts are served on it).
    #[arg(long, default_value_t = 3001)]
    sandbox_port: u16,
    /// The SQLite database file; `{db}.key` and `{db}.web.key` are kept beside it. Default:
    /// `ttokttok/ttokttok.db` in the user's local data directory (`~/.local/share` on Linux),
    /// outside any checkout, so no `git add .` can pick up the keys.
    #[arg(long)]
    db: Option<PathBuf>,
    /// A sandbox world file (JSON or TOML); defaults to the world shipped with the sandbox.
    #[arg(long)]
    world: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let db = match args.db.clone() {
        Some(db) => db,
        None => local::default_db().context("choosing where to keep the data (pass --db FILE)")?,
    };

    let (real_kakao, (sweep, attendance)) = local::read_env()?;
    let kakao = match real_kakao {
        Some(settings) => KakaoTarget::Real(Box::new(settings)),
        None => {
            let world = match &args.world {
                Some(path) => {
                    World::from_path(path).with_context(|| format!("loading {}", path.display()))?
                }
                None => World::default_world(),
            };
            KakaoTarget::Sandbox {
                world: Box::new(world),
                port: args.sandbox_port,
            }
        }
    };
    let real = matches!(kakao, KakaoTarget::Real(_));
    let running = local::start(LocalConfig {
        port: args.port,
        db: db.clone(),
        kakao,
        clock: Arc::new(domain::SystemClock),
        daily_loop: true,
        quotas: domain::QuotaLimits::KAKAO,
        sweep,
        attendance,
    })
    .await?;

    let url = running.url.as_str().trim_end_matches('/').to_owned();
    println!();
    println!("ttokttok (local) is running. Open:");
    println!("  {url}/                 the admin app: log in with Kakao, send reminders");
    println!("  {url}/invite           your clients' invite link and QR code (after login)");
    match running.sandbox() {
        Some(sandbox) => {
            let sandbox = sandbox.url();
            println!("  {sandbox}/                 the Kakao sandbox: users, their consents, app settings");
            println!("  {sandbox}/inbox/{{user_id}}  what a user received in KakaoTalk");
            println!("Log in as 김선생 (the first sandbox user) to see a tutor with friends in every state.");
        }
        None if real => println!("Talking to real Kakao; register {url}/oauth/callback as a redirect URI."),
        None => {}
    }
    println!(
        "Data: {} (with .key and .web.key beside it). Press Ctrl-C to stop.",
        db.display()
    );

    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    println!("stopping…");
    running.shutdown().await;
    Ok(())
}
