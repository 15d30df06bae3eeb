//! `cargo run --release -p local`: ttokttok on one machine.
//!
//! Today it starts the Kakao sandbox with the default world (or `--world FILE`); the admin app,
//! login, attendance and the reminder loops plug in here as they are built, so that one command
//! always runs the whole product.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use kakao_sandbox::World;

/// Run ttokttok locally: the Kakao sandbox on loopback.
#[derive(Debug, Parser)]
#[command(name = "local", version)]
struct Args {
    /// Port for the Kakao sandbox (both of Kakao's hosts are served on it).
    #[arg(long, default_value_t = 3001)]
    sandbox_port: u16,
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

    let world = match &args.world {
        Some(path) => World::from_path(path).with_context(|| format!("loading {}", path.display()))?,
        None => World::default_world(),
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.sandbox_port));
    let sandbox = kakao_sandbox::spawn_on(world, addr).await.with_context(|| {
        format!("starting the Kakao sandbox on {addr} (is the port taken? try --sandbox-port)")
    })?;

    let url = sandbox.url();
    println!("ttokttok (local)");
    println!("  Kakao sandbox    {url}/          users, inboxes, app settings");
    println!("  Kakao login      {url}/oauth/authorize?...  (the admin app will send you here)");
    println!("  Inbox of a user  {url}/inbox/{{user_id}}");
    println!("Press Ctrl-C to stop.");

    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    println!("stopping…");
    sandbox.shutdown().await;
    Ok(())
}
