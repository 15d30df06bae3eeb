//! The functions' log set-up: JSON lines for CloudWatch (which stamps each line's time itself),
//! filtered by `RUST_LOG`, `info` by default.

use tracing_subscriber::EnvFilter;

/// Installs the JSON subscriber. Call once, first thing in a function's `main`.
pub fn init_lambda_json() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_current_span(false)
        .with_target(false)
        .without_time()
        .init();
}
