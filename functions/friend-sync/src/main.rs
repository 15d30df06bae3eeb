//! Lambda wiring only: JSON logs, services from the environment, the runtime loop.

use std::sync::Arc;

use friend_sync::{FriendSyncFunction, LambdaContinuation};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_current_span(false)
        .with_target(false)
        .init();
    let services = app::Services::from_env().await?;
    let continuation = Arc::new(LambdaContinuation::from_env().await);
    let function = FriendSyncFunction::new(services, continuation);
    lambda_runtime::run(function.service()).await
}
