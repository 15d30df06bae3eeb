//! Lambda wiring only: JSON logs, services and sweep settings from the environment, the runtime.

use app::sweep::{SweepSettings, Sweeper};
use reminder_sweep::ReminderSweepFunction;
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
    let settings = SweepSettings::from_env()?;
    let function = ReminderSweepFunction::new(Sweeper::new(services, settings), true);
    lambda_runtime::run(function.service()).await
}
