//! The functions' log set-up: JSON lines for CloudWatch (which stamps each line's time itself),
//! filtered by `RUST_LOG`, `info` by default.
//!
//! `RUST_LOG` is read as a level and `target=level` directives (`info,store=debug`) by
//! `tracing_subscriber`'s `Targets` filter, not its `EnvFilter`: the latter's span and field
//! matching links a regular-expression engine, about 180 KB of every function's binary
//! (`docs/benchmarks.md`, zips). `infra/local` and the tests keep `EnvFilter`.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The filter `RUST_LOG` names; `info` when it is unset or does not read.
fn filter(rust_log: Option<&str>) -> Targets {
    rust_log
        .and_then(|v| v.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO))
}

/// Installs the JSON subscriber. Call once, first thing in a function's `main`.
pub fn init_lambda_json() {
    tracing_subscriber::fmt()
        .json()
        .with_current_span(false)
        .with_target(false)
        .without_time()
        .finish()
        .with(filter(std::env::var("RUST_LOG").ok().as_deref()))
        .init();
}

#[cfg(test)]
mod tests {
    use tracing::Level;

    use super::*;

    #[test]
    fn rust_log_reads_as_a_level_and_per_target_levels() {
        let f = filter(Some("warn,store=debug"));
        assert!(f.would_enable("store::dynamo", &Level::DEBUG));
        assert!(!f.would_enable("app::sweep", &Level::INFO));
        assert!(f.would_enable("app::sweep", &Level::WARN));
        let default = filter(None);
        assert!(default.would_enable("app", &Level::INFO));
        assert!(!default.would_enable("app", &Level::DEBUG));
        assert!(filter(Some("=;not a filter")).would_enable("app", &Level::INFO));
    }
}
