//! The admin Lambda: JSON logs, services and settings from the environment, the router under
//! `lambda_http`.

use web::WebState;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    app::logs::init_lambda_json();
    let (services, mut site) = app::Services::from_env::<admin::SettingsParts>().await?;
    // Reminders sent from here (by hand, approved rounds) count toward the quota alarm.
    site.emit_metrics = true;
    let router = web::with_not_found(admin::router(WebState::new(services, site)))
        .layer(axum::middleware::from_fn(web::flood::client_from_lambda));
    lambda_http::run(router).await
}
