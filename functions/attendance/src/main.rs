//! The attendance Lambda: JSON logs, services and settings from the environment, the router
//! under `lambda_http`.

use app::config::{AttendanceConfig, PublicUrl};
use attendance::{AttendanceSettings, AttendanceState};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    app::logs::init_lambda_json();
    // The site's URL (the opt-out form's origin) and the Zoom token, with every other setting.
    let (services, (public_url, config)) = app::Services::from_env::<(PublicUrl, AttendanceConfig)>().await?;
    let mut settings = AttendanceSettings::from_config(public_url, &config);
    settings.emit_metrics = true;
    let router = web::with_not_found(attendance::router(AttendanceState::from_services(
        &services, settings,
    )));
    lambda_http::run(router).await
}
