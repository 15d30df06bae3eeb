//! Lambda wiring only: JSON logs, services and sweep settings from the environment, the runtime.

use app::sweep::{SweepSettings, Sweeper};
use reminder_sweep::ReminderSweepFunction;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    app::logs::init_lambda_json();
    let services = app::Services::from_env().await?;
    let settings = SweepSettings::from_env()?;
    let function = ReminderSweepFunction::new(Sweeper::new(services, settings), true);
    lambda_runtime::run(function.service()).await
}
