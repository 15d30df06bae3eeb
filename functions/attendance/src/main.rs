//! The attendance Lambda: JSON logs, services and settings from the environment, the router
//! under `lambda_http`.

use attendance::{AttendanceSettings, AttendanceState};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    app::logs::init_lambda_json();
    let services = app::Services::from_env().await?;
    // Through app::secrets: in AWS the Zoom token comes from Secrets Manager (its _SECRET_ARN).
    let mut settings = AttendanceSettings::from_lookup(app::secrets::lookup)?;
    settings.emit_metrics = true;
    let router = web::with_not_found(attendance::router(AttendanceState::from_services(
        &services, settings,
    )));
    lambda_http::run(router).await
}
