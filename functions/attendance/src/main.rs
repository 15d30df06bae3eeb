//! The attendance Lambda: JSON logs, services and settings from the environment, the router
//! under `lambda_http`.

use attendance::{AttendanceSettings, AttendanceState};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    app::logs::init_lambda_json();
    let (services, (public_url, config)) = app::Services::from_env::<attendance::SettingsParts>().await?;
    let mut settings = AttendanceSettings::from_config(public_url, &config);
    settings.emit_metrics = true;
    let router = web::with_not_found(attendance::router(AttendanceState::from_services(
        &services, settings,
    )));
    lambda_http::run(router).await
}
