//! `kakao-sandbox`: runs the Kakao emulator on its own, for demos and manual testing.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use clap::Parser;
use kakao_sandbox::World;
use tracing_subscriber::EnvFilter;

/// A faithful Kakao emulator (kauth + kapi on one port).
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Port on 127.0.0.1.
    #[arg(long, default_value_t = 3001)]
    port: u16,
    /// A world file (.json or .toml); the shipped default world otherwise.
    #[arg(long)]
    world: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    let args = Args::parse();
    let world = match &args.world {
        Some(path) => World::from_path(path)?,
        None => World::default_world(),
    };
    let first_redirect = world.app.redirect_uris.first().cloned();
    let sandbox = kakao_sandbox::spawn_on(world, SocketAddr::from((Ipv4Addr::LOCALHOST, args.port))).await?;
    let url = sandbox.url();
    println!("Kakao sandbox on {url} (kauth and kapi)");
    println!("  users and inboxes:  {url}/");
    println!("  app settings:       {url}/settings");
    println!("  app keys (JSON):    {url}/_sandbox/app");
    if let Some(redirect) = first_redirect {
        println!(
            "  login starts at:    {url}/oauth/authorize?client_id=...&redirect_uri={redirect}&response_type=code"
        );
    }
    println!("Point the service's Kakao base URLs (kauth and kapi) at {url}. Ctrl-C stops.");
    tokio::signal::ctrl_c().await?;
    sandbox.shutdown().await;
    Ok(())
}
