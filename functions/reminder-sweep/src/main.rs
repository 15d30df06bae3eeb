//! Lambda wiring only: JSON logs, services and sweep settings from the environment, the runtime.

use app::sweep::{SweepSettings, Sweeper};
use reminder_sweep::ReminderSweepFunction;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    app::logs::init_lambda_json();
    let (services, public_url) = app::Services::from_env::<reminder_sweep::SettingsParts>().await?;
    let settings = SweepSettings::new(public_url, &services.settings.sweep);
    let function = ReminderSweepFunction::new(Sweeper::new(services, settings), true);
    lambda_runtime::run(function.service()).await
}
